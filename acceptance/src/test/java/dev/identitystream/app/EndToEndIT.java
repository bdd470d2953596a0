package dev.identitystream.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.identitystream.app.config.AppConfig;
import dev.identitystream.app.job.PlaidClients;
import dev.identitystream.app.job.StreamingJob;
import dev.identitystream.emulator.EmulatorOptions;
import dev.identitystream.emulator.PlaidEmulator;
import dev.identitystream.event.Json;
import dev.identitystream.event.Schemas;
import dev.identitystream.local.KafkaBrokerExtension;
import dev.identitystream.local.TestClients;
import dev.identitystream.plaid.HttpPlaidClient;
import dev.identitystream.plaid.IdentityDocumentsResponse;
import dev.identitystream.plaid.PlaidClientConfig;
import dev.identitystream.plaid.PlaidRequest;
import dev.identitystream.plaid.PlaidResult;
import dev.identitystream.plaid.Secret;
import dev.identitystream.topology.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * End to end on a real broker: 1,000 requests (successes, Plaid error tokens, malformed records)
 * through the real job, the real HTTP client and the emulator.
 */
class EndToEndIT {

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  private static final String CLIENT_ID = "e2e-client";
  private static final String SECRET = "e2e-secret-0123456789";
  private static final String[] ERROR_CODES = {
    "ITEM_LOGIN_REQUIRED",
    "INSTITUTION_DOWN",
    "PRODUCT_NOT_READY",
    "INVALID_ACCOUNT_ID",
    "NO_ACCOUNTS"
  };

  @TempDir Path stateDir;
  private PlaidEmulator emulator;
  private StreamingJob job;

  @AfterEach
  void stop() {
    if (job != null) {
      job.close();
    }
    if (emulator != null) {
      emulator.close();
    }
  }

