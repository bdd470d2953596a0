package dev.identitystream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitystream.event.EventSerdes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pending store's keys with two input topics: a store written before the bulk topic existed
 * (keys partition+offset, 12 bytes) restores and is called in offset order, parking included; and a
 * live and a bulk record with the same partition and offset are two entries, not one.
 */
class PendingStoreCompatibilityTest {

  @TempDir Path stateDir;

  private MockProcessorContext<byte[], byte[]> context;
  private KeyValueStore<Bytes, byte[]> store;
  private PlaidCallProcessor processor;
  private final FakePlaidClient client = new FakePlaidClient();

  private void openStore() {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "compat-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    context = new MockProcessorContext<>(props, new TaskId(0, 0), stateDir.toFile());
    store =
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(StageSettings.PENDING_STORE),
                Serdes.Bytes(),
                Serdes.ByteArray())
            .withLoggingDisabled()
            .build();
    store.init(context.getStateStoreContext(), store);
    context.addStateStore(store);
  }

  private void startStage(int maxPendingPerTask) {
    StageSettings settings =
        TopologyHarness.settings().withMaxInFlight(2).withMaxPendingPerTask(maxPendingPerTask);
    processor =
        new PlaidCallProcessor(
            settings,
            client,
            new InFlightLimiter(settings.maxInFlight()),
            new OutcomeMapper(Clock.fixed(TopologyHarness.NOW, ZoneOffset.UTC)));
    processor.init(context);
  }

  @AfterEach
  void close() {
    if (processor != null) {
      processor.close();
    }
    store.close();
  }

  private static byte[] value(String requestId) {
    return ("{\"access_token\":\"access-sandbox-t\",\"request_id\":\"" + requestId + "\"}")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** An entry exactly as the stage wrote it before the bulk topic: key partition then offset. */
  private void putLegacy(int partition, long offset, String key, String requestId) {
    SourceRecord source =
        new SourceRecord(
            "identity-requests",
            partition,
            offset,
            0L,
            key.getBytes(StandardCharsets.UTF_8),
            value(requestId),
            null);
    store.put(
        Bytes.wrap(ByteBuffer.allocate(12).putInt(partition).putLong(offset).array()),
        source.encode());
  }

  private void process(String topic, long offset, String key, String requestId) {
    context.setRecordMetadata(topic, 0, offset);
    processor.process(new Record<>(key.getBytes(StandardCharsets.UTF_8), value(requestId), 0L));
  }

  /**
   * Answers every open call, round after round, until none is left; request ids in answer order.
   */
  private List<String> answerAll() {
    while (!client.openRequestIds().isEmpty()) {
      client.openRequestIds().forEach(id -> client.complete(id, Answers.success("item-" + id, 1)));
      context.scheduledPunctuators().stream()
          .filter(p -> !p.cancelled())
          .forEach(p -> p.getPunctuator().punctuate(0L));
    }
    return context.forwarded().stream()
        .filter(f -> StageOutput.Kind.ITEM.sink().equals(f.childName().orElse(null)))
        .map(f -> EventSerdes.ITEM_STATUS.deserialize(null, f.record().value()).requestId())
        .toList();
  }

  @Test
  void shouldRestoreAStoreWrittenBeforeTheBulkTopicInOffsetOrder() {
    // given: ten pending requests of one key in the old format, more than the in-memory cap of 4
    openStore();
    for (int offset = 0; offset < 10; offset++) {
      putLegacy(0, offset, "A", "old-" + offset);
    }
    // when: the new stage starts on that store
    startStage(4);
    // then: all ten are called once, in offset order (six of them parked and read back), and leave
    List<String> expected = new ArrayList<>();
    for (int offset = 0; offset < 10; offset++) {
      expected.add("old-" + offset);
    }
    assertThat(processor.pending()).isEqualTo(10);
    assertThat(answerAll()).containsExactlyElementsOf(expected);
    assertThat(store.approximateNumEntries()).isZero();
  }

  @Test
  void shouldKeepALiveAndABulkRecordWithTheSamePartitionAndOffsetApart() {
    // given: an old-format live entry at partition 0 offset 5, and a running stage
    openStore();
    putLegacy(0, 5, "A", "live-5");
    startStage(16);
    // when: the bulk topic's record at partition 0 offset 5 arrives, then a live one at offset 6
    process("identity-backfill-requests", 5, "B", "bulk-5");
    process("identity-requests", 6, "C", "live-6");
    // then: three entries, three calls, each answered once; the store ends empty
    assertThat(store.approximateNumEntries()).isEqualTo(3);
    assertThat(answerAll()).containsExactlyInAnyOrder("live-5", "bulk-5", "live-6");
    assertThat(store.approximateNumEntries()).isZero();
  }

  @Test
  void shouldRestoreBothLanesAfterARestartLiveFirst() {
    // given: a stage with one slot that stops with live and bulk requests pending
    openStore();
    startStage(16);
    for (int i = 0; i < 3; i++) {
      process("identity-backfill-requests", i, "K" + i, "bulk-" + i);
    }
    for (int i = 0; i < 3; i++) {
      process("identity-requests", i, "L" + i, "live-" + i);
    }
    processor.close();
    // when: it starts again on the same store (the calls of the first life are abandoned)
    FakePlaidClient restarted = new FakePlaidClient();
    StageSettings settings = TopologyHarness.settings().withMaxInFlight(1);
    processor =
        new PlaidCallProcessor(
            settings,
            restarted,
            new InFlightLimiter(1),
            new OutcomeMapper(Clock.fixed(TopologyHarness.NOW, ZoneOffset.UTC)));
    processor.init(context);
    // then: the live requests are called first, then the bulk ones, each lane in offset order
    List<String> called = new ArrayList<>();
    while (!restarted.openRequestIds().isEmpty()) {
      String id = restarted.openRequestIds().get(0);
      called.add(id);
      restarted.complete(id, Answers.success("item-" + id, 1));
      context.scheduledPunctuators().stream()
          .filter(p -> !p.cancelled())
          .forEach(p -> p.getPunctuator().punctuate(0L));
    }
    assertThat(called).containsExactly("live-0", "live-1", "live-2", "bulk-0", "bulk-1", "bulk-2");
    assertThat(store.approximateNumEntries()).isZero();
  }
}
