package dev.identitystream.topology;

import dev.identitystream.event.RequestValidator;
import java.util.ArrayList;
import java.util.List;
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
 * <p>Threading: the task's stream thread only.
 */
final class PendingStore {

  /** What a restored store holds: calls to make again, and entries that no longer validate. */
  record Restored(List<PendingCall> calls, List<SourceRecord> invalid) {}

  private final KeyValueStore<Bytes, byte[]> store;

  PendingStore(KeyValueStore<Bytes, byte[]> store) {
    this.store = store;
  }

  void add(SourceRecord source, byte[] encoded) {
    store.put(source.storeKey(), encoded);
  }

  void remove(SourceRecord source) {
    store.delete(source.storeKey());
  }

  /** Reads every entry in offset order, validating each again (the validator may be newer). */
  Restored restore(RequestValidator validator) {
    List<PendingCall> calls = new ArrayList<>();
    List<SourceRecord> invalid = new ArrayList<>();
    try (KeyValueIterator<Bytes, byte[]> entries = store.all()) {
      while (entries.hasNext()) {
        KeyValue<Bytes, byte[]> entry = entries.next();
        SourceRecord source = SourceRecord.decode(entry.value);
        RequestValidator.Result result = validator.validate(source.key(), source.value());
        if (result instanceof RequestValidator.Valid valid) {
          calls.add(PendingCall.of(source, valid.request()));
        } else {
          invalid.add(source);
        }
      }
    }
    return new Restored(calls, invalid);
  }
}
