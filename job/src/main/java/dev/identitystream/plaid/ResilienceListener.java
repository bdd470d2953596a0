package dev.identitystream.plaid;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;

/**
 * Hooks for metrics on {@link ResilientPlaidClient}; every method defaults to nothing.
 *
 * <p>Threading: called from the client's scheduler thread, the delegate's threads and the caller's
 * thread, concurrently. Implementations must be thread-safe and quick, and should not throw (an
 * exception is logged and otherwise ignored).
 */
public interface ResilienceListener {

  /** Does nothing. */
  ResilienceListener NONE = new ResilienceListener() {};

  /** One HTTP attempt ended with {@code outcome} after {@code durationNanos}. */
  default void onAttempt(PlaidResult outcome, long durationNanos) {}

  /** The {@code failedAttempts}-th failure ({@code cause}) is retried after {@code delayMillis}. */
  default void onRetry(int failedAttempts, long delayMillis, PlaidResult cause) {}

  /** An attempt waits {@code nanos} for a permit of the client-side rate limiter. */
  default void onRateLimiterWait(long nanos) {}

  /** An attempt waited {@code nanos} for the circuit breaker to let calls through again. */
  default void onBreakerWait(long nanos) {}

  /** The circuit breaker changed state. */
  default void onBreakerTransition(CircuitBreaker.State from, CircuitBreaker.State to) {}

  /**
   * Plaid refused this job's client ({@code cause}: a client-error answer or a non-Plaid refusal,
   * see {@link ErrorGuidance#refusesClient}); every call now waits until a probe is answered
   * otherwise.
   */
  default void onClientErrorPause(PlaidResult cause) {}

  /** Plaid answered a call without refusing the client after a pause of {@code pausedNanos}. */
  default void onClientErrorResume(long pausedNanos) {}
}
