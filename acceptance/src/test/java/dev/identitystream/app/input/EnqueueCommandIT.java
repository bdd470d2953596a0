package dev.identitystream.app.input;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitystream.app.CliTestSupport;
import dev.identitystream.app.ExitCodes;
import dev.identitystream.app.JobTestSupport;
import dev.identitystream.app.config.AppConfig;
import dev.identitystream.app.job.StreamingJob;
import dev.identitystream.emulator.PlaidEmulator;
import dev.identitystream.local.KafkaBrokerExtension;
import dev.identitystream.local.TestClients;
import dev.identitystream.topology.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The real {@code enqueue} command against a real broker. */
class EnqueueCommandIT {

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  @TempDir Path dir;
  private PlaidEmulator emulator;
  private Topics topics;
  private Path config;
  private java.util.Map<String, String> settings;

  @BeforeEach
  void setUp() throws Exception {
    String secret = JobTestSupport.newSecret();
    emulator = JobTestSupport.emulator(secret, Duration.ZERO);
    topics = JobTestSupport.uniqueTopics("enqueue");
    settings =
        JobTestSupport.config(
            KAFKA.bootstrapServers(),
            emulator,
            secret,
            TestClients.uniqueName("app"),
            topics,
            dir.resolve("state"));
    config = CliTestSupport.configFile(dir, settings);
  }

  @AfterEach
  void tearDown() {
    emulator.close();
  }

  @Test
  void shouldProduceCsvRowsKeyedByItemThenRequestIdAndReportBadLinesWithoutTheToken()
      throws Exception {
    // given
    Path csv = dir.resolve("tokens.csv");
    Files.writeString(
        csv,
        """
        access_token,item_id,account_ids,attributes,request_id
        access-sandbox-aaa1,item-1,acc-1;acc-2,tenant=acme;trace=t1,
        access-sandbox-bbb2,,acc-3|acc-4,"{""tenant"":""globex""}",req-2
        access-sandbox-ccc3,,,,
        not-a-token-SECRETVALUE,item-4,,,
        access-sandbox-ddd5,item-5,,broken,
        """);

    // when
    CliTestSupport.Run run =
        CliTestSupport.run("enqueue", "--config", config.toString(), "--input", csv.toString());

    // then
    assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
    assertThat(run.out())
        .contains("Sent 3 request(s) to " + topics.bulkRequests())
        .contains("skipped 2 invalid line(s)")
        .contains("INVALID_ACCESS_TOKEN")
        .contains("CSV_FORMAT");
    assertThat(run.err())
        .contains("line 5: INVALID_ACCESS_TOKEN")
        .contains("line 6: attributes")
        .doesNotContain("SECRETVALUE")
        .doesNotContain("access-sandbox");
    // by default to the bulk topic: nothing on the live one
    assertThat(
            TestClients.readToEnd(
                KAFKA.bootstrapServers(), topics.requests(), IsolationLevel.READ_COMMITTED))
        .isEmpty();
    List<ConsumerRecord<String, String>> records =
        byValue(
            TestClients.readToEnd(
                KAFKA.bootstrapServers(), topics.bulkRequests(), IsolationLevel.READ_COMMITTED));
    assertThat(records).extracting(ConsumerRecord::key).containsExactly("item-1", "req-2", null);
    assertThat(records)
        .extracting(ConsumerRecord::value)
        .containsExactly(
            "{\"access_token\":\"access-sandbox-aaa1\",\"item_id\":\"item-1\",\"account_ids\":[\"acc-1\",\"acc-2\"],\"attributes\":{\"tenant\":\"acme\",\"trace\":\"t1\"}}",
            "{\"access_token\":\"access-sandbox-bbb2\",\"account_ids\":[\"acc-3\",\"acc-4\"],\"attributes\":{\"tenant\":\"globex\"},\"request_id\":\"req-2\"}",
            "{\"access_token\":\"access-sandbox-ccc3\"}");
  }

  @Test
  void shouldProduceJsonLinesAsGivenAndSkipInvalidOnes() throws Exception {
    // given
    Path jsonl = dir.resolve("tokens.jsonl");
    String first =
        "{\"access_token\":\"access-sandbox-x1\",\"item_id\":\"item-x1\",\"attributes\":{\"t\":\"1\"}}";
    String second = "{\"access_token\":\"access-sandbox-x2\",\"request_id\":\"r-2\"}";
    Files.writeString(
        jsonl,
        first
            + "\n\n{\"access_token\":\"access-sandbox-LEAKY\n"
            + second
            + "\n"
            + "{\"access_token\":\"access-sandbox-x3\",\"item_id\":\"access-sandbox-x3\"}\n");

    // when: to the live topic
    CliTestSupport.Run run =
        CliTestSupport.run("enqueue", "-c", config.toString(), "-i", jsonl.toString(), "--live");

    // then
    assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
    assertThat(run.out()).contains("to " + topics.requests());
    assertThat(run.err())
        .contains("line 3: INVALID_JSON")
        .contains("line 5: ACCESS_TOKEN_IN_PASSTHROUGH")
        .doesNotContain("LEAKY")
        .doesNotContain("x3");
    List<ConsumerRecord<String, String>> records =
        byValue(
            TestClients.readToEnd(
                KAFKA.bootstrapServers(), topics.requests(), IsolationLevel.READ_COMMITTED));
    assertThat(records).extracting(ConsumerRecord::key).containsExactly("item-x1", "r-2");
    assertThat(records).extracting(ConsumerRecord::value).containsExactly(first, second);
  }

  @Test
  void shouldSendNothingWhenStrictAndALineIsInvalid() throws Exception {
    // given
    Path jsonl = dir.resolve("tokens.jsonl");
    Files.writeString(jsonl, "{\"access_token\":\"access-sandbox-ok1\"}\n{\"item_id\":\"i\"}\n");
    StreamingJob.ensureTopics(new AppConfig(settings));

    // when
    CliTestSupport.Run run =
        CliTestSupport.run("enqueue", "-c", config.toString(), "-i", jsonl.toString(), "--strict");

    // then
    assertThat(run.exitCode()).isEqualTo(ExitCodes.INPUT);
    assertThat(run.err()).contains("line 2: MISSING_ACCESS_TOKEN").contains("nothing sent");
    assertThat(
            TestClients.readToEnd(
                KAFKA.bootstrapServers(), topics.bulkRequests(), IsolationLevel.READ_COMMITTED))
        .isEmpty();
  }

  @Test
  void shouldRefuseAnInputWhoseFormatItCannotTell() {
    // when
    CliTestSupport.Run run =
        CliTestSupport.run(
            "enqueue", "-c", config.toString(), "-i", dir.resolve("tokens.txt").toString());

    // then
    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("--format");
  }

  /**
   * Records across partitions, in the order their values name them (tests send distinct values).
   */
  private static List<ConsumerRecord<String, String>> byValue(
      List<ConsumerRecord<String, String>> records) {
    return records.stream().sorted((a, b) -> a.value().compareTo(b.value())).toList();
  }
}
