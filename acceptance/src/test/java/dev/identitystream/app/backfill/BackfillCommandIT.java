package dev.identitystream.app.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitystream.app.CliTestSupport;
import dev.identitystream.app.ExitCodes;
import dev.identitystream.app.JobTestSupport;
import dev.identitystream.emulator.PlaidEmulator;
import dev.identitystream.local.KafkaBrokerExtension;
import dev.identitystream.local.TestClients;
import dev.identitystream.topology.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code enqueue} then {@code backfill} commands against a real broker and the emulator.
 */
class BackfillCommandIT {

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  private static final int OK_ITEMS = 440;
  private static final int ERROR_ITEMS = 40;
  private static final int NOT_JSON = 10;
  private static final int NO_TOKEN = 10;

  @TempDir Path dir;
  private PlaidEmulator emulator;

  @AfterEach
  void tearDown() {
    if (emulator != null) {
      emulator.close();
    }
  }

  @Test
  @Timeout(
      value = 180,
      unit = TimeUnit.SECONDS) // a backfill that never sees it is caught up fails here
  void shouldStopOnceCaughtUpAndSummarizeWhatItWrote() throws Exception {
    // given 500 requests: OK Items with 2 accounts each, Items Plaid answers with an error,
    // malformed records
    String secret = JobTestSupport.newSecret();
    emulator = JobTestSupport.emulator(secret, Duration.ofMillis(5));
    Topics topics = JobTestSupport.uniqueTopics("backfill");
    Map<String, String> settings =
        JobTestSupport.config(
            KAFKA.bootstrapServers(),
            emulator,
            secret,
            TestClients.uniqueName("backfill-app"),
            topics,
            dir.resolve("state"));
    Path config = CliTestSupport.configFile(dir, settings);
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < OK_ITEMS + ERROR_ITEMS; i++) {
      String token =
          i < OK_ITEMS
              ? "access-sandbox-accounts2-r" + i
              : "access-sandbox-error-ITEM_LOGIN_REQUIRED-r" + i;
      lines.append("{\"access_token\":\"%s\",\"item_id\":\"item-%d\"}%n".formatted(token, i));
    }
    Path jsonl = dir.resolve("tokens.jsonl");
    Files.writeString(jsonl, lines);
    CliTestSupport.Run enqueue =
        CliTestSupport.run("enqueue", "-c", config.toString(), "-i", jsonl.toString());
    assertThat(enqueue.exitCode()).as(enqueue.err()).isEqualTo(ExitCodes.OK);
    try (KafkaProducer<String, String> producer = TestClients.producer(KAFKA.bootstrapServers())) {
      for (int i = 0; i < NOT_JSON + NO_TOKEN; i++) {
        producer.send(
            new ProducerRecord<>(
                topics.requests(), "bad-" + i, i < NOT_JSON ? "not json" : "{\"item_id\":\"x\"}"));
      }
    }

    // when
    CliTestSupport.Run backfill =
        CliTestSupport.run("backfill", "-c", config.toString(), "--progress-every-s", "1");

    // then
    assertThat(backfill.exitCode()).as(backfill.err()).isEqualTo(ExitCodes.OK);
    assertThat(backfill.err())
        .contains("500 request(s) to consume")
        .contains("500/500 requests (100%)");
    assertThat(backfill.out())
        .containsPattern("requests consumed +500\n")
        .containsPattern("accounts +880\n")
        .containsPattern("Items +440 OK, 40 ERROR\n")
        .containsPattern("Item errors +40\n")
        .containsPattern("ITEM_LOGIN_REQUIRED +40\n")
        .containsPattern("DLQ +20\n")
        .containsPattern("INVALID_JSON +10\n")
        .containsPattern("MISSING_ACCESS_TOKEN +10\n")
        .doesNotContain("access-sandbox");

    // and a second backfill with nothing new consumes nothing and writes nothing
    CliTestSupport.Run again = CliTestSupport.run("backfill", "-c", config.toString());
    assertThat(again.exitCode()).as(again.err()).isEqualTo(ExitCodes.OK);
    assertThat(again.out())
        .containsPattern("requests consumed +0\n")
        .containsPattern("accounts +0\n")
        .containsPattern("DLQ +0\n");
    assertThat(again.err())
        .contains("Nothing new to consume: the group")
        .contains("has already consumed " + topics.bulkRequests() + " and " + topics.requests());
  }
}
