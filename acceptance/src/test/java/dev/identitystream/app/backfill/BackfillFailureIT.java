package dev.identitystream.app.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitystream.app.CliTestSupport;
import dev.identitystream.app.ExitCodes;
import dev.identitystream.app.JobProcess;
import dev.identitystream.app.JobTestSupport;
import dev.identitystream.app.OutputCollector;
import dev.identitystream.app.config.AppConfig;
import dev.identitystream.emulator.PlaidEmulator;
import dev.identitystream.local.KafkaBrokerExtension;
import dev.identitystream.local.TestClients;
import dev.identitystream.topology.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code backfill} when it cannot finish: a stream thread dies (exit 1), or Ctrl-C stops it. */
class BackfillFailureIT {

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  @TempDir Path dir;
  private PlaidEmulator emulator;

  @AfterEach
  void tearDown() {
    if (emulator != null) {
      emulator.close();
    }
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void shouldExitWithFailureWhenAStreamThreadDiesBeforeCatchingUp() throws Exception {
    // given a transaction timeout above the broker's transaction.max.timeout.ms (15 min): the
    // stream thread cannot initialize its transactional producer and dies, and the job shuts down
    Topics topics = JobTestSupport.uniqueTopics("backfill-fatal");
    Map<String, String> settings = settings(topics, Duration.ZERO);
    settings.put("producer.transaction.timeout.ms", "1000000");
    Path config = CliTestSupport.configFile(dir, settings);
    produce(topics, 20, "accounts5");

    // when
    CliTestSupport.Run backfill =
        CliTestSupport.run("backfill", "-c", config.toString(), "--progress-every-s", "1");

    // then
    assertThat(backfill.exitCode()).as(backfill.err()).isEqualTo(ExitCodes.FAILURE);
    assertThat(backfill.err())
        .contains("The job stopped before catching up")
        .contains("transaction");
    assertThat(backfill.out()).doesNotContain("Backfill done");
  }

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void shouldCloseCleanlyOnCtrlCSoThatTheNextBackfillFinishesWithNothingLost() throws Exception {
    // given 400 requests that take several seconds (8 calls of 100 ms in flight), and a backfill
    // in its own JVM that has written some of the results
    int requests = 400;
    Topics topics = JobTestSupport.uniqueTopics("backfill-sigint");
    Map<String, String> settings = settings(topics, Duration.ofMillis(100));
    settings.put(AppConfig.PLAID_MAX_IN_FLIGHT_CONFIG, "8");
    Path config = CliTestSupport.configFile(dir, settings);
    produce(topics, requests, "accounts1");
    try (JobProcess backfill =
            JobProcess.command(
                List.of("backfill", "--config", config.toString(), "--progress-every-s", "1"),
                Map.of(),
                dir.resolve("backfill.log"));
        OutputCollector outputs = new OutputCollector(KAFKA.bootstrapServers(), topics)) {
      backfill.start();
      assertThat(outputs.pollUntil(o -> o.items().size() >= 40, Duration.ofSeconds(90)))
          .as(backfill.logTail(30))
          .isTrue();

      // when Ctrl-C
      boolean exited = backfill.interrupt(Duration.ofSeconds(60));

      // then it stopped cleanly before finishing, with exit 0, saying how far it got
      assertThat(exited).as(backfill.logTail(30)).isTrue();
      assertThat(backfill.exitCode()).as(backfill.logTail(30)).hasValue(ExitCodes.OK);
      assertThat(Files.readString(backfill.logFile()))
          .contains("Kafka Streams PENDING_SHUTDOWN -> NOT_RUNNING")
          .containsPattern(
              "Stopped by SIGINT before catching up: \\d+ of "
                  + requests
                  + " request\\(s\\) consumed, \\d+ of them still pending")
          .doesNotContain("Backfill done")
          .doesNotContain("ERROR");
    }
    Set<String> before = requestIds(topics);
    assertThat(before).hasSizeBetween(40, requests - 1);

    // and a second backfill finishes the rest: every request has exactly one Item status
    CliTestSupport.Run again = CliTestSupport.run("backfill", "-c", config.toString());
    assertThat(again.exitCode()).as(again.err()).isEqualTo(ExitCodes.OK);
    List<String> items =
        TestClients.valuesToEnd(
            KAFKA.bootstrapServers(), topics.items(), IsolationLevel.READ_COMMITTED);
    assertThat(items).hasSize(requests);
    assertThat(requestIds(topics)).hasSize(requests).containsAll(before);
  }

  private Map<String, String> settings(Topics topics, Duration latency) {
    String secret = JobTestSupport.newSecret();
    emulator = JobTestSupport.emulator(secret, latency);
    return new LinkedHashMap<>(
        JobTestSupport.config(
            KAFKA.bootstrapServers(),
            emulator,
            secret,
            TestClients.uniqueName("backfill-app"),
            topics,
            dir.resolve("state")));
  }

  private static void produce(Topics topics, int count, String kind) {
    try (KafkaProducer<String, String> producer = TestClients.producer(KAFKA.bootstrapServers())) {
      for (int i = 0; i < count; i++) {
        producer.send(
            new ProducerRecord<>(
                topics.requests(),
                "item-" + i,
                "{\"access_token\":\"access-sandbox-%s-b%d\",\"item_id\":\"item-%d\",\"request_id\":\"req-%d\"}"
                    .formatted(kind, i, i, i)));
      }
    }
  }

  private static Set<String> requestIds(Topics topics) {
    Set<String> ids = new TreeSet<>();
    for (String value :
        TestClients.valuesToEnd(
            KAFKA.bootstrapServers(), topics.items(), IsolationLevel.READ_COMMITTED)) {
      int start = value.indexOf("\"request_id\":\"") + 14;
      ids.add(value.substring(start, value.indexOf('"', start)));
    }
    return ids;
  }
}
