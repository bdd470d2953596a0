package dev.identitystream.app.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.identitystream.app.CliTestSupport;
import dev.identitystream.app.ExitCodes;
import dev.identitystream.app.JobTestSupport;
import dev.identitystream.app.config.AppConfig;
import dev.identitystream.emulator.PlaidEmulator;
import dev.identitystream.event.DlqHeaders;
import dev.identitystream.event.Json;
import dev.identitystream.local.KafkaBrokerExtension;
import dev.identitystream.local.TestClients;
import dev.identitystream.testkit.OutputRecord;
import dev.identitystream.topology.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code enqueue}, {@code record} and {@code replay} commands: what the job wrote to its
 * topics while recording against the emulator is what the offline replay writes to its files.
 */
class RecordReplayIT {

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  private static final String KEY = "record-replay-it-key-0123456789";
  private static final int REQUESTS = 200;

  /**
   * Fields whose value comes from the clock: the job's is the real time, the replay's a fixed one.
   */
  private static final List<String> CLOCK_FIELDS =
      List.of("fetched_at", "observed_at", "occurred_at");

  /** DLQ headers that name where the request was read: a partition of the topic, or line order. */
  private static final List<String> POSITION_HEADERS =
      List.of(DlqHeaders.PARTITION, DlqHeaders.OFFSET);

  @TempDir Path dir;
  private PlaidEmulator emulator;

  @AfterEach
  void tearDown() {
    if (emulator != null) {
      emulator.close();
    }
  }

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void shouldReplayOfflineExactlyWhatTheRecordedJobWroteToItsTopics() throws Exception {
    // given 200 mixed requests in the input topic, and a job set up to record them
    String secret = JobTestSupport.newSecret();
    emulator = JobTestSupport.emulator(secret, Duration.ofMillis(5));
    Topics topics = JobTestSupport.uniqueTopics("record");
    Map<String, String> settings =
        new java.util.LinkedHashMap<>(
            JobTestSupport.config(
                KAFKA.bootstrapServers(),
                emulator,
                secret,
                TestClients.uniqueName("record-app"),
                topics,
                dir.resolve("state")));
    settings.put(AppConfig.CASSETTE_KEY_CONFIG, KEY);
    settings.put(AppConfig.PLAID_RETRY_MAX_ATTEMPTS_CONFIG, "3");
    settings.put(AppConfig.PLAID_RETRY_BACKOFF_MS_CONFIG, "5");
    settings.put(AppConfig.PLAID_RETRY_BACKOFF_MAX_MS_CONFIG, "20");
    settings.put(AppConfig.PLAID_BREAKER_OPEN_MS_CONFIG, "200");
    Path jobConfig = CliTestSupport.configFile(Files.createDirectory(dir.resolve("job")), settings);
    Path requests = dir.resolve("requests.jsonl");
    Files.writeString(requests, requestLines());
    CliTestSupport.Run enqueue =
        CliTestSupport.run("enqueue", "-c", jobConfig.toString(), "-i", requests.toString());
    assertThat(enqueue.exitCode()).as(enqueue.err()).isEqualTo(ExitCodes.OK);
    assertThat(enqueue.out()).contains("Sent " + REQUESTS + " request(s)");
    Path cassette = dir.resolve("cassette.jsonl");

    // when it records, then replays twice with a configuration that names no broker
    CliTestSupport.Run record =
        CliTestSupport.run("record", "-c", jobConfig.toString(), "--cassette", cassette.toString());
    Path replayConfig =
        CliTestSupport.configFile(
            Files.createDirectory(dir.resolve("replay")),
            Map.of(
                AppConfig.CASSETTE_KEY_CONFIG, KEY,
                AppConfig.TOPIC_REQUESTS_CONFIG, topics.requests(),
                AppConfig.TOPIC_ACCOUNTS_CONFIG, topics.accounts(),
                AppConfig.TOPIC_ITEMS_CONFIG, topics.items(),
                AppConfig.TOPIC_ITEM_ERRORS_CONFIG, topics.itemErrors(),
                AppConfig.TOPIC_DLQ_CONFIG, topics.dlq()));
    CliTestSupport.Run first = replay(replayConfig, requests, cassette, dir.resolve("out1"));
    CliTestSupport.Run second = replay(replayConfig, requests, cassette, dir.resolve("out2"));

    // then
    assertThat(record.exitCode()).as(record.err()).isEqualTo(ExitCodes.OK);
    assertThat(record.out())
        .containsPattern("requests consumed +" + REQUESTS + "\n")
        .contains("Recorded ");
    assertThat(first.exitCode()).as(first.err()).isEqualTo(ExitCodes.OK);
    assertThat(second.exitCode()).as(second.err()).isEqualTo(ExitCodes.OK);
    assertThat(first.out())
        .contains("Replayed " + REQUESTS + " request(s)")
        .contains("0 without a cassette entry");
    for (String topic : topics.outputs()) {
      List<String> written =
          normalized(
              TestClients.readToEnd(KAFKA.bootstrapServers(), topic, IsolationLevel.READ_COMMITTED),
              topic.equals(topics.dlq()));
      List<String> replayed = normalizedLines(dir.resolve("out1").resolve(topic + ".jsonl"));
      assertThat(replayed).as(topic).isNotEmpty().containsExactlyInAnyOrderElementsOf(written);
      assertThat(
              Files.mismatch(
                  dir.resolve("out1").resolve(topic + ".jsonl"),
                  dir.resolve("out2").resolve(topic + ".jsonl")))
          .as(topic + " on two replays")
          .isEqualTo(-1L);
    }
    String tape = Files.readString(cassette);
    assertThat(tape).doesNotContain("access-sandbox").doesNotContain(KEY).doesNotContain(secret);
    assertThat(tape.lines().count()).isGreaterThanOrEqualTo(1 + REQUESTS);
    for (String topic : topics.outputs()) {
      assertThat(Files.readString(dir.resolve("out1").resolve(topic + ".jsonl")))
          .as(topic)
          .doesNotContain("access-sandbox");
    }

    // and a second record of the same requests says why it records nothing
    CliTestSupport.Run again =
        CliTestSupport.run(
            "record", "-c", jobConfig.toString(), "--cassette", cassette.toString(), "--append");
    assertThat(again.exitCode()).as(again.err()).isEqualTo(ExitCodes.OK);
    assertThat(again.err())
        .contains(
            "has already consumed "
                + topics.bulkRequests()
                + " and "
                + topics.requests()
                + " to its end")
        .contains("application.id");
    assertThat(again.out()).contains("Recorded 0 Plaid call(s)").contains("Nothing was recorded");
  }

