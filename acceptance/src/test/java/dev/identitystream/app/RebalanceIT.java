package dev.identitystream.app;

import static dev.identitystream.app.JobTestSupport.keyOf;
import static dev.identitystream.app.JobTestSupport.sequenceOf;
import static dev.identitystream.local.TestClients.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.identitystream.app.JobTestSupport.ItemStatus;
import dev.identitystream.app.config.AppConfig;
import dev.identitystream.app.job.PlaidClients;
import dev.identitystream.app.job.StreamingJob;
import dev.identitystream.emulator.PlaidEmulator;
import dev.identitystream.local.KafkaBrokerExtension;
import dev.identitystream.topology.Topics;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances of the job share one application id: the second joins while the first has pending
 * requests (a rebalance moves tasks and their pending stores), then leaves (its tasks, pending
 * requests included, move back). Under {@code exactly_once_v2} no request may be lost or answered
 * twice, and each key's Item status records must keep the key's order.
 */
class RebalanceIT {

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  private static final int KEYS = 100;
  private static final int PER_KEY_PER_PHASE = 10;
  private static final int PHASES = 3;
  private static final int TOTAL = KEYS * PER_KEY_PER_PHASE * PHASES;
  private static final int PARTITIONS = 4;
  private static final Duration LATENCY = Duration.ofMillis(50);

  @TempDir Path tempDir;

  private final JobTestSupport.Resources resources = new JobTestSupport.Resources();
  private final String secret = JobTestSupport.newSecret();
  private final String run = uniqueName("rebalance").replace("-", "");
  private final Topics topics = JobTestSupport.uniqueTopics("rebalance");
  private final String applicationId = uniqueName("rebalance-app");
  private PlaidEmulator emulator;
  private OutputCollector outputs;

  @BeforeEach
  void startEmulator() {
    emulator = resources.add(JobTestSupport.emulator(secret, LATENCY));
  }

  @AfterEach
  void closeEverything() {
    resources.close();
  }

  @Test
  void shouldKeepEveryRequestOnceAndInKeyOrderWhenInstanceJoinsAndLeaves() {
    // given: a backlog and one instance working on it (the job creates the other topics)
    KAFKA.broker().createTopic(topics.requests(), PARTITIONS);
    produce(0);
    StreamingJob first = startInstance("instance-1");
    outputs = resources.add(new OutputCollector(KAFKA.bootstrapServers(), topics));
    assertThat(outputs.pollUntil(c -> c.items().size() >= 200, Duration.ofSeconds(60)))
        .as("the first instance produces outputs")
        .isTrue();

    // when: a second instance joins and takes tasks that hold pending requests
    StreamingJob second = startInstance("instance-2");
    await("tasks with pending requests move to the second instance")
        .atMost(Duration.ofSeconds(60))
        .until(() -> hasActiveTasks(second) && second.built().pending().total() > 0);
    produce(1);
    int beforeLeave = KEYS * PER_KEY_PER_PHASE + 300;
    assertThat(outputs.pollUntil(c -> c.items().size() >= beforeLeave, Duration.ofSeconds(60)))
        .as("outputs keep coming while both instances run")
        .isTrue();
    await("the second instance still holds pending requests when it leaves")
        .atMost(Duration.ofSeconds(30))
        .until(() -> second.built().pending().total() > 0);

    // and: it leaves, with requests pending
    second.close();
    produce(2);

    // then
    assertThat(outputs.pollUntil(c -> c.items().size() >= TOTAL, Duration.ofSeconds(120)))
        .as("every request has its Item status (got %d of %d)", outputs.items().size(), TOTAL)
        .isTrue();
    outputs.pollQuietly(Duration.ofSeconds(2));
    assertThat(first.streams().state()).isEqualTo(KafkaStreams.State.RUNNING);
    assertEveryRequestOnceInKeyOrder(outputs.items().stream().map(ItemStatus::of).toList());
    assertOneAccountSetPerRequest(outputs.accounts());
    assertThat(outputs.itemErrors()).isEmpty();
    assertThat(outputs.dlq()).isEmpty();
  }

