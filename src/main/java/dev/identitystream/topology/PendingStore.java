package dev.identitystream.topology;

import dev.identitystream.event.RequestValidator;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The task's changelogged store of pending requests: key partition+offset ({@link
 * SourceRecord#storeKey()}, so it iterates in offset order), value the encoded source record. An
 * entry is written before its call starts and deleted in the same transaction as the call's
 * outputs, so after any crash or move the store holds exactly the requests without committed
 * outputs.
 *
 * <p>Only the oldest requests of a task are held in memory (up to the task's cap); the newer ones
 * are <em>parked</em>: they live in the store alone until there is room, and are then read back in
 * offset order ({@link #load}), so a backlog or a long Plaid outage costs disk, not heap.
 *
 * <p>Threading: the task's stream thread only.
 */
final class PendingStore {

  /**
   * What a restored store holds.
   *
   * @param calls the oldest valid entries, to call again (at most the in-memory cap)
   * @param invalid entries among those that no longer validate (the validator may be newer)
   * @param parked how many entries were left in the store
   * @param parkedFrom per partition, the offset of its first parked entry
   */
  record Restored(List<PendingCall> calls, List<SourceRecord> invalid, int parked, Map<Integer, Long> parkedFrom) {}

  private final KeyValueStore<Bytes, byte[]> store;

  PendingStore(KeyValueStore<Bytes, byte[]> store) {
    this.store = store;
  }

  /** @param key the entry's {@link SourceRecord#storeKey()} */
  void add(Bytes key, byte[] encoded) {
    store.put(key, encoded);
  }

  void remove(SourceRecord source) {
    store.delete(source.storeKey());
  }

  /**
   * Reads the store in offset order: the first {@code inMemory} entries are validated and returned,
   * the rest only counted (parked).
   */
  Restored restore(RequestValidator validator, int inMemory) {
    List<PendingCall> calls = new ArrayList<>();
    List<SourceRecord> invalid = new ArrayList<>();
    Map<Integer, Long> parkedFrom = new LinkedHashMap<>();
    int parked = 0;
    try (KeyValueIterator<Bytes, byte[]> entries = store.all()) {
      while (entries.hasNext()) {
        KeyValue<Bytes, byte[]> entry = entries.next();
        if (calls.size() + invalid.size() >= inMemory) {
          ByteBuffer key = ByteBuffer.wrap(entry.key.get());
          parkedFrom.putIfAbsent(key.getInt(), key.getLong());
          parked++;
          continue;
        }
        SourceRecord source = SourceRecord.decode(entry.value);
        RequestValidator.Result result = validator.validate(source.key(), source.value());
        if (result instanceof RequestValidator.Valid valid) {
          calls.add(PendingCall.of(source, valid.request()));
        } else {
          invalid.add(source);
        }
      }
    }
    return new Restored(calls, invalid, parked, parkedFrom);
  }

  /** Up to {@code max} entries of one partition from {@code fromOffset} on, in offset order. */
  List<SourceRecord> load(int partition, long fromOffset, int max) {
    List<SourceRecord> loaded = new ArrayList<>(Math.min(max, 1024));
    Bytes from = Bytes.wrap(ByteBuffer.allocate(12).putInt(partition).putLong(fromOffset).array());
    Bytes to = Bytes.wrap(ByteBuffer.allocate(12).putInt(partition).putLong(Long.MAX_VALUE).array());
    try (KeyValueIterator<Bytes, byte[]> entries = store.range(from, to)) {
      while (loaded.size() < max && entries.hasNext()) {
        loaded.add(SourceRecord.decode(entries.next().value));
      }
    }
    return loaded;
  }
}
