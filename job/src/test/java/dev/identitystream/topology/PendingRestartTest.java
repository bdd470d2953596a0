package dev.identitystream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitystream.event.EventSerdes;
import dev.identitystream.plaid.PlaidResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pending requests survive a restart: the stage is closed with calls unanswered and started again
 * on the same RocksDB store, reopened from disk as a restarted task would find it.
 */
class PendingRestartTest {

  @TempDir Path stateDir;

  /** One incarnation of the task: a context, the store reopened from disk, the processor. */
  private final class Incarnation implements AutoCloseable {
    final MockProcessorContext<byte[], byte[]> context;
    final KeyValueStore<Bytes, byte[]> store;
    final PlaidCallProcessor processor;
    final FakePlaidClient client = new FakePlaidClient();

    Incarnation() {
      Properties props = new Properties();
      props.put(StreamsConfig.APPLICATION_ID_CONFIG, "restart-test");
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
      StageSettings settings = TopologyHarness.settings().withMaxInFlight(3);
      processor =
          new PlaidCallProcessor(
              settings,
              client,
              new InFlightLimiter(settings.maxInFlight()),
              new OutcomeMapper(Clock.fixed(TopologyHarness.NOW, ZoneOffset.UTC)));
      processor.init(context);
    }

    void process(long offset, String key, String requestId) {
      context.setRecordMetadata("identity-requests", 0, offset);
      String value = "{\"access_token\":\"access-sandbox-t\",\"request_id\":\"" + requestId + "\"}";
      processor.process(
          new Record<>(
              key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8), 0L));
    }

    void punctuate() {
      context.scheduledPunctuators().forEach(p -> p.getPunctuator().punctuate(0L));
    }

    /** Request ids of the Item status records forwarded so far (one per answered request). */
    List<String> answeredRequestIds() {
      return context.forwarded().stream()
          .filter(f -> StageOutput.Kind.ITEM.sink().equals(f.childName().orElse(null)))
          .map(f -> EventSerdes.ITEM_STATUS.deserialize(null, f.record().value()).requestId())
          .toList();
    }

    @Override
    public void close() {
      processor.close();
      store.close();
    }
  }

  @Test
  void shouldAnswerEveryPendingRequestExactlyOnceAfterARestart() {
    // given: six requests on four keys; only r0 is answered before the task stops
    List<String> answered = new ArrayList<>();
    Function<String, PlaidResult> answer = id -> Answers.success("item-" + id, 2);
    Incarnation first = new Incarnation();
    String[][] requests = {
      {"A", "r0"}, {"A", "r1"}, {"B", "r2"}, {"C", "r3"}, {"C", "r4"}, {"D", "r5"}
    };
    for (int i = 0; i < requests.length; i++) {
      first.process(i, requests[i][0], requests[i][1]);
    }
    assertThat(first.client.openRequestIds()).containsExactly("r0", "r2", "r3");
    first.client.complete("r0", answer.apply("r0"));
    first.punctuate();
    answered.addAll(first.answeredRequestIds());
    List<String> stillOpen = first.client.openRequestIds();
    first.close();
    // when: the old incarnation's calls answer late, after the task was closed
    stillOpen.forEach(id -> first.client.complete(id, answer.apply(id)));
    assertThat(first.answeredRequestIds()).containsExactly("r0");
    // and the task starts again on the same store
    try (Incarnation second = new Incarnation()) {
      assertThat(second.client.openRequestIds()).containsExactly("r1", "r2", "r3");
      while (!second.client.openRequestIds().isEmpty()) {
        second.client.openRequestIds().forEach(id -> second.client.complete(id, answer.apply(id)));
        second.punctuate();
      }
      answered.addAll(second.answeredRequestIds());
      // then: every request answered exactly once, per-key order kept, nothing left pending
      Map<String, Long> counts =
          answered.stream().collect(Collectors.groupingBy(id -> id, Collectors.counting()));
      assertThat(counts).containsOnlyKeys("r0", "r1", "r2", "r3", "r4", "r5");
      assertThat(counts.values()).containsOnly(1L);
      assertThat(answered.indexOf("r3")).isLessThan(answered.indexOf("r4"));
      assertThat(second.processor.pending()).isZero();
      assertThat(second.store.approximateNumEntries()).isZero();
    }
  }
}
