package dev.identitystream.topology;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The global cap on Plaid calls in flight in one instance, shared fairly by its tasks.
 *
 * <p>A task takes free slots as it likes while no other task is waiting for one; while others wait,
 * a task at or above its fair share ({@code capacity / tasks wanting slots}, rounded up, so no slot
 * stays idle) is refused, so the
 * slots it frees go to the waiting tasks. Without this, the task that happens to dispatch first
 * after each completion could keep every slot and starve the others' partitions.
 *
 * <p>Not final only so that tests can break it on purpose (the dispatch stress test must fail on
 * a broken limiter).
 *
 * <p>Threading: each {@link Share} is marked by its task's stream thread only; acquires and
 * releases come from any thread (the stream thread, or the HTTP client's when a call completes).
 */
public class InFlightLimiter {

  private final int capacity;
  private final Semaphore slots;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger waitingTasks = new AtomicInteger();

  /** One task's part of the limiter. */
  static final class Share {
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean waiting; // written by the stream thread, read by any

    int inFlight() {
      return inFlight.get();
    }
  }

  public InFlightLimiter(int capacity) {
    this.capacity = capacity;
    this.slots = new Semaphore(capacity);
  }

  /** A share for a new task. */
  Share register() {
    return new Share();
  }

  /** Takes a slot for the task if one is free and the task is within its fair share; never blocks. */
  boolean tryAcquire(Share share) {
    int othersWaiting = waitingTasks.get() - (share.waiting ? 1 : 0);
    if (othersWaiting > 0) {
      // Rounded up: with the share rounded down, 16 slots over 6 waiting tasks would leave 4 idle.
      int fairShare = Math.max(1, -Math.floorDiv(-capacity, othersWaiting + 1));
      if (share.inFlight.get() >= fairShare) {
        return false;
      }
    }
    if (!slots.tryAcquire()) {
      return false;
    }
    share.inFlight.incrementAndGet();
    inFlight.incrementAndGet();
    return true;
  }

  /** Returns a slot taken by {@link #tryAcquire}. */
  void release(Share share) {
    share.inFlight.decrementAndGet();
    inFlight.decrementAndGet();
    slots.release();
  }

  /** Says whether the task has requests ready to call but no slot (its stream thread only). */
  void markWaiting(Share share, boolean waiting) {
    if (share.waiting != waiting) {
      share.waiting = waiting;
      waitingTasks.addAndGet(waiting ? 1 : -1);
    }
  }

  /** Free slots now (a hint: another thread may take them first). */
  int available() {
    return slots.availablePermits();
  }

  public int capacity() {
    return capacity;
  }

  /** Calls in flight now (for metrics). */
  public int inFlight() {
    return inFlight.get();
  }
}
