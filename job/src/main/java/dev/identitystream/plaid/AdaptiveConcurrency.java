package dev.identitystream.plaid;

import com.netflix.concurrency.limits.Limit;
import com.netflix.concurrency.limits.limit.AIMDLimit;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import com.netflix.concurrency.limits.limit.WindowedLimit;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The concurrency Plaid sustains, found between a floor and the in-flight cap with Netflix's
 * concurrency-limits: the lower of two limits, each fed one sample per window (at least 10
 * attempts; a window with fewer is dropped) by {@link WindowedLimit}.
 *
 * <ul>
 *   <li>Loss: {@link AIMDLimit}, × {@value #BACKOFF} for each half-second window with a drop
 *       (Plaid's client-level {@code RATE_LIMIT_EXCEEDED}, {@link ErrorGuidance#isClientRateLimit},
 *       or an attempt timeout), + 1 for each 1.5 s without one, while at least half the limit was
 *       in use. Cutting fast and growing slowly matters against a rate limit: Plaid's limit is a
 *       bucket that hides an excess until it is empty, so the refusals come in a burst, which lasts
 *       until the cut.
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

  /**
   * The loss limit's cut per window with a drop: deeper than the library's 0.9, so that the limit
   * spends more of its cycle below Plaid's rate (at 0.9 the attempts averaged 0.6 to 1.8% above a
   * lowered limit, and as many were refused; see BENCHMARKS.md).
   */
  static final double BACKOFF = 0.8;

  /**
   * Passes a window with a drop on at once, and a window without only every {@code every} windows:
   * the library's AIMD grows by one per window, so this slows growth without slowing the cut.
   * Threading: called by {@link WindowedLimit} under its lock; synchronized anyway.
   */
  private static final class SlowGrowth implements Limit {
    private final Limit delegate;
    private final int every;
    private int quiet;

    SlowGrowth(Limit delegate, int every) {
      this.delegate = delegate;
      this.every = every;
    }

    @Override
    public int getLimit() {
      return delegate.getLimit();
    }

    @Override
    public void notifyOnChange(java.util.function.Consumer<Integer> consumer) {
      delegate.notifyOnChange(consumer);
    }

    @Override
    public synchronized void onSample(long startTime, long rtt, int inflight, boolean didDrop) {
      if (didDrop) {
        quiet = 0;
        delegate.onSample(startTime, rtt, inflight, true);
      } else if (++quiet >= every) {
        quiet = 0;
        delegate.onSample(startTime, rtt, inflight, false);
      }
    }
  }

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
    this.loss =
        window(500)
            .build(
                new SlowGrowth(
                    AIMDLimit.newBuilder()
                        .minLimit(low)
                        .initialLimit(max)
                        .maxLimit(max)
                        .backoffRatio(BACKOFF)
                        .timeout(Math.max(1, dropAfterNanos), TimeUnit.NANOSECONDS)
                        .build(),
                    3));
    this.latency =
        window(1000)
            .build(
                Gradient2Limit.newBuilder()
                    .minLimit(low)
                    .initialLimit(max)
                    .maxConcurrency(max)
                    .rttTolerance(2.0)
                    .build());
  }

  private static WindowedLimit.Builder window(long millis) {
    return WindowedLimit.newBuilder()
        .minWindowTime(millis, TimeUnit.MILLISECONDS)
        .maxWindowTime(millis, TimeUnit.MILLISECONDS)
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
    boolean drop =
        ErrorGuidance.isClientRateLimit(result)
            || result instanceof PlaidResult.TransportFailure f && f.kind() == FailureKind.TIMEOUT;
    int now = inFlight.getAsInt();
    loss.onSample(startNanos, durationNanos, now, drop);
    latency.onSample(startNanos, durationNanos, now, drop);
  }

  private static boolean answered(PlaidResult result) {
    return !(result instanceof PlaidResult.TransportFailure f)
        || f.httpStatus() > 0
        || f.kind() == FailureKind.TIMEOUT;
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
