package dev.identitystream.emulator;

import java.time.Duration;

/**
 * How long the emulator waits before answering. Waiting holds no thread: the answer is written
 * later by a scheduler. Samples come from the emulator's seeded sequence.
 */
public sealed interface LatencyModel {

  /** The delay for one answer, in nanoseconds, from two uniform draws in [0, 1). */
  long sampleNanos(double u1, double u2);

  /** Answer at once. */
  static LatencyModel none() {
    return new Fixed(Duration.ZERO);
  }

  static LatencyModel fixed(Duration delay) {
    return new Fixed(delay);
  }

  /** Uniform between {@code min} and {@code max}, both included. */
  static LatencyModel uniform(Duration min, Duration max) {
    return new Uniform(min, max);
  }

  /**
   * Log-normal with the given median and 99th percentile (a long right tail like real APIs);
   * samples are capped at 10 times the p99 so one draw cannot stall a test.
   */
  static LatencyModel logNormal(Duration median, Duration p99) {
    return new LogNormal(median, p99);
  }

  /** A constant delay. */
  record Fixed(Duration delay) implements LatencyModel {
    public Fixed {
      requireNonNegative(delay, "delay");
    }

    @Override
    public long sampleNanos(double u1, double u2) {
      return delay.toNanos();
    }
  }

  /** A delay drawn uniformly from [min, max]. */
  record Uniform(Duration min, Duration max) implements LatencyModel {
    public Uniform {
      requireNonNegative(min, "min");
      requireNonNegative(max, "max");
      if (max.compareTo(min) < 0) {
        throw new IllegalArgumentException("max latency is below min latency");
      }
    }

    @Override
    public long sampleNanos(double u1, double u2) {
      long span = max.toNanos() - min.toNanos();
      return min.toNanos() + (long) (u1 * (span + 1));
    }
  }

  /** A log-normal delay given by its median and 99th percentile. */
  record LogNormal(Duration median, Duration p99) implements LatencyModel {
    private static final double Z99 = 2.3263478740408408;

    public LogNormal {
      requireNonNegative(median, "median");
      if (median.isZero() || p99.compareTo(median) < 0) {
        throw new IllegalArgumentException("log-normal latency needs 0 < median <= p99");
      }
    }

    @Override
    public long sampleNanos(double u1, double u2) {
      double mu = Math.log(median.toNanos());
      double sigma = (Math.log(p99.toNanos()) - mu) / Z99;
      // Box-Muller: one standard normal from two uniforms (1 - u1 is in (0, 1]).
      double z = Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
      double nanos = Math.exp(mu + sigma * z);
      return (long) Math.min(nanos, 10.0 * p99.toNanos());
    }
  }

  private static void requireNonNegative(Duration d, String name) {
    if (d == null || d.isNegative()) {
      throw new IllegalArgumentException(name + " must be a non-negative duration");
    }
  }
}
