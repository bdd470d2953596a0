package dev.identitystream.app.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.identitystream.app.CliTestSupport;
import dev.identitystream.app.ExitCodes;
import dev.identitystream.app.JobTestSupport;
import dev.identitystream.app.config.AppConfig;
import dev.identitystream.app.config.ConfigLoader;
import dev.identitystream.app.job.PlaidClients;
import dev.identitystream.app.job.StreamingJob;
import dev.identitystream.emulator.PlaidEmulator;
import dev.identitystream.event.DlqHeaders;
import dev.identitystream.local.KafkaBrokerExtension;
import dev.identitystream.local.TestClients;
import dev.identitystream.topology.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code redrive} against a real broker and the real job: DLQ records of two reasons, one reason
 * re-driven, the job completes those, and a second redrive of the same range moves nothing.
 */
class RedriveIT {

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  private static final int EXHAUSTED = 4;
  private static final int NOT_JSON = 3;

  @TempDir Path dir;
  private PlaidEmulator emulator;
  private StreamingJob job;

  @AfterEach
  void tearDown() {
    if (job != null) {
      job.close();
    }
    if (emulator != null) {
      emulator.close();
    }
  }

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void shouldMoveOneReasonBackOnceSoThatTheJobCompletesIt() throws Exception {
    // given a job whose calls give up after 2 attempts, and requests whose first 3 calls fail
    // (503),
    // next to records that are not JSON
    String secret = JobTestSupport.newSecret();
    emulator = JobTestSupport.emulator(secret, Duration.ZERO);
    Topics topics = JobTestSupport.uniqueTopics("redrive");
    Map<String, String> settings =
        new LinkedHashMap<>(
            JobTestSupport.config(
                KAFKA.bootstrapServers(),
                emulator,
                secret,
                TestClients.uniqueName("redrive-app"),
                topics,
                dir.resolve("state")));
    settings.put(AppConfig.PLAID_RETRY_MAX_ATTEMPTS_CONFIG, "2");
    settings.put(AppConfig.PLAID_RETRY_BACKOFF_MS_CONFIG, "1");
    settings.put(AppConfig.PLAID_RETRY_BACKOFF_MAX_MS_CONFIG, "5");
    Path config = CliTestSupport.configFile(dir, settings);
    AppConfig appConfig = ConfigLoader.load(config, Map.of(), Map.of());
    job = new StreamingJob(appConfig, PlaidClients.create(appConfig), Clock.systemUTC());
    job.start();
    String run = TestClients.uniqueName("r");
    try (KafkaProducer<String, String> producer = TestClients.producer(KAFKA.bootstrapServers())) {
      for (int i = 0; i < EXHAUSTED; i++) {
        producer.send(
            new ProducerRecord<>(
                topics.requests(),
                "item-" + i,
                "{\"access_token\":\"access-sandbox-fail3x503-%s-%d\",\"item_id\":\"item-%d\",\"request_id\":\"again-%d\"}"
                    .formatted(run, i, i, i)));
      }
      for (int i = 0; i < NOT_JSON; i++) {
        producer.send(new ProducerRecord<>(topics.requests(), "bad-" + i, "not json " + i));
      }
    }
    await().atMost(Duration.ofSeconds(90)).until(() -> dlq(topics).size() == EXHAUSTED + NOT_JSON);
    List<ConsumerRecord<String, String>> deadLetters = dlq(topics);
    assertThat(reasons(deadLetters))
        .containsEntry("RETRIES_EXHAUSTED", (long) EXHAUSTED)
        .containsEntry("INVALID_JSON", (long) NOT_JSON);
    assertThat(
            TestClients.valuesToEnd(
                KAFKA.bootstrapServers(), topics.items(), IsolationLevel.READ_COMMITTED))
        .isEmpty();
    // and a DLQ record that holds only a prefix of its original (as the job writes when an original
    // does not fit the DLQ topic), with a reason that would be selected
    try (KafkaProducer<String, String> producer = TestClients.producer(KAFKA.bootstrapServers())) {
      ProducerRecord<String, String> truncated =
          new ProducerRecord<>(topics.dlq(), "item-big", "{\"access_token\":\"acc");
      truncated
          .headers()
          .add(DlqHeaders.REASON, "RETRIES_EXHAUSTED".getBytes(StandardCharsets.UTF_8));
      truncated.headers().add(DlqHeaders.TRUNCATED, "true".getBytes(StandardCharsets.UTF_8));
      truncated.headers().add(DlqHeaders.TOPIC, topics.requests().getBytes(StandardCharsets.UTF_8));
      truncated.headers().add(DlqHeaders.PARTITION, "0".getBytes(StandardCharsets.UTF_8));
      truncated.headers().add(DlqHeaders.OFFSET, "99".getBytes(StandardCharsets.UTF_8));
      producer.send(truncated).get();
    }
    long inputBefore = count(topics.requests());

    // when one reason is re-driven
    CliTestSupport.Run first =
        CliTestSupport.run(
            "redrive", "-c", config.toString(), "--reason", "RETRIES_EXHAUSTED", "--since", "1h");

    // then it moved exactly those records, their original key, value and headers, to the input
    // topic
    assertThat(first.exitCode()).as(first.err()).isEqualTo(ExitCodes.OK);
    assertThat(first.out())
        .containsPattern("moved +4  RETRIES_EXHAUSTED 4")
        .containsPattern("not selected +3  INVALID_JSON 3")
        .containsPattern("already re-driven +0")
        .contains("truncated")
        .contains("the originals are at " + topics.requests() + "/0/99");
    List<ConsumerRecord<String, String>> input =
        TestClients.readToEnd(
            KAFKA.bootstrapServers(), topics.requests(), IsolationLevel.READ_COMMITTED);
    List<ConsumerRecord<String, String>> copies =
        input.stream()
            .filter(r -> r.headers().lastHeader(DlqRedrive.SOURCE_HEADER) != null)
            .toList();
    assertThat(copies).hasSize(EXHAUSTED);
    assertThat(copies)
        .allSatisfy(
            copy -> {
              assertThat(copy.headers())
                  .noneMatch((Header h) -> h.key().startsWith("__streams.errors."));
              ConsumerRecord<String, String> source =
                  deadLetters.stream()
                      .filter(
                          d ->
                              (d.topic() + "/" + d.partition() + "/" + d.offset())
                                  .equals(
                                      new String(
                                          copy.headers()
                                              .lastHeader(DlqRedrive.SOURCE_HEADER)
                                              .value(),
                                          StandardCharsets.UTF_8)))
                      .findFirst()
                      .orElseThrow();
              assertThat(copy.key()).isEqualTo(source.key());
              assertThat(copy.value()).isEqualTo(source.value());
            });

    // and the job completes them: one OK Item status each, nothing new in the DLQ
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                TestClients.valuesToEnd(
                            KAFKA.bootstrapServers(), topics.items(), IsolationLevel.READ_COMMITTED)
                        .size()
                    == EXHAUSTED);
    assertThat(
            TestClients.valuesToEnd(
                KAFKA.bootstrapServers(), topics.items(), IsolationLevel.READ_COMMITTED))
        .allMatch(v -> v.contains("\"status\":\"OK\""))
        .anyMatch(v -> v.contains("\"request_id\":\"again-0\""));
    assertThat(dlq(topics)).hasSize(EXHAUSTED + NOT_JSON + 1);

