package dev.identitystream.topology;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The global cap on Plaid calls in flight in one instance, shared by all its tasks.
 *
 * <p>Threading: stream threads acquire; any thread (usually the HTTP client's) releases.
 */
public final class InFlightLimiter {

  private final int capacity;
  private final Semaphore slots;
  private final AtomicInteger inFlight = new AtomicInteger();

  public InFlightLimiter(int capacity) {
    this.capacity = capacity;
    this.slots = new Semaphore(capacity);
  }

  /** Takes a slot if one is free; never blocks. */
  boolean tryAcquire() {
    if (!slots.tryAcquire()) {
      return false;
    }
    inFlight.incrementAndGet();
    return true;
  }

  /** Returns a slot taken by {@link #tryAcquire()}. */
  void release() {
    inFlight.decrementAndGet();
    slots.release();
  }

  public int capacity() {
    return capacity;
  }

  /** Calls in flight now (for metrics). */
  public int inFlight() {
    return inFlight.get();
  }
}
