package dev.identitystream.app;

import static dev.identitystream.local.TestClients.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.identitystream.app.config.AppConfig;
import dev.identitystream.app.config.ConfigLoader;
import dev.identitystream.emulator.EmulatorOptions;
import dev.identitystream.emulator.PlaidEmulator;
import dev.identitystream.local.KafkaBrokerExtension;
import dev.identitystream.topology.Topics;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue "Crash": the job, in its own JVM, is killed with SIGKILL three times while Plaid calls are
 * in flight and started again on the same state dir each time; every request must still yield its
 * outputs exactly once, as a {@code read_committed} consumer sees them. The broker (in this JVM)
 * and the Plaid emulator (50 ms per answer, so calls are in flight at every kill) keep running.
 */
class JobCrashIT {

  private static final Logger LOG = LoggerFactory.getLogger(JobCrashIT.class);

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  private static final int REQUESTS = 5_000;
  private static final int PARTITIONS = 3;
  private static final double[] KILL_AT = {0.15, 0.40, 0.70};
  private static final int MIN_CALLS_IN_FLIGHT_AT_KILL = 8;
  private static final Duration PLAID_LATENCY = Duration.ofMillis(50);
  private static final Duration RESUME_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration COMPLETE_TIMEOUT = Duration.ofSeconds(120);

  /** How long to keep reading after the last expected output, to catch late duplicates. */
  private static final Duration QUIET_PERIOD = Duration.ofSeconds(3);

  private static final int LOG_TAIL_LINES = 60;

  /**
   * One kill and restart: the progress at the kill and how long until the new JVM's output
   * appeared.
   */
  record Restart(int itemsSeenAtKill, int callsInFlightAtKill, long resumeMillis) {}

  @TempDir Path tempDir;

