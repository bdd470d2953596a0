package dev.identitystream.topology;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * The requests of one task life that are <em>parked</em>: in the {@link PendingStore} only, not in
 * memory. Per lane and partition ({@link PendingStore.Origin}) it keeps the offset of the first
 * parked entry; once a partition of a lane has parked entries, every later record of it parks too,
 * so that reading them back ({@link #refill}) keeps offset order per topic and partition.
 *
 * <p>Threading: the task's stream thread only.
 */
final class Parking {

  private final Map<PendingStore.Origin, Long> from = new LinkedHashMap<>();
  private final int[] counts = new int[Lane.values().length];

  /** Starts from what a restore left in the store. */
  Parking(PendingStore.Restored restored) {
    from.putAll(restored.parkedFrom());
    restored.parked().forEach((lane, n) -> counts[lane.ordinal()] = n);
  }

  /** Whether the lane's partition has parked entries (so a new record of it must park too). */
  boolean holds(Lane lane, int partition) {
    return from.containsKey(new PendingStore.Origin(lane, partition));
  }

  /** A record written to the store but not admitted to memory. */
  void park(Lane lane, int partition, long offset) {
    from.putIfAbsent(new PendingStore.Origin(lane, partition), offset);
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
    List<PendingStore.Origin> origins = new ArrayList<>();
    from.keySet().stream().filter(o -> o.lane() == lane).forEach(origins::add);
    Iterator<PendingStore.Origin> it = origins.iterator();
    while (free > 0 && it.hasNext()) {
      PendingStore.Origin origin = it.next();
      List<SourceRecord> loaded = store.load(origin, from.get(origin), free);
      counts[lane.ordinal()] -= loaded.size();
      loaded.forEach(admit);
      if (loaded.size() < free) {
        from.remove(origin);
      } else {
        from.put(origin, loaded.get(loaded.size() - 1).offset() + 1);
      }
      free = room.getAsInt();
    }
    if (from.keySet().stream().noneMatch(o -> o.lane() == lane)) {
      counts[lane.ordinal()] = 0;
    }
  }
}