  /**
   * 200 requests, each with its own token, request_id and (mostly) item_id, the kinds interleaved:
   * 1 to 4 accounts, Plaid errors (one retryable later), a 200 with item.error, a 500 retried to
   * success, 503s until the attempts run out (DLQ), unknown fields, and account_ids.
   */
  private static String requestLines() {
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < REQUESTS; i++) {
      String token =
          switch (i % 10) {
            case 0, 1, 2, 3 -> "accounts" + (1 + i % 4);
            case 4 -> "error-ITEM_LOGIN_REQUIRED";
            case 5 -> i % 20 == 5 ? "error-INSTITUTION_DOWN" : "itemerror";
            case 6 -> "fail1x500";
            case 7 -> i % 40 == 7 ? "fail9x503" : "unknown";
            case 8 -> "accounts3";
            default -> "plain";
          };
      String itemId = i % 10 == 4 && i % 20 == 14 ? "" : ",\"item_id\":\"item-%03d\"".formatted(i);
      String extra =
          switch (i % 10) {
            case 8 -> ",\"account_ids\":[\"acc-b\",\"acc-a\"]";
            case 9 -> ",\"attributes\":{\"tenant\":\"t-%d\"}".formatted(i % 3);
            default -> "";
          };
      lines.append(
          "{\"access_token\":\"access-sandbox-%s-it%03d\",\"request_id\":\"req-%03d\"%s%s}\n"
              .formatted(token, i, i, itemId, extra));
    }
    return lines.toString();
  }

  private static CliTestSupport.Run replay(Path config, Path requests, Path cassette, Path out) {
    return CliTestSupport.run(
        "replay",
        "-c",
        config.toString(),
        "--requests",
        requests.toString(),
        "--cassette",
        cassette.toString(),
        "--out",
        out.toString());
  }

  /**
   * Records as {@code key | value without clock fields | headers}, the DLQ's token redacted as the
   * replay does.
   */
  private static List<String> normalized(List<ConsumerRecord<String, String>> records, boolean dlq)
      throws Exception {
    List<String> lines = new ArrayList<>();
    for (ConsumerRecord<String, String> record : records) {
      ObjectNode value = (ObjectNode) Json.mapper().readTree(record.value());
      if (dlq) {
        value.put("access_token", OutputRecord.REDACTED);
      }
      ObjectNode headers = Json.mapper().createObjectNode();
      for (Header header : record.headers()) {
        headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
      }
      lines.add(line(record.key(), value, headers));
    }
    return lines;
  }

  private static List<String> normalizedLines(Path file) throws Exception {
    List<String> lines = new ArrayList<>();
    for (String text : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      JsonNode line = Json.mapper().readTree(text);
      lines.add(
          line(
              line.get("key").isNull() ? null : line.get("key").asText(),
              (ObjectNode) line.get("value"),
              (ObjectNode) line.get("headers")));
    }
    return lines;
  }

  private static String line(String key, ObjectNode value, ObjectNode headers) throws Exception {
    CLOCK_FIELDS.forEach(value::remove);
    POSITION_HEADERS.forEach(headers::remove);
    return key
        + " | "
        + Json.mapper().writeValueAsString(value)
        + " | "
        + Json.mapper().writeValueAsString(headers);
  }
}
