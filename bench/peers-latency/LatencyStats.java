package bench;

import java.util.Arrays;

/**
 * Nearest-rank percentiles of per-request latencies in ms. A request whose outputs never all arrived counts as
 * longer than any that did (so a percentile that falls on one reads "inf", never a flattering figure).
 */
record LatencyStats(int n, int missing, String p50, String p99, String max) {
  static final long MISSING = Long.MAX_VALUE;

  static LatencyStats of(long[] latencies) {
    long[] sorted = latencies.clone();
    Arrays.sort(sorted);
    int missing = (int) Arrays.stream(sorted).filter(l -> l == MISSING).count();
    return new LatencyStats(sorted.length, missing, rank(sorted, 0.50), rank(sorted, 0.99), rank(sorted, 1.0));
  }

  private static String rank(long[] sorted, double q) {
    if (sorted.length == 0) {
      return "nan";
    }
    long v = sorted[Math.max(0, (int) Math.ceil(q * sorted.length) - 1)];
    return v == MISSING ? "inf" : Long.toString(v);
  }

  /** key=value fields for a RESULT line, each key prefixed. */
  String fields(String prefix) {
    return String.format("%sp50_ms=%s %sp99_ms=%s %smax_ms=%s", prefix, p50, prefix, p99, prefix, max);
  }
}
