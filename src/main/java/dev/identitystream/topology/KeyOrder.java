package dev.identitystream.topology;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Per-key order of one task's pending calls: calls with the same group (record key) wait in offset
 * order behind the one being called; the first call of each group is <em>ready</em> (may be
 * dispatched). Different groups are independent.
 *
 * <p>Not final only so that tests can break it on purpose (see {@link InFlightLimiter}).
 *
 * <p>Threading: the task's stream thread only.
 */
class KeyOrder {

  private final Map<Object, ArrayDeque<PendingCall>> byGroup = new HashMap<>();
  private final ArrayDeque<PendingCall> ready = new ArrayDeque<>();
  private int size;

  /** Adds a call behind the earlier calls of its group; it is ready at once if there are none. */
  void add(PendingCall call) {
    ArrayDeque<PendingCall> queue = byGroup.computeIfAbsent(call.group(), g -> new ArrayDeque<>());
    queue.add(call);
    size++;
    if (queue.size() == 1) {
      ready.add(call);
    }
  }

  /** The next ready call, taken out of the ready set (it stays first of its group), or null. */
  PendingCall pollReady() {
    return ready.poll();
  }

  boolean hasReady() {
    return !ready.isEmpty();
  }

  /**
   * A dispatched call ended: it leaves its group, whose next call becomes ready.
   *
   * @throws IllegalStateException if the call is not the first of its group (a bug)
   */
  void remove(PendingCall call) {
    ArrayDeque<PendingCall> queue = byGroup.get(call.group());
    if (queue == null || queue.peek() != call) {
      throw new IllegalStateException("not the first call of its key: " + call);
    }
    queue.poll();
    size--;
    if (queue.isEmpty()) {
      byGroup.remove(call.group());
    } else {
      ready.add(queue.peek());
    }
  }

  /** A dispatched call must be called again (it stays first of its group): ready again, first. */
  void retry(PendingCall call) {
    ready.addFirst(call);
  }

  /** Calls held, dispatched or not. */
  int size() {
    return size;
  }
}
