package dev.identitystream.topology;

/**
 * The backpressure wait budget of one stream thread. A thread runs its tasks one after another, so
 * if every full task waited {@code maxBlock}, a thread with N full tasks would go N × maxBlock
 * between polls and could be evicted from its group however small maxBlock is. Instead the waits
 * of one pass over the tasks share a single maxBlock: the first full task to wait starts a round
 * and may wait until its deadline; the thread's other full tasks only wait for what is left of it;
 * a task that already waited in the round starts the next one. So a thread waits at most about
 * maxBlock per pass over its tasks, and each full task admits at most one record over its cap per
 * round (per maxBlock).
 *
 * <p>A round whose deadline passed more than maxBlock ago is stale: the next wait starts a new one.
 *
 * <p>Threading: one instance per stream thread ({@link #perThread()}); not thread-safe.
 */
final class WaitRound {

  private long round = -1;
  private long deadlineNanos;

  /** One {@link WaitRound} per thread that asks. */
  static ThreadLocal<WaitRound> perThread() {
    return ThreadLocal.withInitial(WaitRound::new);
  }

  /**
   * Joins the current round, or starts the next one when the task already waited in it or it is
   * stale.
   *
   * @param lastRound the round this task last joined ({@code -1} if none)
   * @return the round joined; its deadline is {@link #deadlineNanos()}
   */
  long join(long lastRound, long nowNanos, long maxBlockNanos) {
    boolean stale = round < 0 || nowNanos - deadlineNanos > maxBlockNanos;
    if (stale || lastRound == round) {
      round++;
      deadlineNanos = nowNanos + maxBlockNanos;
    }
    return round;
  }

  /** The deadline of the current round, in {@link System#nanoTime()} terms. */
  long deadlineNanos() {
    return deadlineNanos;
  }
}
