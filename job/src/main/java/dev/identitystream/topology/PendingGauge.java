package dev.identitystream.topology;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.streams.processor.TaskId;

/**
 * Pending requests of one instance's call stages, per task (for metrics and tests): what each
 * task's pending store holds now, the calls it holds a slot for, and the most any one task has held
 * since the instance started.
 *
 * <p>Threading: each task's stream thread updates its own count; any thread reads.
 */
public final class PendingGauge {

  private final Map<TaskId, AtomicInteger> byTask = new ConcurrentHashMap<>();

  /** Each task's calls holding a slot, keyed by the task's pending counter (identity). */
  private final Map<AtomicInteger, AtomicInteger> inFlightOf = new ConcurrentHashMap<>();

  private final AtomicInteger peakPerTask = new AtomicInteger();
  private final AtomicInteger peakInMemoryPerTask = new AtomicInteger();

  /** Starts counting a task (its processor's {@code init()}); returns its counter. */
  AtomicInteger register(TaskId task) {
    AtomicInteger count = new AtomicInteger();
    inFlightOf.put(count, new AtomicInteger());
    byTask.put(task, count);
    return count;
  }

  /**
   * Records a task's pending count and its calls holding a slot (in flight or answered, not taken).
   */
  void update(AtomicInteger count, int pending, int inMemory, int inFlight) {
    AtomicInteger slots = inFlightOf.get(count);
    if (slots != null) {
      slots.set(inFlight);
    }
    update(count, pending, inMemory);
  }

  /** Records a task's pending count (all of it, and the part held in memory). */
  void update(AtomicInteger count, int pending, int inMemory) {
    count.set(pending);
    if (pending > peakPerTask.get()) {
      peakPerTask.accumulateAndGet(pending, Math::max);
    }
    if (inMemory > peakInMemoryPerTask.get()) {
      peakInMemoryPerTask.accumulateAndGet(inMemory, Math::max);
    }
  }

  /** Stops counting a task (its processor's {@code close()}), unless it was registered again. */
  void unregister(TaskId task, AtomicInteger count) {
    byTask.remove(task, count);
    inFlightOf.remove(count);
  }

  /** One open task's load now. */
  public record TaskLoad(int pending, int inFlight) {}

  /** The load of each task whose call stage is open in this instance now (a copy). */
  public Map<TaskId, TaskLoad> byTask() {
    Map<TaskId, TaskLoad> loads = new TreeMap<>();
    byTask.forEach(
        (task, count) -> {
          AtomicInteger slots = inFlightOf.get(count);
          loads.put(task, new TaskLoad(count.get(), slots == null ? 0 : slots.get()));
        });
    return loads;
  }

  /** Pending requests of all tasks open in this instance now. */
  public int total() {
    return byTask.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  /** Tasks whose call stage is open (initialized, so restored) in this instance now. */
  public int openTasks() {
    return byTask.size();
  }

  /**
   * The most pending requests any one task of this instance has held in memory (at most the cap:
   * the rest wait parked in the pending store).
   */
  public int peakInMemoryPerTask() {
    return peakInMemoryPerTask.get();
  }

  /** The most pending requests any one task of this instance has held (store and memory). */
  public int peakPerTask() {
    return peakPerTask.get();
  }
}
