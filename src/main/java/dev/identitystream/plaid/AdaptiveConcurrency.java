package dev.identitystream.plaid;

import com.netflix.concurrency.limits.Limit;
import com.netflix.concurrency.limits.limit.AIMDLimit;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import com.netflix.concurrency.limits.limit.WindowedLimit;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The concurrency Plaid sustains, found between a floor and the in-flight cap with Netflix's
 * concurrency-limits: the lower of two limits, each fed one sample per window of one second (at
 * least 10 attempts; a window with fewer is dropped) by {@link WindowedLimit}.
 *
 * <ul>
 *   <li>Loss: {@link AIMDLimit}, × 0.9 in a window with a drop (Plaid's client-level {@code
 *       RATE_LIMIT_EXCEEDED}, {@link ErrorGuidance#isClientRateLimit}, or an attempt timeout), + 1 in
 *       a window without, while at least half the limit was in use.
 *   <li>Latency: {@link Gradient2Limit}, which shrinks when the window's average attempt latency
 *       rises above twice its long-term average and grows back when it falls.
 * </ul>
 *
 * <p>Samples are HTTP attempts ({@link #onAttempt}): their latency on the wire only, never time
 * queued behind our own rate limiter, breaker or backoff. Attempts that got no answer (connection
 * failures) are not samples. Both limits start at the cap. Turned off, the limit is the cap.
 *
 * <p>Threading: {@link #onAttempt} from any thread (the limits lock internally); {@link #getAsInt}
 * from any.
 */
public final class AdaptiveConcurrency implements IntSupplier {

  private final boolean enabled;
  private final int max;
  private final Limit loss;
  private final Limit latency;
  private volatile IntSupplier inFlight = () -> 0;

  /**
   * @param floor the lowest limit (at least 1)
   * @param max the in-flight cap: the highest limit and the start
   */
  public AdaptiveConcurrency(boolean enabled, int floor, int max, long dropAfterNanos) {
    int low = Math.max(1, Math.min(floor, max));
    this.enabled = enabled;
    this.max = max;
    this.loss = window().build(AIMDLimit.newBuilder()
        .minLimit(low).initialLimit(max).maxLimit(max).backoffRatio(0.9)
        .timeout(Math.max(1, dropAfterNanos), TimeUnit.NANOSECONDS)
        .build());
    this.latency = window().build(Gradient2Limit.newBuilder()
        .minLimit(low).initialLimit(max).maxConcurrency(max).rttTolerance(2.0)
        .build());
  }

  private static WindowedLimit.Builder window() {
    return WindowedLimit.newBuilder()
        .minWindowTime(1, TimeUnit.SECONDS)
        .maxWindowTime(1, TimeUnit.SECONDS)
        .windowSize(10);
  }

  /** Where the calls in flight are counted (the stage's slots). */
  public void countInFlight(IntSupplier value) {
    this.inFlight = value;
  }

  /** One HTTP attempt that started at {@code startNanos} ended with {@code result}. */
  void onAttempt(PlaidResult result, long startNanos, long durationNanos) {
    if (!enabled || !answered(result)) {
      return;
    }
    boolean drop = ErrorGuidance.isClientRateLimit(result)
        || result instanceof PlaidResult.TransportFailure f && f.kind() == FailureKind.TIMEOUT;
    int now = inFlight.getAsInt();
    loss.onSample(startNanos, durationNanos, now, drop);
    latency.onSample(startNanos, durationNanos, now, drop);
  }

  private static boolean answered(PlaidResult result) {
    return !(result instanceof PlaidResult.TransportFailure f) || f.httpStatus() > 0 || f.kind() == FailureKind.TIMEOUT;
  }

  /** The limit now: between the floor and the cap; the cap when turned off. */
  @Override
  public int getAsInt() {
    return enabled ? Math.min(loss.getLimit(), latency.getLimit()) : max;
  }

  public boolean enabled() {
    return enabled;
  }
}
