package dev.identitystream.plaid;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One logical request of {@link ResilientPlaidClient}: each {@link #attempt()} (called by
 * Resilience4j's Retry) passes the client-error gate, the Item's spacing, the breaker, then the
 * fleet rate (live or bulk, {@link FleetRate}), then calls the delegate. While Plaid refuses the
 * client, the attempt waits at the {@link ClientErrorGate} (before starting, just before sending,
 * or after a refused answer) and is resumed by it.
 *
 * <p>Threading: the steps of one request run one after another, handed from thread to thread by the
 * scheduler and the delegate's stages; fields are volatile for that hand-over only. An attempt's
 * answer is judged (breaker, gate, retry decision and its DEBUG line) on the delegate's thread that
 * completed it, or on the scheduler when it completed before {@code send} returned: never on the
 * thread that called the client (a retry decided there by Resilience4j, which attaches to the first
 * attempt after it may have completed, has its DEBUG line and listener event handed to the
 * scheduler). The DEBUG line of a retry has {@code request_id} in its MDC for that line only.
 */
final class ResilientCall {

  private static final Logger LOG = LoggerFactory.getLogger(ResilientCall.class);

  private final ResilientPlaidClient owner;
  private final PlaidRequest request;

  /** The caller's future: once it is done (cancelled), nothing more is attempted. */
  private final CompletableFuture<PlaidResult> caller;

  /** The attempt on the wire, to cancel with the request. */
  private volatile CompletionStage<PlaidResult> sending;

  /** The attempt under way, to end with the request. */
  private volatile CompletableFuture<Attempt> current;

  private final long startNanos = System.nanoTime();

  /**
   * The thread that called the client. Resilience4j's Retry decides on the first attempt's answer
   * on the thread that attaches to it when the answer came first: this one, if it lost that race.
   */
  private final Thread callerThread = Thread.currentThread();

  /** Time queued behind our own breaker and rate limiter: not charged to the deadline. */
  private volatile long excludedNanos;

  private volatile long breakerWaitSince;
  private volatile boolean waitingForBreaker;
  private volatile int attempts;

  /** Whether this bulk request waits to ask the fleet rate again (counted there while it does). */
  private volatile boolean bulkWaiting;

  /** Whether the current attempt is the client-error gate's probe (sent although it is closed). */
  private volatile boolean probe;

  ResilientCall(
      ResilientPlaidClient owner, PlaidRequest request, CompletableFuture<PlaidResult> caller) {
    this.owner = owner;
    this.request = request;
    this.caller = caller;
  }

  /**
   * The caller gave up: ends the current attempt (a wait at the client-error gate is dropped by
   * it), cancels the attempt on the wire; other waits end at their next step.
   */
  void cancel() {
    CompletableFuture<Attempt> attempt = current;
    if (attempt != null) {
      attempt.completeExceptionally(
          new java.util.concurrent.CancellationException("request abandoned"));
    }
    if (sending instanceof java.util.concurrent.Future<?> future) {
      try {
        future.cancel(true);
      } catch (RuntimeException notCancellable) {
        // the attempt runs on until its timeout; its result is ignored
      }
    }
  }

  private boolean abandoned() {
    return caller.isDone();
  }

  /** The outcome of one attempt, as Resilience4j's Retry sees it. */
  record Attempt(ResilientCall call, PlaidResult result) {
    boolean shouldRetry() {
      return !call.abandoned()
          && ResilientPlaidClient.retriable(result)
          && call.remainingBudgetNanos() > 0;
    }

    long retryDelayMillis(int failedAttempts) {
      long remainingMillis =
          TimeUnit.NANOSECONDS.toMillis(Math.max(0, call.remainingBudgetNanos()));
      long delay = Math.min(call.owner.backoff.apply(failedAttempts), remainingMillis);
      if (Thread.currentThread() == call.callerThread) { // see callerThread: not the caller's work
        call.owner.schedule(new CompletableFuture<>(), () -> reportRetry(failedAttempts, delay), 0);
      } else {
        reportRetry(failedAttempts, delay);
      }
      return delay;
    }

    /** The retry's DEBUG line and listener event, on one of the client's threads. */
    private void reportRetry(int failedAttempts, long delay) {
      if (LOG.isDebugEnabled()) {
        try (LogContext ignored = LogContext.of(call.request.requestId(), null)) {
          LOG.debug(
              "Attempt {} failed ({}); retrying in {} ms",
              failedAttempts,
              result.describe(),
              delay);
        }
      }
      call.owner.listener.onRetry(failedAttempts, delay, result);
    }

    /**
     * The request's result: this attempt's, with the attempt count; Exhausted if still transient.
     */
    PlaidResult finalResult() {
      int n = call.attempts;
      PlaidResult last = result.withAttempts(n);
      return ResilientPlaidClient.retriable(result) ? new PlaidResult.Exhausted(last, n) : last;
    }
  }

  CompletionStage<Attempt> attempt() {
    CompletableFuture<Attempt> done = new CompletableFuture<>();
    current = done;
    if (abandoned()) {
      done.completeExceptionally(
          new java.util.concurrent.CancellationException("request abandoned"));
      return done;
    }
    if (owner.gate.admit(this, done)) {
      passBreaker(done);
    }
    return done;
  }

  /**
   * Called by the {@link ClientErrorGate}: the attempt goes on after waiting {@code waitedNanos}
   * (not charged to the deadline), as the gate's probe or because the gate opened.
   */
  void resumeFromGate(CompletableFuture<Attempt> done, long waitedNanos, boolean asProbe) {
    excludedNanos += waitedNanos;
    probe = asProbe;
    passBreaker(done);
  }

  long remainingBudgetNanos() {
    long charged = System.nanoTime() - startNanos - excludedNanos;
    return owner.config.deadline().toNanos() - charged;
  }

  private void passBreaker(CompletableFuture<Attempt> done) {
    if (bulkWaiting) {
      bulkWaiting = false;
      owner.rate.bulkWaitEnded();
    }
    if (abandoned()) {
      done.completeExceptionally(
          new java.util.concurrent.CancellationException("request abandoned"));
      return;
    }
    long now = System.nanoTime();
    long spacing = owner.itemSpacing.waitNanos(request.accessToken(), now);
    if (spacing
        > 0) { // the Item was rate-limited lately: our own pacing, not charged to the deadline
      excludedNanos += spacing;
      owner.schedule(done, () -> passBreaker(done), spacing);
      return;
    }
    if (!owner.breaker.tryAcquirePermission()) {
      if (!waitingForBreaker) {
        waitingForBreaker = true;
        breakerWaitSince = now;
      }
      owner.schedule(done, () -> passBreaker(done), owner.breakerRecheckNanos());
      return;
    }
    if (waitingForBreaker) {
      waitingForBreaker = false;
      long waited = now - breakerWaitSince;
      excludedNanos += waited;
      owner.listener.onBreakerWait(waited);
    }
    passRateLimiter(done);
  }

  private void passRateLimiter(CompletableFuture<Attempt> done) {
    FleetRate rate = owner.rate;
    if (rate == null) {
      send(done);
      return;
    }
    long waitNanos = request.bulk() ? rate.reserveBulk() : rate.reserveLive();
    if (waitNanos == 0) {
      send(done);
    } else if (waitNanos > 0) {
      excludedNanos += waitNanos;
      owner.listener.onRateLimiterWait(waitNanos);
      owner.schedule(done, () -> sendUnlessBreakerOpened(done), waitNanos);
    } else { // no permit for this lane within the horizon: ask again later, not charged to the
      // deadline
      owner.breaker.releasePermission();
      long again = request.bulk() ? rate.bulkRecheckNanos() : owner.breakerRecheckNanos();
      bulkWaiting = request.bulk();
      excludedNanos += again;
      owner.schedule(done, () -> passBreaker(done), again);
    }
  }

  /** After a rate wait the breaker may have opened: then give the permit back and wait for it. */
  private void sendUnlessBreakerOpened(CompletableFuture<Attempt> done) {
    if (abandoned()) {
      owner.breaker.releasePermission();
      done.completeExceptionally(
          new java.util.concurrent.CancellationException("request abandoned"));
    } else if (owner.breaker.getState() == CircuitBreaker.State.OPEN) {
      owner.breaker.releasePermission();
      passBreaker(done);
    } else {
      send(done);
    }
  }

  private void send(CompletableFuture<Attempt> done) {
    if (!probe && !owner.gate.admit(this, done)) {
      owner.breaker.releasePermission(); // parked: the gate closed while this call waited
      return;
    }
    long sentAt = System.nanoTime();
    CompletionStage<PlaidResult> stage;
    try {
      stage = owner.delegate.identityDocumentsUploadsGet(request);
      sending = stage;
      if (abandoned()) {
        cancel();
      }
    } catch (RuntimeException e) {
      owner.breaker.releasePermission();
      done.completeExceptionally(e);
      return;
    }
    // A stage may complete before whenComplete is registered (an immediate refusal, a test double):
    // its callback would then run here, on the caller's thread. The attempt is judged on the
    // client's own threads only (the scheduler), never on the caller's.
    AtomicBoolean inSend = new AtomicBoolean(true);
    stage.whenComplete(
        (result, error) -> {
          long took = System.nanoTime() - sentAt;
          if (inSend.get()) {
            owner.schedule(done, () -> judge(done, result, error, sentAt, took), 0);
          } else {
            judge(done, result, error, sentAt, took);
          }
        });
    inSend.set(false);
  }

  /** Takes an attempt's answer: counts it, then lets the gate judge it or completes the attempt. */
  private void judge(
      CompletableFuture<Attempt> done,
      PlaidResult result,
      Throwable error,
      long sentAt,
      long took) {
    if (error != null || result == null) {
      owner.breaker.releasePermission(); // a bug, not Plaid's health
      done.completeExceptionally(error != null ? error : new NullPointerException("null result"));
      return;
    }
    attempts++;
    owner.breaker.onResult(took, TimeUnit.NANOSECONDS, result);
    owner.concurrency.onAttempt(result, sentAt, took);
    if (result instanceof PlaidResult.ErrorAnswer answer
        && ErrorGuidance.isItemRateLimit(answer.error())) {
      owner.itemSpacing.limited(request.accessToken(), System.nanoTime());
    }
    owner.listener.onAttempt(result, took);
    boolean wasProbe = probe;
    probe = false;
    if (!owner.gate.afterAttempt(this, done, result, wasProbe)) {
      done.complete(new Attempt(this, result));
    }
  }
}
