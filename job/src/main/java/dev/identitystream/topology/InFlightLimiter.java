package dev.identitystream.topology;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * The cap on Plaid calls in flight in one instance, shared fairly by its tasks, live before bulk.
 *
 * <ul>
 *   <li><b>Cap.</b> At most {@code capacity} slots ever (a semaphore); within it at most {@link
 *       #limit()} are handed out, the adaptive concurrency limit when one is set (between its floor
 *       and the capacity), else the capacity.
 *   <li><b>Fair share.</b> A task takes free slots as it likes while no other task is waiting for
 *       one; while others wait, a task at or above its fair share ({@code limit / tasks wanting
 *       slots}, rounded up, so no slot stays idle) is refused, so the slots it frees go to the
 *       waiting tasks.
 *   <li><b>Live before bulk.</b> A bulk call is refused while another task has live calls waiting
 *       for a slot, and whenever bulk calls hold {@code bulkShare} of the limit (rounded down, at
 *       least one), so that live calls find slots free.
 * </ul>
 *
 * <p>Not final only so that tests can break it on purpose (the dispatch stress test must fail on a
 * broken limiter).
 *
 * <p>Threading: each {@link Share} is marked by its task's stream thread only; acquires and
 * releases come from any thread (the stream thread, or the HTTP client's when a call completes);
 * the limit supplier is read from any of them.
 */
public class InFlightLimiter {

  private final int capacity;
  private final double bulkShare;
  private final Semaphore slots;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger bulkInFlight = new AtomicInteger();
  private final AtomicInteger waitingTasks = new AtomicInteger();
  private final AtomicInteger liveWaitingTasks = new AtomicInteger();
  private volatile IntSupplier limit;

  /** One task's part of the limiter. */
  static final class Share {
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean waiting; // written by the stream thread, read by any
    private volatile boolean liveWaiting;

    int inFlight() {
      return inFlight.get();
    }
  }

  /** A fixed cap; bulk calls may hold every slot no live call waits for. */
  public InFlightLimiter(int capacity) {
    this(capacity, 1.0);
  }

  /**
   * @param bulkShare the part of the limit that bulk calls may hold, in [0, 1] (at least one slot)
   */
  public InFlightLimiter(int capacity, double bulkShare) {
    if (capacity < 1 || !(bulkShare >= 0 && bulkShare <= 1)) {
      throw new IllegalArgumentException("capacity >= 1 and bulkShare in [0, 1] required");
    }
    this.capacity = capacity;
    this.bulkShare = bulkShare;
    this.slots = new Semaphore(capacity);
    this.limit = () -> capacity;
  }

  /** Follows an adaptive limit from now on (clamped to [1, capacity]). */
  public void limitBy(IntSupplier adaptiveLimit) {
    this.limit = adaptiveLimit;
  }

  /** A share for a new task. */
  Share register() {
    return new Share();
  }

  /** Takes a slot for a call of the lane if the rules above allow; never blocks. */
  boolean tryAcquire(Share share, Lane lane) {
    int limit = limit();
    if (inFlight.get() >= limit) {
      return false;
    }
    int othersWaiting = waitingTasks.get() - (share.waiting ? 1 : 0);
    if (othersWaiting > 0) {
      // Rounded up: with the share rounded down, 16 slots over 6 waiting tasks would leave 4 idle.
      int fairShare = Math.max(1, -Math.floorDiv(-limit, othersWaiting + 1));
      if (share.inFlight.get() >= fairShare) {
        return false;
      }
    }
    if (lane == Lane.BULK
        && (liveWaitingTasks.get() - (share.liveWaiting ? 1 : 0) > 0
            || bulkInFlight.get() >= Math.max(1, (int) (limit * bulkShare)))) {
      return false;
    }
    if (!slots.tryAcquire()) {
      return false;
    }
    share.inFlight.incrementAndGet();
    inFlight.incrementAndGet();
    if (lane == Lane.BULK) {
      bulkInFlight.incrementAndGet();
    }
    return true;
  }

  /** Returns a slot taken by {@link #tryAcquire}. */
  void release(Share share, Lane lane) {
    share.inFlight.decrementAndGet();
    inFlight.decrementAndGet();
    if (lane == Lane.BULK) {
      bulkInFlight.decrementAndGet();
    }
    slots.release();
  }

  /**
   * Says whether the task has requests ready to call but no slot, and whether live ones are among
   * them (its stream thread only).
   */
  void markWaiting(Share share, boolean waiting, boolean liveWaiting) {
    if (share.waiting != waiting) {
      share.waiting = waiting;
      waitingTasks.addAndGet(waiting ? 1 : -1);
    }
    if (share.liveWaiting != liveWaiting) {
      share.liveWaiting = liveWaiting;
      liveWaitingTasks.addAndGet(liveWaiting ? 1 : -1);
    }
  }

  /** Free slots now under the hard cap (a hint: another thread may take them first). */
  int available() {
    return slots.availablePermits();
  }

  public int capacity() {
    return capacity;
  }

  /** Slots that may be in flight now: the adaptive limit, or the capacity. */
  public int limit() {
    return Math.max(1, Math.min(capacity, limit.getAsInt()));
  }

  /** Calls in flight now (for metrics). */
  public int inFlight() {
    return inFlight.get();
  }

  /** Bulk calls in flight now (for metrics and tests). */
  public int bulkInFlight() {
    return bulkInFlight.get();
  }
}
