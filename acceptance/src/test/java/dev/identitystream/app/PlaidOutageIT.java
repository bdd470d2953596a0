package dev.identitystream.app;

import static dev.identitystream.local.TestClients.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.identitystream.app.JobTestSupport.ItemStatus;
import dev.identitystream.app.config.AppConfig;
import dev.identitystream.app.job.PlaidClients;
import dev.identitystream.app.job.StreamingJob;
import dev.identitystream.app.observability.JobMetrics;
import dev.identitystream.emulator.PlaidEmulator;
import dev.identitystream.local.KafkaBrokerExtension;
import dev.identitystream.plaid.OffloadedPlaidClient;
import dev.identitystream.plaid.PlaidClient;
import dev.identitystream.topology.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plaid goes down (every call answers 503 {@code API_ERROR}) for much longer than {@code
 * max.poll.interval.ms} while requests flow. The instance must stay in its group (no rebalance,
 * never out of RUNNING), hold no more pending requests per task than its cap plus the documented
 * over-admission (one record per full task per {@code stage.max.block.ms}), and once Plaid is back
 * answer every request for real: Item status OK, nothing in the DLQ.
 *
 * <p>The worst case for the poll loop: one stream thread runs eight tasks, all full during the
 * outage (a small cap), with a block time of a quarter of {@code max.poll.interval.ms}. Were each
 * full task to wait the whole block time, the thread would go 8 × 2 s without polling.
 */
class PlaidOutageIT {

  private static final Logger LOG = LoggerFactory.getLogger(PlaidOutageIT.class);

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  private static final int PARTITIONS = 8;
  private static final int KEYS = 100;
  private static final int PER_KEY = 16;
  private static final int TOTAL = KEYS * PER_KEY;
  private static final int MAX_PENDING_PER_TASK = 4;
  private static final long MAX_BLOCK_MS = 2_000;
  private static final long MAX_POLL_INTERVAL_MS = 8_000;
  private static final Duration OUTAGE = Duration.ofSeconds(20);

  /** The breaker stays open up to this long after Plaid is back; tasks stay full meanwhile. */
  private static final Duration BREAKER_OPEN = Duration.ofSeconds(2);

  @TempDir Path tempDir;

  private final JobTestSupport.Resources resources = new JobTestSupport.Resources();
  private final String secret = JobTestSupport.newSecret();
  private final String run = uniqueName("outage").replace("-", "");
  private final Topics topics = JobTestSupport.uniqueTopics("outage");
  private final String applicationId = uniqueName("outage-app");
  private PlaidEmulator emulator;

  @BeforeEach
  void startEmulator() {
    emulator = resources.add(JobTestSupport.emulator(secret, Duration.ofMillis(50)));
  }

  @AfterEach
  void closeEverything() {
    resources.close();
  }

  @Test
  void shouldStayInGroupBoundedAndCompleteEveryRequestWhenPlaidIsDownLongerThanMaxPollInterval()
      throws Exception {
    // given: requests flowing through one instance
    KAFKA.broker().createTopic(topics.requests(), PARTITIONS);
    JobTestSupport.produceRequests(
        KAFKA.bootstrapServers(), topics.requests(), run, KEYS, 0, PER_KEY);
    AppConfig config = new AppConfig(config());
    MeterRegistry meters = new SimpleMeterRegistry();
    PlaidClient client = PlaidClients.create(config, new JobMetrics(meters));
    assertThat(client).isInstanceOf(OffloadedPlaidClient.class);
    StreamingJob job = resources.add(new StreamingJob(config, client, Clock.systemUTC()));
    job.start();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> job.streams().state() == KafkaStreams.State.RUNNING);
    OutputCollector outputs = resources.add(new OutputCollector(KAFKA.bootstrapServers(), topics));
    assertThat(outputs.pollUntil(c -> c.items().size() >= 100, Duration.ofSeconds(60))).isTrue();
    double rebalancesBefore =
        mainConsumerMetric(job, "consumer-coordinator-metrics", "rebalance-total");
    Set<String> membersBefore = groupMembers();