  /** One request of the run and what it should produce. */
  private record Sent(
      String key, String value, String token, String requestId, String itemId, String kind) {}

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"exactly_once_v2", "at_least_once"})
  void shouldMatchEveryOutputToWhatTheEmulatorAnsweredWithoutLeakingTokens(String guarantee)
      throws Exception {
    // given
    emulator =
        PlaidEmulator.start(
            EmulatorOptions.builder()
                .credentials(CLIENT_ID, SECRET)
                .latency(Duration.ofMillis(10))
                .build());
    String suffix = TestClients.uniqueName("e2e");
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("bootstrap.servers", KAFKA.bootstrapServers());
    settings.put("application.id", suffix);
    settings.put("state.dir", stateDir.toString());
    settings.put("processing.guarantee", guarantee);
    settings.put(AppConfig.TOPIC_REQUESTS_CONFIG, suffix + "-requests");
    settings.put(AppConfig.TOPIC_ACCOUNTS_CONFIG, suffix + "-accounts");
    settings.put(AppConfig.TOPIC_ITEMS_CONFIG, suffix + "-items");
    settings.put(AppConfig.TOPIC_ITEM_ERRORS_CONFIG, suffix + "-item-errors");
    settings.put(AppConfig.TOPIC_DLQ_CONFIG, suffix + "-dlq");
    settings.put(AppConfig.TOPICS_PARTITIONS_CONFIG, "3");
    settings.put(AppConfig.PLAID_BASE_URL_CONFIG, emulator.baseUrl());
    settings.put(AppConfig.PLAID_MAX_IN_FLIGHT_CONFIG, "64");
    settings.put(AppConfig.PLAID_CLIENT_ID_CONFIG, CLIENT_ID);
    settings.put(AppConfig.PLAID_SECRET_CONFIG, SECRET);
    AppConfig config = new AppConfig(settings);
    Topics topics = config.topics();
    List<Sent> sent = requests();
    // when
    job = new StreamingJob(config, PlaidClients.create(config), Clock.systemUTC());
    job.start();
    produce(topics.requests(), sent);
    long successes = sent.stream().filter(s -> s.kind().equals("ok")).count();
    long errors = sent.stream().filter(s -> s.kind().equals("error")).count();
    long errorsWithItem =
        sent.stream().filter(s -> s.kind().equals("error") && s.itemId() != null).count();
    long malformed = sent.stream().filter(s -> s.kind().equals("malformed")).count();
    Map<String, IdentityDocumentsResponse> expected = expectedAnswers(sent);
    int expectedAccounts = expected.values().stream().mapToInt(r -> r.accounts().size()).sum();
    try (OutputCollector out = new OutputCollector(KAFKA.bootstrapServers(), topics)) {
      boolean complete =
          out.pollUntil(
              c ->
                  c.items().size() >= successes + errorsWithItem
                      && c.itemErrors().size() >= errors
                      && c.dlq().size() >= malformed
                      && c.accounts().size() >= expectedAccounts,
              Duration.ofSeconds(120));
      out.pollQuietly(Duration.ofSeconds(2));
      // then
      assertThat(complete).as("all outputs arrived").isTrue();
      assertThat(out.items()).hasSize((int) (successes + errorsWithItem));
      assertThat(out.itemErrors()).hasSize((int) errors);
      assertThat(out.dlq()).hasSize((int) malformed);
      assertThat(out.accounts()).hasSize(expectedAccounts);
      Map<String, Sent> byRequestId = new HashMap<>();
      sent.forEach(s -> byRequestId.put(s.requestId(), s));
      assertAccounts(out.accounts(), byRequestId, expected);
      assertItems(out.items(), byRequestId, expected);
      assertItemErrors(out.itemErrors(), byRequestId);
      assertDeadLetters(out.dlq(), sent);
      assertNoTokenOutsideTheDlq(out, sent);
    }
  }

  private static List<Sent> requests() {
    List<Sent> sent = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      String key = "customer-" + (i % 97);
      String requestId = "e2e-%04d".formatted(i);
      if (i % 20 == 7) {
        String code = ERROR_CODES[(i / 20) % ERROR_CODES.length];
        String token = "access-sandbox-error-" + code + "-" + i;
        String itemId = i % 40 == 7 ? "item-of-" + i : null;
        String value =
            "{\"access_token\":\"%s\",\"request_id\":\"%s\"%s}"
                .formatted(
                    token, requestId, itemId == null ? "" : ",\"item_id\":\"" + itemId + "\"");
        sent.add(new Sent(key, value, token, requestId, itemId, "error"));
      } else if (i % 20 == 13) {
        String value =
            switch ((i / 20) % 4) {
              case 0 -> "not json at all " + i;
              case 1 -> "[\"" + requestId + "\"]";
              case 2 -> "{\"request_id\":\"" + requestId + "\"}";
              default ->
                  "{\"access_token\":\"bogus-" + i + "\",\"request_id\":\"" + requestId + "\"}";
            };
        sent.add(new Sent(key, value, null, requestId, null, "malformed"));
      } else {
        String token = "access-sandbox-e2e-" + i;
        String value =
            "{\"access_token\":\"%s\",\"request_id\":\"%s\",\"attributes\":{\"n\":\"%d\"}}"
                .formatted(token, requestId, i);
        sent.add(new Sent(key, value, token, requestId, null, "ok"));
      }
    }
    return sent;
  }

  private static void produce(String topic, List<Sent> sent) {
    Map<String, Object> props =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers(),
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
      for (Sent s : sent) {
        acks.add(producer.send(new ProducerRecord<>(topic, utf8(s.key()), utf8(s.value()))));
      }
      for (java.util.concurrent.Future<?> ack : acks) {
        ack.get(60, java.util.concurrent.TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      throw new IllegalStateException("could not produce the requests", e);
    }
  }

  /** Asks the emulator directly what it answers each success token (its data is deterministic). */
  private Map<String, IdentityDocumentsResponse> expectedAnswers(List<Sent> sent) {
    HttpPlaidClient client =
        new HttpPlaidClient(
            PlaidClientConfig.builder()
                .baseUrl(emulator.baseUrl())
                .clientId(CLIENT_ID)
                .secret(Secret.of(SECRET))
                .build());
    Map<String, CompletableFuture<PlaidResult>> calls = new LinkedHashMap<>();
    for (Sent s : sent) {
      if (s.kind().equals("ok")) {
        calls.put(
            s.requestId(),
            client
                .identityDocumentsUploadsGet(new PlaidRequest(s.token(), List.of(), s.requestId()))
                .toCompletableFuture());
      }
    }
    Map<String, IdentityDocumentsResponse> expected = new HashMap<>();
    calls.forEach(
        (requestId, call) ->
            expected.put(requestId, ((PlaidResult.Success) call.join()).response()));
    client.close();
    return expected;
  }

  private static void assertAccounts(
      List<ConsumerRecord<byte[], byte[]>> accounts,
      Map<String, Sent> sent,
      Map<String, IdentityDocumentsResponse> expected) {
    Map<String, Integer> seen = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> record : accounts) {
      Schemas.assertValid(Schemas.ACCOUNTS, record.value());
      JsonNode value = json(record.value());
      String requestId = value.get("request_id").asText();
      IdentityDocumentsResponse answer = expected.get(requestId);
      assertThat(answer).as("account for a success request %s", requestId).isNotNull();
      String accountId = text(record.key());
      JsonNode account =
          answer.accounts().stream()
              .filter(a -> a.accountId().equals(accountId))
              .findFirst()
              .orElseThrow()
              .toNode();
      assertThat(value.get("account")).isEqualTo(account);
      assertThat(value.get("item_id").asText()).isEqualTo(answer.itemId());
      assertThat(value.get("attributes").get("n").asText())
          .isEqualTo(requestId.substring(4).replaceFirst("^0+(?=.)", ""));
      seen.merge(requestId + "/" + accountId, 1, Integer::sum);
    }
    assertThat(seen.values()).containsOnly(1);
  }

  private static void assertItems(
      List<ConsumerRecord<byte[], byte[]>> items,
      Map<String, Sent> sent,
      Map<String, IdentityDocumentsResponse> expected) {
    Map<String, Integer> perRequest = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> record : items) {
      Schemas.assertValid(Schemas.ITEMS, record.value());
      JsonNode value = json(record.value());
      String requestId = value.get("request_id").asText();
      Sent request = sent.get(requestId);
      if (request.kind().equals("ok")) {
        assertThat(value.get("status").asText()).isEqualTo("OK");
        assertThat(value.get("item")).isEqualTo(expected.get(requestId).item().toNode());
        assertThat(text(record.key())).isEqualTo(expected.get(requestId).itemId());
      } else {
        assertThat(request.kind()).isEqualTo("error");
        assertThat(value.get("status").asText()).isEqualTo("ERROR");
        assertThat(text(record.key())).isEqualTo(request.itemId());
        assertThat(request.token()).contains(value.get("error").get("error_code").asText());
      }
      perRequest.merge(requestId, 1, Integer::sum);
    }
    assertThat(perRequest.values()).containsOnly(1);
  }

  private static void assertItemErrors(
      List<ConsumerRecord<byte[], byte[]>> errors, Map<String, Sent> sent) {
    Map<String, Integer> perRequest = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> record : errors) {
      Schemas.assertValid(Schemas.ITEM_ERRORS, record.value());
      JsonNode value = json(record.value());
      Sent request = sent.get(value.get("request_id").asText());
      assertThat(request.kind()).isEqualTo("error");
      assertThat(request.token()).contains("-" + value.get("error_code").asText() + "-");
      assertThat(text(record.key()))
          .isEqualTo(request.itemId() != null ? request.itemId() : request.key());
      boolean later =
          List.of("INSTITUTION_DOWN", "PRODUCT_NOT_READY")
              .contains(value.get("error_code").asText());
      assertThat(value.get("retryable").asBoolean()).isEqualTo(later);
      perRequest.merge(request.requestId(), 1, Integer::sum);
    }
    assertThat(perRequest.values()).containsOnly(1);
  }

  private static void assertDeadLetters(List<ConsumerRecord<byte[], byte[]>> dlq, List<Sent> sent) {
    List<String> expectedValues =
        sent.stream().filter(s -> s.kind().equals("malformed")).map(Sent::value).sorted().toList();
    assertThat(dlq.stream().map(r -> text(r.value())).sorted().toList()).isEqualTo(expectedValues);
    for (ConsumerRecord<byte[], byte[]> record : dlq) {
      assertThat(record.headers().lastHeader("__streams.errors.reason")).isNotNull();
    }
  }

  private static void assertNoTokenOutsideTheDlq(OutputCollector out, List<Sent> sent) {
    List<byte[]> bytes = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> record : out.all()) {
      if (record.key() != null) {
        bytes.add(record.key());
      }
      record.headers().forEach(h -> bytes.add(h.value()));
      if (!out.dlq().contains(record)) {
        bytes.add(record.value());
      }
    }
    String everything = bytes.stream().map(EndToEndIT::text).reduce("", String::concat);
    assertThat(everything).doesNotContain("access-sandbox-");
    for (Sent s : sent) {
      if (s.token() != null) {
        assertThat(everything).doesNotContain(s.token());
      }
    }
  }

  private static JsonNode json(byte[] bytes) {
    try {
      return Json.mapper().readTree(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] bytes) {
    return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
  }
}
