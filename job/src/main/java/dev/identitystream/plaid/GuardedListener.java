package dev.identitystream.plaid;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Calls a {@link ResilienceListener}, logging and swallowing what it throws. */
final class GuardedListener implements ResilienceListener {

  private static final Logger LOG = LoggerFactory.getLogger(GuardedListener.class);

  private final ResilienceListener target;

  GuardedListener(ResilienceListener target) {
    this.target = target == null ? NONE : target;
  }

  @Override
  public void onAttempt(PlaidResult outcome, long durationNanos) {
    guard(() -> target.onAttempt(outcome, durationNanos));
  }

  @Override
  public void onRetry(int failedAttempts, long delayMillis, PlaidResult cause) {
    guard(() -> target.onRetry(failedAttempts, delayMillis, cause));
  }

  @Override
  public void onRateLimiterWait(long nanos) {
    guard(() -> target.onRateLimiterWait(nanos));
  }

  @Override
  public void onBreakerWait(long nanos) {
    guard(() -> target.onBreakerWait(nanos));
  }

  @Override
  public void onBreakerTransition(CircuitBreaker.State from, CircuitBreaker.State to) {
    guard(() -> target.onBreakerTransition(from, to));
  }

  @Override
  public void onClientErrorPause(PlaidResult cause) {
    guard(() -> target.onClientErrorPause(cause));
  }

  @Override
  public void onClientErrorResume(long pausedNanos) {
    guard(() -> target.onClientErrorResume(pausedNanos));
  }

  private static void guard(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      LOG.warn("ResilienceListener failed; ignored", e);
    }
  }
}
