package dev.identitystream.plaid;

import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter: before the {@code n}-th retry ({@code n >= 1}) wait a
 * uniformly random time in {@code [0, min(cap, base * 2^(n-1))]} milliseconds. Spreads retries of
 * many callers so that they do not come back in waves.
 *
 * <p>Threading: stateless and thread-safe.
 */
public final class FullJitterBackoff implements IntervalFunction {

  private final long baseMillis;
  private final long capMillis;

  public FullJitterBackoff(Duration base, Duration cap) {
    this.baseMillis = base.toMillis();
    this.capMillis = cap.toMillis();
    if (baseMillis < 1 || capMillis < baseMillis) {
      throw new IllegalArgumentException(
          "backoff needs 1 ms <= base <= cap, got base=" + base + ", cap=" + cap);
    }
  }

  /** The upper bound of the wait before the {@code n}-th retry, in milliseconds. */
  public long ceilingMillis(int n) {
    int shift = Math.max(0, n - 1);
    if (shift >= 62 || baseMillis > (capMillis >> shift)) {
      return capMillis;
    }
    return Math.min(capMillis, baseMillis << shift);
  }

  @Override
  public Long apply(Integer n) {
    return ThreadLocalRandom.current().nextLong(ceilingMillis(n) + 1);
  }
}