  private void produce(int phase) {
    JobTestSupport.produceRequests(
        KAFKA.bootstrapServers(),
        topics.requests(),
        run,
        KEYS,
        phase * PER_KEY_PER_PHASE,
        (phase + 1) * PER_KEY_PER_PHASE);
  }

  private StreamingJob startInstance(String name) {
    Map<String, String> config =
        JobTestSupport.config(
            KAFKA.bootstrapServers(),
            emulator,
            secret,
            applicationId,
            topics,
            tempDir.resolve(name));
    config.put(AppConfig.TOPICS_PARTITIONS_CONFIG, String.valueOf(PARTITIONS));
    config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    // Few calls at once, so the backlog lasts long enough for both rebalances.
    config.put(AppConfig.PLAID_MAX_IN_FLIGHT_CONFIG, "8");
    // The leaving instance does not send LeaveGroup (Kafka Streams' close): its tasks move after
    // the session timeout, kept at the broker's minimum.
    config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000");
    config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "1000");
    AppConfig appConfig = new AppConfig(config);
    StreamingJob job =
        resources.add(
            new StreamingJob(appConfig, PlaidClients.create(appConfig), Clock.systemUTC()));
    job.start();
    await(name + " running")
        .atMost(Duration.ofSeconds(60))
        .until(() -> job.streams().state() == KafkaStreams.State.RUNNING);
    return job;
  }

  private static boolean hasActiveTasks(StreamingJob job) {
    return job.streams().metadataForLocalThreads().stream()
        .anyMatch(thread -> !thread.activeTasks().isEmpty());
  }

  /** One Item status per request; per key, all on one partition and in sequence order. */
  private static void assertEveryRequestOnceInKeyOrder(List<ItemStatus> statuses) {
    assertThat(statuses).allSatisfy(status -> assertThat(status.status()).isEqualTo("OK"));
    Map<String, List<ItemStatus>> byKey =
        statuses.stream()
            .collect(
                Collectors.groupingBy(
                    s -> keyOf(s.requestId()), TreeMap::new, Collectors.toList()));
    assertThat(byKey).hasSize(KEYS);
    List<Integer> expected = IntStream.range(0, PER_KEY_PER_PHASE * PHASES).boxed().toList();
    byKey.forEach(
        (key, ofKey) -> {
          assertThat(ofKey.stream().map(ItemStatus::partition).distinct())
              .as("Item status records of %s share one partition", key)
              .hasSize(1);
          List<ItemStatus> inLogOrder = new ArrayList<>(ofKey);
          inLogOrder.sort((a, b) -> Long.compare(a.offset(), b.offset()));
          assertThat(inLogOrder.stream().map(s -> sequenceOf(s.requestId())).toList())
              .as("sequence numbers of %s in log order: each once, in order", key)
              .isEqualTo(expected);
        });
  }

  /** Each request's accounts once: every request of a key (one Item) has the same accounts. */
  private static void assertOneAccountSetPerRequest(List<ConsumerRecord<byte[], byte[]>> accounts) {
    Map<String, Long> perRequest =
        accounts.stream()
            .collect(Collectors.groupingBy(JobTestSupport::requestIdOf, Collectors.counting()));
    assertThat(perRequest).hasSize(TOTAL);
    Map<String, List<Long>> countsPerKey =
        perRequest.entrySet().stream()
            .collect(
                Collectors.groupingBy(
                    e -> keyOf(e.getKey()),
                    Collectors.mapping(Map.Entry::getValue, Collectors.toList())));
    countsPerKey.forEach(
        (key, counts) ->
            assertThat(counts.stream().distinct())
                .as("accounts per request of %s", key)
                .hasSize(1));
  }
}
