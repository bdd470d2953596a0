package dev.identitystream.topology;

import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * Per-key order of one task's pending calls, live before bulk. Calls of one group (record key) wait
 * per lane in admission (offset) order; at most one call of a group is <em>current</em>: ready (may
 * be dispatched) or dispatched, until it ends. Different groups are independent.
 *
 * <ul>
 *   <li>Within a lane, a group's calls are current one at a time, in order: per-key order per
 *       topic.
 *   <li>When a group's current call ends, its next is the first live call if any, else the first
 *       bulk call: live before bulk for one key too.
 *   <li>A live call admitted while its group's current call is a bulk call that is only ready (not
 *       dispatched) takes its place; the bulk call stays first of its lane. So a live request waits
 *       at most for one bulk call of its key, the one already on the wire.
 *   <li>{@link #pollReady(Lane)} serves each lane in readiness order; the caller serves live first.
 * </ul>
 *
 * <p>The ready queues may hold stale entries (a bulk call overtaken, a call made ready twice); an
 * entry counts only while it is its group's current call and not dispatched.
 *
 * <p>Not final only so that tests can break it on purpose (see {@link InFlightLimiter}).
 *
 * <p>Threading: the task's stream thread only.
 */
class KeyOrder {

  private static final class Group {
    final EnumMap<Lane, ArrayDeque<PendingCall>> queues = new EnumMap<>(Lane.class);
    PendingCall current;
    boolean dispatched;

    ArrayDeque<PendingCall> queue(Lane lane) {
      return queues.computeIfAbsent(lane, l -> new ArrayDeque<>());
    }

    /** The call to make current next: the first live call, else the first bulk call, or null. */
    PendingCall next() {
      ArrayDeque<PendingCall> live = queues.get(Lane.LIVE);
      if (live != null && !live.isEmpty()) {
        return live.peek();
      }
      ArrayDeque<PendingCall> bulk = queues.get(Lane.BULK);
      return bulk == null ? null : bulk.peek();
    }
  }

  private final Map<Object, Group> groups = new HashMap<>();
  private final EnumMap<Lane, ArrayDeque<PendingCall>> ready = new EnumMap<>(Lane.class);
  private final int[] sizes = new int[Lane.values().length];

  KeyOrder() {
    for (Lane lane : Lane.values()) {
      ready.put(lane, new ArrayDeque<>());
    }
  }

  /** Adds a call behind the earlier calls of its group and lane; it may be ready at once. */
  void add(PendingCall call) {
    Group group = groups.computeIfAbsent(call.group(), g -> new Group());
    group.queue(call.lane()).add(call);
    sizes[call.lane().ordinal()]++;
    if (group.current == null) {
      makeCurrent(group, group.next(), false);
    } else if (!group.dispatched && call.lane() == Lane.LIVE && group.current.lane() == Lane.BULK) {
      makeCurrent(group, call, false); // the bulk call has not started: the live call goes first
    }
  }

  /** The next ready call of a lane, now dispatched (it stays current of its group), or null. */
  PendingCall pollReady(Lane lane) {
    if (!hasReady(lane)) {
      return null;
    }
    PendingCall call = ready.get(lane).poll();
    groups.get(call.group()).dispatched = true;
    return call;
  }

  boolean hasReady(Lane lane) {
    ArrayDeque<PendingCall> queue = ready.get(lane);
    while (!queue.isEmpty()) {
      PendingCall head = queue.peek();
      Group group = groups.get(head.group());
      if (group != null && group.current == head && !group.dispatched) {
        return true;
      }
      queue.poll(); // stale
    }
    return false;
  }

  /**
   * A dispatched call ended: it leaves its group, whose next call becomes current.
   *
   * @throws IllegalStateException if the call is not its group's current call (a bug)
   */
  void remove(PendingCall call) {
    Group group = groups.get(call.group());
    if (group == null || group.current != call || group.queue(call.lane()).peek() != call) {
      throw new IllegalStateException("not the current call of its key: " + call);
    }
    group.queue(call.lane()).poll();
    sizes[call.lane().ordinal()]--;
    group.current = null;
    PendingCall next = group.next();
    if (next == null) {
      groups.remove(call.group());
    } else {
      makeCurrent(group, next, false);
    }
  }

  /**
   * A dispatched call must be called again (it stays first of its lane): its group's next call
   * (itself, or a live call that waited behind a bulk one) is ready again, first of its lane.
   */
  void retry(PendingCall call) {
    Group group = groups.get(call.group());
    if (group == null) {
      throw new IllegalStateException("unknown call: " + call);
    }
    PendingCall next = group.next();
    makeCurrent(group, next == null ? call : next, true);
  }

  private void makeCurrent(Group group, PendingCall call, boolean first) {
    group.current = call;
    group.dispatched = false;
    if (first) {
      ready.get(call.lane()).addFirst(call);
    } else {
      ready.get(call.lane()).add(call);
    }
  }

  /** Calls held, dispatched or not. */
  int size() {
    return sizes[0] + sizes[1];
  }

  /** Calls of one lane held, dispatched or not. */
  int size(Lane lane) {
    return sizes[lane.ordinal()];
  }
}