  private PlaidEmulator emulator;
  private JobProcess job;
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
  }

  @Test
  void shouldWriteEveryOutputExactlyOnceWhenJobIsKilledWhileCallsAreInFlight() throws IOException {
    // given
    CrashFeed feed = prepare("crash", REQUESTS);
    int expectedItems = feed.expectedItems().size();
    LOG.info("Fed {}", feed.describe());

    // when
    long startedAt = System.nanoTime();
    job.start();
    List<Restart> restarts = new ArrayList<>();
    for (double fraction : KILL_AT) {
      int threshold = (int) (expectedItems * fraction);
      outputs.until(
          "at least " + threshold + " Item records",
          RESUME_TIMEOUT,
          () -> outputs.progress().itemRecords() >= threshold);
      restarts.add(killAndRestart());
    }
    outputs.until("every expected output", COMPLETE_TIMEOUT, outputs.progress()::complete);
    long completedMillis = millisSince(startedAt);
    outputs.pollFor(QUIET_PERIOD);

    // then
    OutputTally committed = outputs.readCommitted();
    LOG.info(
        "All outputs {} ms after the first start, through {} kills {}; {} Plaid calls for {} valid requests; committed: {}",
        completedMillis,
        restarts.size(),
        restarts,
        emulator.stats().requests(),
        expectedItems,
        committed.summary());
    assertThat(job.isAlive())
        .as(() -> "the job died; log tail:\n" + job.logTail(LOG_TAIL_LINES))
        .isTrue();
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

  @Test
  void shouldStopCleanlyOnSigtermWithCallsInFlightAndLoseNothing() throws IOException {
    // given
    CrashFeed feed = prepare("sigterm", 2_000);
    int threshold = feed.expectedItems().size() / 3;
    job.start();
    outputs.until(
        "a third of the Item records",
        RESUME_TIMEOUT,
        () -> outputs.progress().itemRecords() >= threshold);
    awaitCallsInFlight();
    // when: SIGTERM (stop() fails the test if the job ignores it), then a new start
    job.stop();
    int exitCode = job.exitCode().orElseThrow();
    job.start();
    outputs.until("every expected output", COMPLETE_TIMEOUT, outputs.progress()::complete);
    outputs.pollFor(QUIET_PERIOD);
    // then: a clean exit (SIGTERM is a clean stop: 0), nothing lost or doubled
    assertThat(exitCode).isEqualTo(ExitCodes.OK);
    assertThat(job.logTail(400)).contains("requests in flight stay pending");
    OutputTally committed = outputs.readCommitted();
    assertThat(committed.itemAnomalies())
        .as("Item status records not exactly once per request")
        .isEmpty();
    assertThat(committed.itemErrorAnomalies()).isEmpty();
    assertThat(committed.deadLetterAnomalies()).isEmpty();
    assertThat(committed.accountAnomalies()).isEmpty();
  }

  /**
   * Starts the emulator, creates the topics, feeds the requests and prepares (not starts) the job.
   */
  private CrashFeed prepare(String prefix, int requests) throws IOException {
    String clientId = prefix + "-client";
    String secret = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
    emulator =
        PlaidEmulator.start(
            EmulatorOptions.builder().credentials(clientId, secret).latency(PLAID_LATENCY).build());
    Topics topics = CrashFeed.uniqueTopics(prefix);
    CrashFeed.createTopics(KAFKA.broker(), topics, PARTITIONS);
    CrashFeed feed = CrashFeed.of(requests);
    feed.produce(KAFKA.bootstrapServers(), topics.requests());
    job =
        JobProcess.run(
            writeConfig(topics),
            Map.of(ConfigLoader.ENV_CLIENT_ID, clientId, ConfigLoader.ENV_SECRET, secret),
            tempDir.resolve("job.log"));
    outputs =
        new OutputWatch(
            KAFKA.bootstrapServers(),
            topics,
            feed,
            () -> !job.isAlive(),
            () ->
                "job exit code "
                    + job.exitCode()
                    + "; job log tail:\n"
                    + job.logTail(LOG_TAIL_LINES));
    return feed;
  }

  /** Waits for a moment with calls out (the stream thread dispatches nothing while it commits). */
  private int awaitCallsInFlight() {
    return await("Plaid calls in flight")
        .atMost(RESUME_TIMEOUT)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(5))
        .until(() -> emulator.stats().inFlight(), calls -> calls >= MIN_CALLS_IN_FLIGHT_AT_KILL);
  }

  /**
   * Kills the job with SIGKILL while calls are in flight, starts it again, waits for its output.
   */
  private Restart killAndRestart() {
    int itemsSeen = outputs.progress().itemRecords();
    // The stream thread dispatches nothing while it commits: wait for a moment with calls out.
    int inFlight = awaitCallsInFlight();
    job.kill9();
    long killedAt = System.nanoTime();
    // The dead JVM's records all lie before these offsets: output past them is the new JVM's.
    Map<TopicPartition, Long> endAtKill = outputs.endOffsets(PARTITIONS);
    job.start();
    outputs.until(
        "output from the restarted job (launch " + job.launches() + ")",
        RESUME_TIMEOUT,
        () -> outputs.sawOutputPast(endAtKill));
    Restart restart = new Restart(itemsSeen, inFlight, millisSince(killedAt));
    LOG.info(
        "Killed at {} Item records with {} calls in flight; output resumed {} ms after the kill",
        itemsSeen,
        inFlight,
        restart.resumeMillis());
    return restart;
  }

  /**
   * The job's configuration file; secrets go in the environment. Static membership lets a restarted
   * JVM take over its dead predecessor's partitions at once instead of after its session timeout.
   */
  private Path writeConfig(Topics topics) throws IOException {
    String applicationId = uniqueName("crash-app");
    Properties props = new Properties();
    props.put("bootstrap.servers", KAFKA.bootstrapServers());
    props.put("application.id", applicationId);
    props.put("state.dir", tempDir.resolve("state").toString());
    props.put("session.timeout.ms", "6000");
    props.put("heartbeat.interval.ms", "1000");
    props.put("group.instance.id", applicationId + "-instance");
    props.put(AppConfig.PLAID_BASE_URL_CONFIG, emulator.baseUrl());
    props.put(AppConfig.PLAID_MAX_IN_FLIGHT_CONFIG, "64");
    props.put(AppConfig.TOPICS_PARTITIONS_CONFIG, Integer.toString(PARTITIONS));
    props.put(AppConfig.TOPIC_REQUESTS_CONFIG, topics.requests());
    props.put(AppConfig.TOPIC_ACCOUNTS_CONFIG, topics.accounts());
    props.put(AppConfig.TOPIC_ITEMS_CONFIG, topics.items());
    props.put(AppConfig.TOPIC_ITEM_ERRORS_CONFIG, topics.itemErrors());
    props.put(AppConfig.TOPIC_DLQ_CONFIG, topics.dlq());
    Path file = tempDir.resolve("job.properties");
    try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      props.store(writer, "JobCrashIT");
    }
    return file;
  }

  private static long millisSince(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
  }
}
