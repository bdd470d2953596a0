package dev.identitystream.app.backfill;

import java.io.PrintWriter;
import java.time.Duration;

/**
 * Shows a backfill's progress: a {@code \r}-redrawn bar on a terminal, else a plain line every few
 * seconds (logs and CI stay readable).
 *
 * <p>Threading: one thread (the backfill's loop).
 */
final class BackfillProgress {

  private static final int BAR_WIDTH = 30;

  private final PrintWriter err;
  private final boolean terminal;
  private final long total;
  private final long startNanos;
  private final long plainEveryNanos;
  private long lastPrintNanos;
  private boolean drawn;

  BackfillProgress(PrintWriter err, boolean terminal, long total, Duration plainEvery) {
    this.err = err;
    this.terminal = terminal;
    this.total = total;
    this.startNanos = System.nanoTime();
    this.plainEveryNanos = plainEvery.toNanos();
    this.lastPrintNanos = startNanos;
  }

  /**
   * Shows {@code done} of the total, and how many requests wait for Plaid, if it is time to.
   *
   * @param pending requests in the pending stores (consumed, not yet answered): after everything is
   *     consumed they are what the backfill still waits for
   */
  void update(long done, long pending) {
    long now = System.nanoTime();
    if (terminal) {
      err.print("\r" + line(done, pending, now) + "   ");
      err.flush();
      drawn = true;
    } else if (now - lastPrintNanos >= plainEveryNanos) {
      err.println("backfill: " + line(done, pending, now));
      err.flush();
      lastPrintNanos = now;
    }
  }

  /** Ends the bar's line. */
  void finish(long done) {
    if (terminal) {
      err.print("\r" + line(done, 0, System.nanoTime()) + "   ");
      err.println();
    } else if (drawn || total > 0) {
      err.println("backfill: " + line(done, 0, System.nanoTime()));
    }
    err.flush();
  }

  String line(long done, long pending, long nowNanos) {
    double seconds = Math.max(1e-3, (nowNanos - startNanos) / 1e9);
    double rate = done / seconds;
    String eta = rate <= 0 || done >= total ? "--:--" : clock((long) ((total - done) / rate));
    int percent = total == 0 ? 100 : (int) (100 * done / total);
    StringBuilder text = new StringBuilder();
    if (terminal) {
      int filled = total == 0 ? BAR_WIDTH : (int) (BAR_WIDTH * done / total);
      text.append('[')
          .append("#".repeat(filled))
          .append(".".repeat(BAR_WIDTH - filled))
          .append("] ");
    }
    return text.append(
            String.format(
                "%d/%d requests (%d%%)%s, %.0f/s, ETA %s",
                done,
                total,
                percent,
                pending > 0 ? ", " + pending + " pending (waiting for Plaid)" : "",
                rate,
                eta))
        .toString();
  }

  private static String clock(long seconds) {
    return seconds >= 3600
        ? String.format("%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
        : String.format("%d:%02d", seconds / 60, seconds % 60);
  }
}
