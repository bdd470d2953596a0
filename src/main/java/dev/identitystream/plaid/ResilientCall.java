package dev.identitystream.plaid;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.ratelimiter.RateLimiter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One logical request of {@link ResilientPlaidClient}: each {@link #attempt()} (called by
 * Resilience4j's Retry) passes the breaker, then the rate limiter, then calls the delegate.
 *
 * <p>Threading: the steps of one request run one after another, handed from thread to thread by
 * the scheduler and the delegate's stages; fields are volatile for that hand-over only. The DEBUG
 * line of a retry is written on the thread that completed the attempt, with {@code request_id} in
 * its MDC for that line only.
 */
final class ResilientCall {

  private static final Logger LOG = LoggerFactory.getLogger(ResilientCall.class);

  private final ResilientPlaidClient owner;
  private final PlaidRequest request;
  /** The caller's future: once it is done (cancelled), nothing more is attempted. */
  private final CompletableFuture<PlaidResult> caller;
  /** The attempt on the wire, to cancel with the request. */
  private volatile CompletionStage<PlaidResult> sending;
  private final long startNanos = System.nanoTime();
  /** Time queued behind our own breaker and rate limiter: not charged to the deadline. */
  private volatile long excludedNanos;
  private volatile long breakerWaitSince;
  private volatile boolean waitingForBreaker;
  private volatile int attempts;

  ResilientCall(ResilientPlaidClient owner, PlaidRequest request, CompletableFuture<PlaidResult> caller) {
    this.owner = owner;
    this.request = request;
    this.caller = caller;
  }

  /** The caller gave up: cancels the attempt on the wire; waits end at their next step. */
  void cancel() {
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
      return !call.abandoned() && ResilientPlaidClient.retriable(result) && call.remainingBudgetNanos() > 0;
    }

    long retryDelayMillis(int failedAttempts) {
      long remainingMillis = TimeUnit.NANOSECONDS.toMillis(Math.max(0, call.remainingBudgetNanos()));
      long delay = Math.min(call.owner.backoff.apply(failedAttempts), remainingMillis);
      if (LOG.isDebugEnabled()) {
        try (LogContext ignored = LogContext.of(call.request.requestId(), null)) {
          LOG.debug("Attempt {} failed ({}); retrying in {} ms", failedAttempts, describe(result), delay);
        }
      }
      call.owner.listener.onRetry(failedAttempts, delay, result);
      return delay;
    }

    /** The request's result: this attempt's, with the attempt count; Exhausted if still transient. */
    PlaidResult finalResult() {
      int n = call.attempts;
      PlaidResult last = result.withAttempts(n);
      return ResilientPlaidClient.retriable(result) ? new PlaidResult.Exhausted(last, n) : last;
    }
  }

  /** A token-free summary of one attempt's result for the logs. */
  static String describe(PlaidResult result) {
    if (result instanceof PlaidResult.ErrorAnswer answer) {
      return "HTTP " + answer.httpStatus() + " " + answer.error().errorType() + "/" + answer.error().errorCode();
    }
    if (result instanceof PlaidResult.TransportFailure failure) {
      return failure.kind() + " (HTTP " + failure.httpStatus() + "): " + failure.detail();
    }
    return result.getClass().getSimpleName();
  }

  CompletionStage<Attempt> attempt() {
    CompletableFuture<Attempt> done = new CompletableFuture<>();
    passBreaker(done);
    return done;
  }

  long remainingBudgetNanos() {
    long charged = System.nanoTime() - startNanos - excludedNanos;
    return owner.config.deadline().toNanos() - charged;
  }

  private void passBreaker(CompletableFuture<Attempt> done) {
    if (abandoned()) {
      done.completeExceptionally(new java.util.concurrent.CancellationException("request abandoned"));
      return;
    }
    long now = System.nanoTime();
    if (!owner.breaker.tryAcquirePermission()) {
      if (!waitingForBreaker) {
        waitingForBreaker = true;
        breakerWaitSince = now;
      }
      owner.schedule(() -> passBreaker(done), owner.breakerRecheckNanos());
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
    RateLimiter limiter = owner.rateLimiter;
    if (limiter == null) {
      send(done);
      return;
    }
    long waitNanos = limiter.reservePermission();
    if (waitNanos == 0) {
      send(done);
    } else if (waitNanos > 0) {
      excludedNanos += waitNanos;
      owner.listener.onRateLimiterWait(waitNanos);
      owner.schedule(() -> sendUnlessBreakerOpened(done), waitNanos);
    } else { // the limiter's queue is longer than its maximum wait: ask again later
      owner.breaker.releasePermission();
      owner.schedule(() -> passBreaker(done), owner.breakerRecheckNanos());
    }
  }

  /** After a rate wait the breaker may have opened: then give the permit back and wait for it. */
  private void sendUnlessBreakerOpened(CompletableFuture<Attempt> done) {
    if (abandoned()) {
      owner.breaker.releasePermission();
      done.completeExceptionally(new java.util.concurrent.CancellationException("request abandoned"));
    } else if (owner.breaker.getState() == CircuitBreaker.State.OPEN) {
      owner.breaker.releasePermission();
      passBreaker(done);
    } else {
      send(done);
    }
  }

  private void send(CompletableFuture<Attempt> done) {
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
    stage.whenComplete(
        (result, error) -> {
          long took = System.nanoTime() - sentAt;
          if (error != null || result == null) {
            owner.breaker.releasePermission(); // a bug, not Plaid's health
            done.completeExceptionally(error != null ? error : new NullPointerException("null result"));
            return;
          }
          attempts++;
          owner.breaker.onResult(took, TimeUnit.NANOSECONDS, result);
          owner.listener.onAttempt(result, took);
          done.complete(new Attempt(this, result));
        });
  }
}
