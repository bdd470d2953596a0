package dev.identitystream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.identitystream.app.config.AppConfig;
import dev.identitystream.app.job.PlaidClients;
import dev.identitystream.app.job.StreamingJob;
import dev.identitystream.emulator.EmulatorOptions;
import dev.identitystream.emulator.PlaidEmulator;
import dev.identitystream.local.BrokerOptions;
import dev.identitystream.local.ForkedKafkaBroker;
import dev.identitystream.topology.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue "Broker restart": the broker, in its own JVM, is killed with SIGKILL mid-run (some outputs
 * written, many requests pending, calls in flight) and restarted on the same log dir. The job, in
 * this JVM, must ride through the outage without failing, and every request must still yield its
 * outputs exactly once, as a {@code read_committed} consumer sees them.
 */
class BrokerRestartIT {

  private static final Logger LOG = LoggerFactory.getLogger(BrokerRestartIT.class);

  private static final int REQUESTS = 3_000;
  private static final int PARTITIONS = 3;
  private static final double KILL_AT = 0.25;
  private static final int MIN_CALLS_IN_FLIGHT_AT_KILL = 8;
  private static final Duration PLAID_LATENCY = Duration.ofMillis(50);
  private static final Duration PROGRESS_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration COMPLETE_TIMEOUT = Duration.ofSeconds(120);

  /** How long to keep reading after the last expected output, to catch late duplicates. */
  private static final Duration QUIET_PERIOD = Duration.ofSeconds(3);

  private static final int LOG_TAIL_LINES = 40;
  private static final Set<KafkaStreams.State> FAILED =
      Set.of(
          KafkaStreams.State.PENDING_ERROR,
          KafkaStreams.State.ERROR,
          KafkaStreams.State.PENDING_SHUTDOWN,
          KafkaStreams.State.NOT_RUNNING);

  @TempDir Path tempDir;

  private ForkedKafkaBroker broker;
  private PlaidEmulator emulator;
  private StreamingJob job;
  private OutputWatch outputs;

  @AfterEach
  void cleanUp() {
    if (job != null) {
      job.close();
    }
    if (outputs != null) {
      outputs.close();
    }
    if (emulator != null) {
      emulator.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void shouldWriteEveryOutputExactlyOnceWhenBrokerIsKilledAndRestartedMidRun() {
    // given
    broker = ForkedKafkaBroker.start(BrokerOptions.defaults());
    emulator = PlaidEmulator.start(EmulatorOptions.builder().latency(PLAID_LATENCY).build());
    Topics topics = CrashFeed.uniqueTopics("bounce");
    CrashFeed.createTopics(broker, topics, PARTITIONS);
    CrashFeed feed = CrashFeed.of(REQUESTS);
    feed.produce(broker.bootstrapServers(), topics.requests());
    AppConfig config = config(topics);
    job = new StreamingJob(config, PlaidClients.create(config), Clock.systemUTC());
    outputs =
        new OutputWatch(
            broker.bootstrapServers(), topics, feed, this::jobFailed, this::diagnostics);
    int threshold = (int) (feed.expectedItems().size() * KILL_AT);

    // when
    job.start();
    outputs.until(
        "at least " + threshold + " Item records",
        PROGRESS_TIMEOUT,
        () -> outputs.progress().itemRecords() >= threshold);
    int itemsSeen = outputs.progress().itemRecords();
    int inFlight =
        await("Plaid calls in flight")
            .atMost(PROGRESS_TIMEOUT)
            .pollDelay(Duration.ZERO)
            .pollInterval(Duration.ofMillis(5))
            .until(
                () -> emulator.stats().inFlight(), calls -> calls >= MIN_CALLS_IN_FLIGHT_AT_KILL);
    long killedAt = System.nanoTime();
    broker.kill9();
    broker.restart();
    long brokerBackMillis = millisSince(killedAt);
    Map<TopicPartition, Long> endAtRestart = outputs.endOffsets(PARTITIONS);
    outputs.until(
        "output after the broker restart",
        PROGRESS_TIMEOUT,
        () -> outputs.sawOutputPast(endAtRestart));
    long resumedMillis = millisSince(killedAt);
    outputs.until("every expected output", COMPLETE_TIMEOUT, outputs.progress()::complete);
    outputs.pollFor(QUIET_PERIOD);

    // then
    OutputTally committed = outputs.readCommitted();
    LOG.info(
        "Broker killed at {} Item records with {} calls in flight; back after {} ms; output resumed {} ms after the kill;"
            + " {} Plaid calls for {} valid requests; committed: {}",
        itemsSeen,
        inFlight,
        brokerBackMillis,
        resumedMillis,
        emulator.stats().requests(),
        feed.expectedItems().size(),
        committed.summary());
    assertThat(job.fatalError()).as("the job's fatal error").isNull();
    assertThat(job.streams().state()).as(this::diagnostics).isEqualTo(KafkaStreams.State.RUNNING);
    assertThat(committed.itemAnomalies())
        .as("Item status records not exactly once per request")
        .isEmpty();
    assertThat(committed.itemErrorAnomalies())
        .as("Item-error events not exactly once per error request")
        .isEmpty();
    assertThat(committed.deadLetterAnomalies())
        .as("DLQ records not exactly once per malformed record")
        .isEmpty();
    assertThat(committed.accountAnomalies())
        .as("account records not exactly once per request and account")
        .isEmpty();
  }

  private boolean jobFailed() {
    return job.fatalError() != null || FAILED.contains(job.streams().state());
  }

  private String diagnostics() {
    return "Kafka Streams "
        + job.streams().state()
        + ", fatal error "
        + job.fatalError()
        + "; broker log tail:\n"
        + brokerLogTail();
  }

  private String brokerLogTail() {
    try {
      List<String> lines = Files.readAllLines(broker.logFile(), StandardCharsets.UTF_8);
      return String.join(
          "\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    } catch (IOException e) {
      return "(cannot read " + broker.logFile() + ": " + e.getMessage() + ")";
    }
  }

  private AppConfig config(Topics topics) {
    Map<String, String> props =
        CrashFeed.jobSettings(
            broker.bootstrapServers(),
            emulator.baseUrl(),
            "bounce",
            tempDir.resolve("state"),
            topics,
            PARTITIONS,
            64);
    return new AppConfig(props);
  }

  private static long millisSince(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
  }
}