    // when: Plaid is down for much longer than max.poll.interval.ms
    long outageStart = System.nanoTime();
    emulator.setOutage(true);
    await("breaker opens")
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> meters.get(JobMetrics.BREAKER_STATE).tag("state", "open").gauge().value() == 1);
    await("instance stays RUNNING through the outage")
        .during(OUTAGE)
        .atMost(OUTAGE.plusSeconds(5))
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(
            () -> assertThat(job.streams().state()).isEqualTo(KafkaStreams.State.RUNNING));
    emulator.setOutage(false);
    long outageMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - outageStart);

    // then: every request completes for real once Plaid is back
    assertThat(outputs.pollUntil(c -> c.items().size() >= TOTAL, Duration.ofSeconds(120)))
        .as("every request has its Item status (got %d of %d)", outputs.items().size(), TOTAL)
        .isTrue();
    outputs.pollQuietly(Duration.ofSeconds(1));
    List<ItemStatus> statuses = outputs.items().stream().map(ItemStatus::of).toList();
    assertThat(statuses).allSatisfy(status -> assertThat(status.status()).isEqualTo("OK"));
    assertThat(statuses.stream().map(ItemStatus::requestId).collect(Collectors.toSet()))
        .hasSize(TOTAL);
    assertThat(statuses).hasSize(TOTAL);
    assertThat(outputs.dlq()).isEmpty();
    assertThat(outputs.itemErrors()).isEmpty();
    assertThat(emulator.stats().status(503)).as("Plaid really answered 503s").isPositive();

    // and: the instance never left its group
    double pollGapMaxMs = mainConsumerMetric(job, "consumer-metrics", "time-between-poll-max");
    LOG.info(
        "Outage {} ms; peak pending per task {} ({} in memory, cap {}); longest gap between polls {} ms",
        outageMillis,
        job.built().pending().peakPerTask(),
        job.built().pending().peakInMemoryPerTask(),
        MAX_PENDING_PER_TASK,
        pollGapMaxMs);
    assertThat(job.streams().state()).isEqualTo(KafkaStreams.State.RUNNING);
    assertThat(mainConsumerMetric(job, "consumer-coordinator-metrics", "rebalance-total"))
        .as("rebalances of the main consumer")
        .isEqualTo(rebalancesBefore);
    assertThat(groupMembers()).as("group members").isEqualTo(membersBefore);

    // and: memory stayed bounded: a task holds at most its cap in memory, whatever the outage
    // admits (the rest wait parked in the pending store, on disk)
    assertThat(job.built().pending().peakInMemoryPerTask())
        .as("peak pending requests of one task in memory")
        .isEqualTo(MAX_PENDING_PER_TASK);
    assertThat(job.built().pending().peakPerTask())
        .as("peak pending of one task")
        .isGreaterThan(MAX_PENDING_PER_TASK);
  }

  private Map<String, String> config() {
    Map<String, String> config =
        JobTestSupport.config(
            KAFKA.bootstrapServers(),
            emulator,
            secret,
            applicationId,
            topics,
            tempDir.resolve("state"));
    config.put(AppConfig.TOPICS_PARTITIONS_CONFIG, String.valueOf(PARTITIONS));
    config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    config.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, String.valueOf(MAX_POLL_INTERVAL_MS));
    config.put(AppConfig.PLAID_MAX_IN_FLIGHT_CONFIG, "32");
    config.put(AppConfig.PLAID_BREAKER_OPEN_MS_CONFIG, String.valueOf(BREAKER_OPEN.toMillis()));
    config.put(AppConfig.PLAID_DEADLINE_MS_CONFIG, "120000");
    config.put(AppConfig.STAGE_MAX_PENDING_CONFIG, String.valueOf(MAX_PENDING_PER_TASK));
    config.put(AppConfig.STAGE_MAX_BLOCK_MS_CONFIG, String.valueOf(MAX_BLOCK_MS));
    return config;
  }

  /** A metric of the stream thread's main consumer (the one in the group). */
  private static double mainConsumerMetric(StreamingJob job, String group, String name) {
    for (Map.Entry<MetricName, ? extends Metric> entry : job.streams().metrics().entrySet()) {
      MetricName metric = entry.getKey();
      String clientId = metric.tags().getOrDefault("client-id", "");
      if (metric.group().equals(group)
          && metric.name().equals(name)
          && clientId.endsWith("-StreamThread-1-consumer")) {
        return ((Number) entry.getValue().metricValue()).doubleValue();
      }
    }
    throw new AssertionError("no metric " + group + "/" + name + " for the main consumer");
  }

  /**
   * The member ids of the application's consumer group (a member that was evicted rejoins as a new
   * one).
   */
  private Set<String> groupMembers()
      throws InterruptedException, ExecutionException, TimeoutException {
    try (Admin admin = KAFKA.broker().createAdmin()) {
      return admin
          .describeConsumerGroups(List.of(applicationId))
          .all()
          .get(30, TimeUnit.SECONDS)
          .get(applicationId)
          .members()
          .stream()
          .map(MemberDescription::consumerId)
          .collect(Collectors.toSet());
    }
  }
}
