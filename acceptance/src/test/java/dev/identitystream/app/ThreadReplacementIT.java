package dev.identitystream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.identitystream.app.config.AppConfig;
import dev.identitystream.app.job.PlaidClients;
import dev.identitystream.app.job.StreamingJob;
import dev.identitystream.emulator.EmulatorOptions;
import dev.identitystream.emulator.PlaidEmulator;
import dev.identitystream.local.KafkaBrokerExtension;
import dev.identitystream.topology.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stream thread killed by a transient Kafka error is replaced, and the job still finishes every
 * request exactly once. Kafka Streams 4.4 lets some broker errors kill the thread (e.g. a {@code
 * TransactionAbortableException} when a send cannot get a topic's metadata while the broker
 * restarts); timing decides when that happens, so the test kills the thread directly: the job's
 * clock, read on the stream thread when a call's outputs are built, throws a {@link
 * StreamsException} caused by a Kafka {@link TimeoutException} once, mid-run with calls in flight.
 * The replaced thread's tasks are closed dirty (transaction aborted, calls abandoned) and a new
 * thread's processors start from the store.
 */
class ThreadReplacementIT {

  private static final Logger LOG = LoggerFactory.getLogger(ThreadReplacementIT.class);

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  private static final int REQUESTS = 1_500;
  private static final int PARTITIONS = 3;
  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  @TempDir Path tempDir;

  private PlaidEmulator emulator;
  private StreamingJob job;
  private OutputWatch outputs;
  private final ArmedClock clock = new ArmedClock();

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
  }

  @Test
  void shouldReplaceAStreamThreadKilledByATransientErrorAndFinishEveryRequestExactlyOnce() {
    // given: a job under exactly_once_v2 well into its work, with calls in flight
    emulator =
        PlaidEmulator.start(EmulatorOptions.builder().latency(Duration.ofMillis(50)).build());
    Topics topics = CrashFeed.uniqueTopics("replace");
    CrashFeed.createTopics(KAFKA.broker(), topics, PARTITIONS);
    CrashFeed feed = CrashFeed.of(REQUESTS);
    feed.produce(KAFKA.bootstrapServers(), topics.requests());
    Map<String, String> props =
        CrashFeed.jobSettings(
            KAFKA.bootstrapServers(),
            emulator.baseUrl(),
            "replace",
            tempDir.resolve("state"),
            topics,
            PARTITIONS,
            32);
    AppConfig config = new AppConfig(props);
    job = new StreamingJob(config, PlaidClients.create(config), clock);
    outputs =
        new OutputWatch(KAFKA.bootstrapServers(), topics, feed, this::jobFailed, this::diagnostics);
    job.start();
    int threshold = feed.expectedItems().size() / 5;
    outputs.until(
        "at least " + threshold + " Item records",
        TIMEOUT,
        () -> outputs.progress().itemRecords() >= threshold);
    await("Plaid calls in flight")
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(5))
        .until(() -> emulator.stats().inFlight(), calls -> calls >= 4);

    // when: the stream thread dies of a transient Kafka error
    clock.arm(
        () ->
            new StreamsException(
                "injected", new TimeoutException("injected: the broker did not answer in time")));
    await("the stream thread replaced")
        .atMost(TIMEOUT)
        .failFast(this::jobFailed)
        .until(() -> job.threadReplacements() == 1);

    // then: the job finishes every request exactly once, as a read_committed consumer sees it
    outputs.until("every expected output", TIMEOUT, outputs.progress()::complete);
    outputs.pollFor(Duration.ofSeconds(3));
    OutputTally committed = outputs.readCommitted();
    LOG.info(
        "Stream threads replaced: {}; Plaid calls {}; committed: {}",
        job.threadReplacements(),
        emulator.stats().requests(),
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
    await("every slot back")
        .atMost(Duration.ofSeconds(10))
        .until(() -> job.built().limiter().inFlight() == 0);
  }

  private boolean jobFailed() {
    return job.fatalError() != null
        || job.streams().state() == KafkaStreams.State.ERROR
        || job.streams().state() == KafkaStreams.State.PENDING_ERROR
        || job.streams().state() == KafkaStreams.State.NOT_RUNNING;
  }

  private String diagnostics() {
    return "Kafka Streams "
        + job.streams().state()
        + ", fatal error "
        + job.fatalError()
        + ", threads replaced "
        + job.threadReplacements()
        + ", Plaid calls "
        + emulator.stats().requests();
  }
}