    // and a second redrive of the same range moves nothing
    CliTestSupport.Run second =
        CliTestSupport.run(
            "redrive", "-c", config.toString(), "--reason", "RETRIES_EXHAUSTED", "--since", "1h");
    assertThat(second.exitCode()).as(second.err()).isEqualTo(ExitCodes.OK);
    assertThat(second.out())
        .containsPattern("moved +0")
        .containsPattern("already re-driven +4  RETRIES_EXHAUSTED 4");
    assertThat(count(topics.requests())).isEqualTo(inputBefore + EXHAUSTED);

    // and without --reason only the reasons that can succeed are considered: nothing left to move
    CliTestSupport.Run defaults =
        CliTestSupport.run("redrive", "-c", config.toString(), "--dry-run");
    assertThat(defaults.out())
        .containsPattern("would move +0")
        .contains("Other reasons were left alone");
  }

  private static List<ConsumerRecord<String, String>> dlq(Topics topics) {
    return TestClients.readToEnd(
        KAFKA.bootstrapServers(), topics.dlq(), IsolationLevel.READ_COMMITTED);
  }

  private static long count(String topic) {
    return TestClients.readToEnd(KAFKA.bootstrapServers(), topic, IsolationLevel.READ_COMMITTED)
        .size();
  }

  private static Map<String, Long> reasons(List<ConsumerRecord<String, String>> records) {
    return records.stream()
        .collect(
            Collectors.groupingBy(
                r ->
                    new String(
                        r.headers().lastHeader(DlqHeaders.REASON).value(), StandardCharsets.UTF_8),
                Collectors.counting()));
  }
}
