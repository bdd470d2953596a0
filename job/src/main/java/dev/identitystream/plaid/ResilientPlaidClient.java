package dev.identitystream.plaid;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decorates a {@link PlaidClient} (usually {@link HttpPlaidClient}) with Resilience4j retry,
 * client-side rate limit and circuit breaker. No loops of its own: Resilience4j's {@link Retry}
 * drives the attempts.
 *
 * <ul>
 *   <li><b>Retry</b> on results, never on HTTP status alone: an {@code ErrorAnswer} whose {@link
 *       ErrorGuidance} is {@code RETRY_NOW} (rate limits except {@code CREDITS_EXHAUSTED}, {@code
 *       API_ERROR}) and a {@code TransportFailure} whose kind {@link FailureKind#isTransient() is
 *       transient}. Item, input, request and institution errors, unknown types and oversize bodies
 *       come back at once. Waits follow {@link FullJitterBackoff}, never past the deadline.
 *   <li><b>Deadline</b>: when it passes (or {@code maxAttempts} is reached) while attempts still
 *       fail transiently, the result is {@link PlaidResult.Exhausted} with the last failure. Every
 *       final result carries the number of HTTP attempts made.
 *   <li><b>Rate limit</b> (optional): every attempt, retries included, takes a permit of this
 *       instance's share of the application's budget ({@link FleetRate}), live attempts before bulk
 *       ones; a request waiting for one waits on the scheduler, never on the caller's thread.
 *   <li><b>Per-Item spacing</b>: after an Item-level rate limit, that Item's attempts are spaced
 *       ({@link ItemSpacing}), retries included.
 *   <li><b>Adaptive concurrency</b>: every answered attempt is a sample of {@link
 *       AdaptiveConcurrency}, whose limit the caller (the stage) applies to its calls in flight.
 *   <li><b>Circuit breaker</b>: counts transient transport failures and {@code API_ERROR} answers
 *       (not 429s: a per-Item rate limit says nothing about Plaid's health). While it is open no
 *       call is made; requests <em>wait</em>, re-asking the breaker every {@code
 *       breakerRecheckInterval}, and nothing is dropped. Memory stays bounded because the caller
 *       bounds the calls it has in flight. Time spent waiting for the breaker or for a rate permit
 *       is not charged to the deadline: our own queueing is not Plaid failing, so a long Plaid
 *       outage ends in successes once Plaid is back rather than in a mass of {@code Exhausted}. The
 *       price: while Plaid stays down, requests wait as long as it does.
 *   <li><b>Client errors</b>: an answer that refuses this job's client rather than anything about
 *       the request ({@link ErrorGuidance#refusesClient}: bad keys, plan, product access, a wrong
 *       base URL) pauses every call at the {@link ClientErrorGate}: nothing completes, so requests
 *       stay pending and no output is written, until a probe sent every {@code
 *       clientErrorProbeInterval} is answered otherwise. Such answers never reach the caller.
 * </ul>
 *
 * <p>Cancelling the returned future abandons the request: no further attempt is made, a wait for
 * the breaker or for a rate permit ends, and the attempt on the wire is cancelled. A permit
 * reserved for it is not returned (Resilience4j cannot), which is why permits are reserved at most
 * {@link FleetRate#horizon()} ahead (a second, or two periods); farther waits re-check later.
 *
 * <p>Threading: {@link #identityDocumentsUploadsGet} may be called from any thread and returns at
 * once (the first attempt is started on the caller's thread only when no wait is needed). Waits
 * (backoff, rate permit, breaker re-check) run on this client's single scheduler thread ({@code
 * plaid-resilience-N}); results complete on the delegate's threads. {@link #close()} stops the
 * scheduler and closes the delegate; requests still waiting are abandoned.
 */
public final class ResilientPlaidClient implements PlaidClient {

  private static final Logger LOG = LoggerFactory.getLogger(ResilientPlaidClient.class);
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  /** How long the per-Item spacing lasts after an Item-level rate limit. */
  static final Duration ITEM_SPACING_HOT = Duration.ofMinutes(1);

  final PlaidClient delegate;
  final ResilienceConfig config;
  final ResilienceListener listener;
  final CircuitBreaker breaker;
  final FleetRate rate; // null when off
  final ItemSpacing itemSpacing;
  final AdaptiveConcurrency concurrency;
  final FullJitterBackoff backoff;
  final ClientErrorGate gate;
  private final ScheduledExecutorService scheduler;
  private final Retry retry;
  private volatile boolean closed;

  public ResilientPlaidClient(PlaidClient delegate, ResilienceConfig config) {
    this(delegate, config, ResilienceListener.NONE);
  }

  public ResilientPlaidClient(
      PlaidClient delegate, ResilienceConfig config, ResilienceListener listener) {
    this.delegate = delegate;
    this.config = config;
    this.listener = new GuardedListener(listener);
    this.backoff = new FullJitterBackoff(config.baseBackoff(), config.maxBackoff());
    int instance = INSTANCES.incrementAndGet();
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "plaid-resilience-" + instance);
              thread.setDaemon(true);
              return thread;
            });
    this.gate = new ClientErrorGate(scheduler, config.clientErrorProbeInterval(), this.listener);
    this.retry = Retry.of("plaid-" + instance, retryConfig());
    this.breaker = CircuitBreaker.of("plaid-" + instance, breakerConfig(config));
    this.rate =
        config.requestsPerMinute() == 0
            ? null
            : new FleetRate("plaid-" + instance, config.requestsPerMinute(), config.liveReserve());
    this.itemSpacing = new ItemSpacing(config.itemRateLimitSpacing(), ITEM_SPACING_HOT);
    this.concurrency =
        new AdaptiveConcurrency(
            config.adaptiveConcurrency(),
            config.concurrencyFloor(),
            config.concurrencyMax(),
            config.deadline().toNanos());
    breaker
        .getEventPublisher()
        .onStateTransition(
            event -> {
              CircuitBreaker.State from = event.getStateTransition().getFromState();
              CircuitBreaker.State to = event.getStateTransition().getToState();
              if (to == CircuitBreaker.State.OPEN) {
                LOG.warn(
                    "Plaid circuit breaker {} -> {}: calls wait for {}",
                    from,
                    to,
                    config.breakerOpenDuration());
              } else {
                LOG.info("Plaid circuit breaker {} -> {}", from, to);
              }
              this.listener.onBreakerTransition(from, to);
            });
  }

  @Override
  public CompletionStage<PlaidResult> identityDocumentsUploadsGet(PlaidRequest request) {
    if (closed) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("ResilientPlaidClient is closed"));
    }
    CompletableFuture<PlaidResult> result = new CompletableFuture<>();
    ResilientCall call = new ResilientCall(this, request, result);
    Retry.decorateCompletionStage(retry, scheduler, call::attempt)
        .get()
        .whenComplete(
            (attempt, error) -> {
              if (error != null) {
                result.completeExceptionally(error);
              } else {
                result.complete(attempt.finalResult());
              }
            });
    result.whenComplete(
        (r, e) -> {
          if (result.isCancelled()) {
            call.cancel();
          }
        });
    return result;
  }

  @Override
  public Optional<PlaidControls> controls() {
    return Optional.of(new PlaidControls(Optional.ofNullable(rate), concurrency));
  }

  /** Stops the scheduler (waiting requests are abandoned) and closes the delegate. */
  @Override
  public void close() {
    closed = true;
    scheduler.shutdownNow();
    delegate.close();
  }

  /**
   * Whether a later attempt may succeed: Plaid's {@code RETRY_NOW} guidance or a transient failure.
   */
  static boolean retriable(PlaidResult result) {
    if (result instanceof PlaidResult.ErrorAnswer answer) {
      return ErrorGuidance.of(answer.error()) == ErrorGuidance.RETRY_NOW;
    }
    return result instanceof PlaidResult.TransportFailure failure && failure.kind().isTransient();
  }

  /** Whether the breaker counts this attempt as a failure of Plaid (or the way to it). */
  static boolean breakerFailure(Object result) {
    if (result instanceof PlaidResult.ErrorAnswer answer) {
      return "API_ERROR".equals(answer.error().errorType());
    }
    return result instanceof PlaidResult.TransportFailure failure && failure.kind().isTransient();
  }

  /**
   * Runs a {@code step} of a call after {@code delayNanos} on the client's scheduler. A step that
   * throws (a bug) or cannot be scheduled (the client is closed) completes {@code done}
   * exceptionally, so the stage keeps the request pending and calls it again: an exception left in
   * the scheduler's future would leave the call, and its in-flight slot, waiting forever.
   */
  void schedule(CompletableFuture<?> done, Runnable step, long delayNanos) {
    Runnable guarded =
        () -> {
          try {
            step.run();
          } catch (RuntimeException | Error e) {
            LOG.error(
                "A step of a Plaid call failed ({}); the request stays pending and is called again",
                e.getClass().getName());
            done.completeExceptionally(e);
            if (e instanceof Error) {
              throw e;
            }
          }
        };
    try {
      ScheduledFuture<?> unused = scheduler.schedule(guarded, delayNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      done.completeExceptionally(e);
    }
  }

  /** A re-check delay jittered in [interval/2, interval], so waiting requests do not stampede. */
  long breakerRecheckNanos() {
    long interval = config.breakerRecheckInterval().toNanos();
    return interval / 2 + ThreadLocalRandom.current().nextLong(interval / 2 + 1);
  }

  private RetryConfig retryConfig() {
    return RetryConfig.<ResilientCall.Attempt>custom()
        .maxAttempts(config.maxAttempts())
        .retryOnResult(ResilientCall.Attempt::shouldRetry)
        .retryOnException(error -> false)
        .intervalBiFunction(
            (failedAttempts, outcome) ->
                outcome.isRight()
                    ? outcome.get().retryDelayMillis(failedAttempts)
                    : backoff.apply(failedAttempts))
        .build();
  }

  private static CircuitBreakerConfig breakerConfig(ResilienceConfig config) {
    return CircuitBreakerConfig.custom()
        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        .slidingWindowSize(config.breakerWindowSize())
        .minimumNumberOfCalls(config.breakerMinimumCalls())
        .failureRateThreshold(config.breakerFailureRatePercent())
        .waitDurationInOpenState(config.breakerOpenDuration())
        .permittedNumberOfCallsInHalfOpenState(config.breakerHalfOpenCalls())
        .recordResult(ResilientPlaidClient::breakerFailure)
        .writableStackTraceEnabled(false)
        .build();
  }
}
