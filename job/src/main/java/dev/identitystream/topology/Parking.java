package dev.identitystream.topology;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * The requests of one task life that are <em>parked</em>: in the {@link PendingStore} only, not in
 * memory. Per lane and partition ({@link PendingStore.Origin}) it keeps the offset of the first
 * parked entry; once a partition of a lane has parked entries, every later record of it parks too,
 * so that reading them back ({@link #refill}) keeps offset order per topic and partition.
 *
 * <p><b>Stragglers.</b> A record may arrive with an offset <em>below</em> its partition's first
 * parked one: a record delivered again when the life started from a store ahead of the input
 * offsets (see {@link PlaidCallProcessor}, guarantee 3). The range read from the first parked
 * offset would never reach it, so such offsets are kept one by one and read back first, in offset
 * order. There are at most as many as records delivered again, and usually none.
 *
 * <p>Threading: the task's stream thread only.
 */
final class Parking {

  private final Map<PendingStore.Origin, Long> from = new LinkedHashMap<>();
  private final Map<PendingStore.Origin, TreeSet<Long>> stragglers = new LinkedHashMap<>();
  private final Map<PendingStore.Origin, Long> restoredUpTo;
  private final int[] counts = new int[Lane.values().length];

  /** Starts from what a restore left in the store. */
  Parking(PendingStore.Restored restored) {
    from.putAll(restored.parkedFrom());
    restored.parked().forEach((lane, n) -> counts[lane.ordinal()] = n);
    restoredUpTo = Map.copyOf(restored.lastOffsets());
  }

  /**
   * Whether a record is at or below the highest offset of its lane's partition that the store held
   * when this life began: then it may be a record delivered again (the store may hold it already).
   */
  boolean redelivery(Lane lane, int partition, long offset) {
    Long last = restoredUpTo.get(new PendingStore.Origin(lane, partition));
    return last != null && offset <= last;
  }

  /** Whether the lane's partition has parked entries (so a new record of it must park too). */
  boolean holds(Lane lane, int partition) {
    PendingStore.Origin origin = new PendingStore.Origin(lane, partition);
    return from.containsKey(origin) || stragglers.containsKey(origin);
  }

  /** A record written to the store but not admitted to memory. */
  void park(Lane lane, int partition, long offset) {
    PendingStore.Origin origin = new PendingStore.Origin(lane, partition);
    Long first = from.get(origin);
    boolean below = first != null ? offset < first : redelivery(lane, partition, offset);
    if (below) { // the range read from the first parked offset would not reach it
      stragglers.computeIfAbsent(origin, o -> new TreeSet<>()).add(offset);
    } else {
      from.putIfAbsent(origin, offset);
    }
    counts[lane.ordinal()]++;
  }

  int count(Lane lane) {
    return counts[lane.ordinal()];
  }

  int total() {
    return counts[0] + counts[1];
  }

  /**
   * Reads one lane's parked entries back from the store, oldest first per partition, while {@code
   * room} says there is room, but only once there is room for a batch of {@code batch} of them (or
   * all that are left), so that a backlog costs one store scan per batch, not per call.
   *
   * @param admit takes each entry read back, in order
   */
  void refill(
      PendingStore store, Lane lane, IntSupplier room, int batch, Consumer<SourceRecord> admit) {
    int n = counts[lane.ordinal()];
    int free = room.getAsInt();
    if (n == 0 || free < Math.min(n, Math.max(1, batch))) {
      return;
    }
    Set<PendingStore.Origin> origins = new LinkedHashSet<>();
    stragglers.keySet().stream().filter(o -> o.lane() == lane).forEach(origins::add);
    from.keySet().stream().filter(o -> o.lane() == lane).forEach(origins::add);
    Iterator<PendingStore.Origin> it = origins.iterator();
    while (free > 0 && it.hasNext()) {
      PendingStore.Origin origin = it.next();
      TreeSet<Long> below = stragglers.get(origin);
      while (below != null && free > 0 && !below.isEmpty()) {
        SourceRecord source = store.load(lane, origin.partition(), below.pollFirst());
        counts[lane.ordinal()]--;
        if (source != null) {
          admit.accept(source);
          free = room.getAsInt();
        }
      }
      if (below != null && below.isEmpty()) {
        stragglers.remove(origin);
      }
      Long first = from.get(origin);
      if (first == null || free <= 0 || stragglers.containsKey(origin)) {
        continue;
      }
      List<SourceRecord> loaded = store.load(origin, first, free);
      counts[lane.ordinal()] -= loaded.size();
      loaded.forEach(admit);
      if (loaded.size() < free) {
        from.remove(origin);
      } else {
        from.put(origin, loaded.get(loaded.size() - 1).offset() + 1);
      }
      free = room.getAsInt();
    }
    if (from.keySet().stream().noneMatch(o -> o.lane() == lane)
        && stragglers.keySet().stream().noneMatch(o -> o.lane() == lane)) {
      counts[lane.ordinal()] = 0;
    }
  }
}
