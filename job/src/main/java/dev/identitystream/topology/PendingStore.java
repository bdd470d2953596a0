package dev.identitystream.topology;

import dev.identitystream.event.RequestValidator;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The task's changelogged store of pending requests: key lane+partition+offset ({@link #keyOf}, so
 * it iterates per lane and partition in offset order), value the encoded source record. An entry is
 * written before its call starts and deleted in the same transaction as the call's outputs, so
 * after any crash or move the store holds exactly the requests without committed outputs.
 *
 * <p><b>Keys.</b> A live request's key is its partition then its offset, 12 bytes big-endian: the
 * layout of stores written before the bulk input existed, which therefore restore unchanged (they
 * only hold live requests). A bulk request's key is one byte {@link #BULK_PREFIX} (0x80, never the
 * first byte of a non-negative partition number) then partition and offset: 13 bytes, sorting after
 * every live key. Two topics' records with the same partition and offset thus never collide.
 *
 * <p>Only the oldest requests of a task are held in memory (up to the task's caps, per lane); the
 * newer ones are <em>parked</em>: they live in the store alone until there is room, and are then
 * read back in offset order ({@link #load}), so a backlog or a long Plaid outage costs disk, not
 * heap.
 *
 * <p>Threading: the task's stream thread only.
 */
final class PendingStore {

  static final byte BULK_PREFIX = (byte) 0x80;

  /** Where parked entries come from: one lane's partition. */
  record Origin(Lane lane, int partition) {}

  /** A stored entry: the source record and the lane its key says. */
  record Stored(SourceRecord source, Lane lane) {}

  /**
   * What a restored store holds.
   *
   * @param calls the oldest valid entries of each lane, to call again (within the in-memory caps)
   * @param invalid entries among those that no longer validate (the validator may be newer)
   * @param parked how many entries were left in the store, per lane
   * @param parkedFrom per lane and partition, the offset of its first parked entry (live first)
   * @param lastOffsets per lane and partition, the highest offset the store holds: a record at or
   *     below it may be one the store holds already, delivered again ({@link #contains})
   */
  record Restored(
      List<PendingCall> calls,
      List<Stored> invalid,
      Map<Lane, Integer> parked,
      Map<Origin, Long> parkedFrom,
      Map<Origin, Long> lastOffsets) {}

  /** How many requests of each lane may be held in memory. */
  interface Room {
    boolean admits(Lane lane, int liveInMemory, int bulkInMemory);
  }

  private final KeyValueStore<Bytes, byte[]> store;

  PendingStore(KeyValueStore<Bytes, byte[]> store) {
    this.store = store;
  }

  /** The store key of a lane's record: live keeps the original 12-byte layout. */
  static Bytes keyOf(Lane lane, int partition, long offset) {
    ByteBuffer key = ByteBuffer.allocate(lane == Lane.LIVE ? 12 : 13);
    if (lane == Lane.BULK) {
      key.put(BULK_PREFIX);
    }
    return Bytes.wrap(key.putInt(partition).putLong(offset).array());
  }

  /** The lane, partition and offset a key names. */
  static Origin originOf(byte[] key) {
    return key.length == 13 && key[0] == BULK_PREFIX
        ? new Origin(Lane.BULK, ByteBuffer.wrap(key, 1, 12).getInt())
        : new Origin(Lane.LIVE, ByteBuffer.wrap(key).getInt());
  }

  private static long offsetOf(byte[] key) {
    return ByteBuffer.wrap(key, key.length - 8, 8).getLong();
  }

  /**
   * @param key the entry's {@link #keyOf(Lane, int, long)}, built once by the caller
   */
  void add(Bytes key, byte[] encoded) {
    store.put(key, encoded);
  }

  void remove(SourceRecord source, Lane lane) {
    store.delete(keyOf(lane, source.partition(), source.offset()));
  }

  /** Whether the store holds an entry under the key (a point lookup). */
  boolean contains(Bytes key) {
    return store.get(key) != null;
  }

  /** The entry of a lane's record, or null if the store does not hold it. */
  SourceRecord load(Lane lane, int partition, long offset) {
    byte[] value = store.get(keyOf(lane, partition, offset));
    return value == null ? null : SourceRecord.decode(value);
  }

  /**
   * Reads the store in key order (live, then bulk; per partition in offset order): entries are
   * validated and returned while {@code room} admits their lane, and only counted (parked) from the
   * first one of their partition it refuses.
   */
  Restored restore(RequestValidator validator, Room room) {
    List<PendingCall> calls = new ArrayList<>();
    List<Stored> invalid = new ArrayList<>();
    Map<Origin, Long> parkedFrom = new LinkedHashMap<>();
    Map<Lane, Integer> parked = new EnumMap<>(Map.of(Lane.LIVE, 0, Lane.BULK, 0));
    Map<Origin, Long> lastOffsets = new LinkedHashMap<>();
    int[] inMemory = new int[Lane.values().length];
    try (KeyValueIterator<Bytes, byte[]> entries = store.all()) {
      while (entries.hasNext()) {
        KeyValue<Bytes, byte[]> entry = entries.next();
        Origin origin = originOf(entry.key.get());
        Lane lane = origin.lane();
        lastOffsets.put(origin, offsetOf(entry.key.get())); // keys iterate in offset order
        if (parkedFrom.containsKey(origin)
            || !room.admits(lane, inMemory[Lane.LIVE.ordinal()], inMemory[Lane.BULK.ordinal()])) {
          parkedFrom.putIfAbsent(origin, offsetOf(entry.key.get()));
          parked.merge(lane, 1, Integer::sum);
          continue;
        }
        inMemory[lane.ordinal()]++;
        SourceRecord source = SourceRecord.decode(entry.value);
        RequestValidator.Result result = validator.validate(source.key(), source.value());
        if (result instanceof RequestValidator.Valid valid) {
          calls.add(PendingCall.of(source, valid.request(), lane));
        } else {
          invalid.add(new Stored(source, lane));
        }
      }
    }
    return new Restored(calls, invalid, parked, parkedFrom, lastOffsets);
  }

  /**
   * Up to {@code max} entries of one lane's partition from {@code fromOffset} on, in offset order.
   */
  List<SourceRecord> load(Origin origin, long fromOffset, int max) {
    List<SourceRecord> loaded = new ArrayList<>(Math.min(max, 1024));
    Bytes from = keyOf(origin.lane(), origin.partition(), fromOffset);
    Bytes to = keyOf(origin.lane(), origin.partition(), Long.MAX_VALUE);
    try (KeyValueIterator<Bytes, byte[]> entries = store.range(from, to)) {
      while (loaded.size() < max && entries.hasNext()) {
        loaded.add(SourceRecord.decode(entries.next().value));
      }
    }
    return loaded;
  }
}
