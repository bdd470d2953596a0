package dev.identitystream.topology;

/**
 * How long one stream thread may still wait for room (backpressure) before it must return to {@code
 * poll()}. A thread runs all its tasks between two polls (Kafka Streams loops process → punctuate →
 * commit until it has nothing buffered or half of {@code max.poll.interval.ms} has passed), so the
 * budget belongs to the thread, not to a task: however many records and full tasks a pass
 * processes, the waits of the pass add up to at most {@code maxBlock}. That keeps the thread in its
 * group and keeps our waiting out of an open transaction's lifetime.
 *
 * <p>The budget is renewed when the thread's consumer polls records ({@link PollSignal}). A thread
 * that never saw that signal (the interceptor is not installed, e.g. a test driver) renews it once
 * it has been spent for at least {@code maxBlock}: then it waits at most half the time.
 *
 * <p>Threading: one instance per stream thread ({@link #perThread()}); not thread-safe.
 */
final class WaitBudget {

  private long pollsSeen = -1;
  private long remainingNanos;
  private long spentAtNanos;

  /** One budget per thread that asks. */
  static ThreadLocal<WaitBudget> perThread() {
    return ThreadLocal.withInitial(WaitBudget::new);
  }

  /**
   * What is left of this pass's budget, renewing it first if the thread polled since.
   *
   * @param polls {@link PollSignal#pollsOfThisThread()} now
   */
  long remainingNanos(long polls, long nowNanos, long maxBlockNanos) {
    boolean renew =
        pollsSeen < 0
            || polls != pollsSeen
            || (polls == 0 && remainingNanos <= 0 && nowNanos - spentAtNanos >= maxBlockNanos);
    if (renew) {
      pollsSeen = polls;
      remainingNanos = maxBlockNanos;
    }
    return remainingNanos;
  }

  /** Charges a wait to the budget. */
  void spend(long nanos, long nowNanos) {
    remainingNanos -= nanos;
    if (remainingNanos <= 0) {
      spentAtNanos = nowNanos;
    }
  }
}
