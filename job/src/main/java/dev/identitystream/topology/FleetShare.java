package dev.identitystream.topology;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.streams.processor.TaskId;

/**
 * This instance's part of the application's Plaid budget: the share of its open call-stage tasks
 * among all tasks of the stage, one task per input partition number ({@code max(partitions of
 * identity-requests, partitions of identity-backfill-requests)}, as Kafka Streams creates them).
 * Every instance of one {@code application.id} computes its own share from what Kafka Streams
 * assigned it, so the shares add up to one without any coordination service.
 *
 * <ul>
 *   <li>A task counts from its processor's {@code init()} (restored, calling) to its {@code
 *       close()}: a task that moves takes its share with it; a task being restored elsewhere counts
 *       nowhere meanwhile (the fleet is briefly below its budget, never above it).
 *   <li>The number of input partitions is told by the application ({@link #inputPartitions}, read
 *       from the topics at start and after each rebalance); until then, and whenever a task with a
 *       higher partition number opens (partitions were added), the highest task partition seen plus
 *       one stands in for it.
 *   <li>Listeners hear every change of the share, on the thread that caused it.
 * </ul>
 *
 * <p>Threading: {@link #opened}/{@link #closed} on stream threads, {@link #inputPartitions} on any;
 * the set is concurrent and each change recomputes from it; listeners must be quick.
 */
public final class FleetShare {

  /** Hears the share as a fraction: {@code localTasks} of {@code totalTasks}. */
  @FunctionalInterface
  public interface Listener {
    void changed(int localTasks, int totalTasks);
  }

  private final Set<TaskId> open = ConcurrentHashMap.newKeySet();
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private int lastLocal = -1; // guarded by this
  private int lastTotal = -1; // guarded by this
  private volatile int knownPartitions;
  private volatile double share;

  /**
   * The share of {@code localTasks} among {@code partitions} tasks: 0 with no task, at most 1.
   *
   * @param highestPartitionSeen the highest partition number of a local task, or -1
   */
  public static double compute(int localTasks, int partitions, int highestPartitionSeen) {
    int total = Math.max(partitions, highestPartitionSeen + 1);
    if (localTasks <= 0 || total <= 0) {
      return 0;
    }
    return Math.min(1.0, (double) localTasks / total);
  }

  /** Calls {@code listener} with the share now and after each change. */
  public synchronized void onChange(Listener listener) {
    listeners.add(listener);
    listener.changed(open.size(), totalTasks());
  }

  /** A task's stage opened on this instance. */
  void opened(TaskId task) {
    open.add(task);
    recompute();
  }

  /** A task's stage closed on this instance. */
  void closed(TaskId task) {
    open.remove(task);
    recompute();
  }

  /** The stage's input partitions (the larger count of the two input topics). */
  public void inputPartitions(int partitions) {
    knownPartitions = partitions;
    recompute();
  }

  /** This instance's share of the budget now. */
  public double share() {
    return share;
  }

  /** Open tasks of the stage on this instance. */
  public int localTasks() {
    return open.size();
  }

  /** The number of stage tasks the share is computed against. */
  public int totalTasks() {
    return Math.max(knownPartitions, highestPartition() + 1);
  }

  private int highestPartition() {
    return open.stream().mapToInt(TaskId::partition).max().orElse(-1);
  }

  private synchronized void recompute() {
    int local = open.size();
    int total = totalTasks();
    share = compute(local, knownPartitions, highestPartition());
    if (local != lastLocal || total != lastTotal) {
      lastLocal = local;
      lastTotal = total;
      listeners.forEach(listener -> listener.changed(local, total));
    }
  }
}
