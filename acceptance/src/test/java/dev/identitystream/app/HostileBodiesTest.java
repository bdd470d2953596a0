package dev.identitystream.app;

import static dev.identitystream.app.HostileBodies.strip;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import dev.identitystream.app.HostileBodies.Case;
import dev.identitystream.event.DlqHeaders;
import dev.identitystream.event.Json;
import dev.identitystream.event.Schemas;
import dev.identitystream.plaid.HttpPlaidClient;
import dev.identitystream.plaid.PlaidClient;
import dev.identitystream.plaid.PlaidClientConfig;
import dev.identitystream.plaid.PlaidRequest;
import dev.identitystream.plaid.ResilienceConfig;
import dev.identitystream.plaid.ResilientPlaidClient;
import dev.identitystream.plaid.Secret;
import dev.identitystream.plaid.cassette.Cassette;
import dev.identitystream.plaid.cassette.CassettePlaidClient;
import dev.identitystream.plaid.cassette.CassetteWriter;
import dev.identitystream.plaid.cassette.Fingerprinter;
import dev.identitystream.plaid.cassette.RecordingPlaidClient;
import dev.identitystream.testkit.OfflineReplay;
import dev.identitystream.testkit.ReplayRequests;
import dev.identitystream.topology.StageSettings;
import dev.identitystream.topology.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every body of {@link HostileBodies}, served over real HTTP and read by the job's own client
 * ({@link HttpPlaidClient} in {@link ResilientPlaidClient}), through the job's topology: accepted
 * bodies reach the outputs with each account, Item and Plaid error exactly as sent (whitespace
 * aside) and every output valid against its schema; refused bodies reach the DLQ with their reason
 * and nothing else. The live run is recorded to a cassette (as {@code record} does) and replayed
 * from it (as {@code replay} does): the replay writes the same bytes to every topic.
 *
 * <p>All requests share one record key, so they are called one after another in order: a body that
 * stopped the line would leave the requests after it without outputs. Both runs use the same fixed
 * clock, so even the clock fields are equal.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileBodiesTest {

  private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
  private static final byte[] CASSETTE_KEY =
      "hostile-bodies-cassette-key-0123".getBytes(StandardCharsets.UTF_8);
  private static final Topics TOPICS = Topics.DEFAULTS;

  /**
   * Reads the job's outputs without Jackson's length limits (they carry Plaid's numbers as sent).
   */
  private static final JsonFactory RAW =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNumberLength(Integer.MAX_VALUE)
                  .maxStringLength(Integer.MAX_VALUE)
                  .maxNameLength(Integer.MAX_VALUE)
                  .build())
          .build();

  private Path dir;
  private Map<String, List<TestRecord<byte[], byte[]>>> live;
  private Map<String, List<TestRecord<byte[], byte[]>>> replayed;

  @BeforeAll
  void runLiveThenReplay() throws Exception {
    dir = Files.createTempDirectory("hostile-bodies-");
    List<Case> cases =
        Stream.concat(HostileBodies.accepted().stream(), HostileBodies.refused().stream()).toList();
    List<ReplayRequests.Event> events = new ArrayList<>();
    Fingerprinter fingerprinter = Fingerprinter.withKey(CASSETTE_KEY);
    Path cassette = dir.resolve("cassette.jsonl");
    StageSettings settings = StageSettings.defaults();
    try (BodyServer server = new BodyServer()) {
      for (int i = 0; i < cases.size(); i++) {
        Case c = cases.get(i);
        String token = "access-sandbox-corpus-" + i;
        server.answer(token, c.status(), c.contentType(), c.body());
        String value =
            "{\"access_token\":\""
                + token
                + "\",\"request_id\":\""
                + c.name()
                + "\",\"item_id\":\"requested-"
                + c.name()
                + "\",\"attributes\":{\"case\":\""
                + c.name()
                + "\"}}";
        events.add(new ReplayRequests.Event(i + 1, bytes("corpus"), bytes(value), c.name(), null));
      }
      try (CassetteWriter writer =
              CassetteWriter.startNew(cassette, Cassette.Header.of(NOW, fingerprinter));
          PlaidClient recording =
              new RecordingPlaidClient(client(server.baseUrl()), fingerprinter, writer)) {
        live = new OfflineReplay(settings, NOW).run(events, blocking(recording));
        assertThat(writer.failure()).isNull();
      }
    }
    replayed =
        new OfflineReplay(settings, NOW)
            .run(events, new CassettePlaidClient(Cassette.read(cassette), fingerprinter));
  }

  @AfterAll
  void deleteFiles() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.toList()) {
        Files.delete(file);
      }
    }
    Files.delete(dir);
  }

  static List<Case> accepted() {
    return HostileBodies.accepted();
  }

  static List<Case> refused() {
    return HostileBodies.refused();
  }

  @Test
  void shouldHoldAtLeast25HostileButLegalBodies() {
    assertThat(accepted()).hasSizeGreaterThanOrEqualTo(25);
    assertThat(accepted().stream().filter(c -> c.status() == 200)).hasSizeGreaterThanOrEqualTo(20);
    assertThat(accepted().stream().filter(c -> c.status() != 200)).hasSizeGreaterThanOrEqualTo(5);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("accepted")
  void shouldPassEveryAccountItemAndErrorOnAsPlaidSentIt(Case c) {
    List<TestRecord<byte[], byte[]>> accounts = outputs(TOPICS.accounts(), c);
    List<TestRecord<byte[], byte[]>> items = outputs(TOPICS.items(), c);
    List<TestRecord<byte[], byte[]>> errors = outputs(TOPICS.itemErrors(), c);
    assertThat(dlq(c)).as("DLQ").isEmpty();
    assertThat(accounts).as("account records").hasSize(c.accounts().size());
    for (int i = 0; i < accounts.size(); i++) {
      assertThat(rawField(accounts.get(i).value(), "account"))
          .isEqualTo(strip(c.accounts().get(i)));
    }
    assertThat(items).as("Item status").hasSize(1);
    JsonNode status = json(items.get(0).value());
    if (c.status() == 200) {
      assertThat(rawField(items.get(0).value(), "item")).isEqualTo(strip(c.item()));
      assertThat(status.get("status").asText()).isEqualTo(c.plaidError() == null ? "OK" : "ERROR");
      assertThat(new String(items.get(0).key(), StandardCharsets.UTF_8))
          .isEqualTo(status.get("item_id").asText());
    } else {
      assertThat(status.get("status").asText()).isEqualTo("ERROR");
      assertThat(status.get("item").isNull()).isTrue();
      assertThat(status.get("item_id").asText()).isEqualTo("requested-" + c.name());
    }
    if (c.plaidError() == null) {
      assertThat(errors).as("Item-error events").isEmpty();
    } else {
      assertThat(errors).as("Item-error events").hasSize(1);
      assertThat(rawField(errors.get(0).value(), "plaid_error")).isEqualTo(strip(c.plaidError()));
      assertThat(json(errors.get(0).value()).get("http_status").asInt()).isEqualTo(c.status());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void shouldSendABodyItRefusesToTheDlqWithItsReasonAndWriteNothingElse(Case c) {
    List<TestRecord<byte[], byte[]>> dlq = dlq(c);
    assertThat(dlq).hasSize(1);
    assertThat(header(dlq.get(0), DlqHeaders.REASON)).isEqualTo(c.dlqReason());
    assertThat(new String(dlq.get(0).value(), StandardCharsets.UTF_8))
        .contains("\"request_id\":\"" + c.name() + "\"");
    for (String topic : List.of(TOPICS.accounts(), TOPICS.items(), TOPICS.itemErrors())) {
      assertThat(outputs(topic, c)).as(topic).isEmpty();
    }
  }

  @Test
  void shouldWriteOnlyOutputsTheirSchemasAccept() {
    Map<String, String> schemas =
        Map.of(
            TOPICS.accounts(),
            Schemas.ACCOUNTS,
            TOPICS.items(),
            Schemas.ITEMS,
            TOPICS.itemErrors(),
            Schemas.ITEM_ERRORS);
    int checked = 0;
    for (Map.Entry<String, String> topic : schemas.entrySet()) {
      for (TestRecord<byte[], byte[]> record : live.get(topic.getKey())) {
        Schemas.assertValid(topic.getValue(), record.value());
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(150);
  }

  @Test
  void shouldReplayExactlyTheBytesTheLiveRunWrote() {
    assertThat(replayed.keySet()).isEqualTo(live.keySet());
    for (String topic : live.keySet()) {
      List<TestRecord<byte[], byte[]>> expected = live.get(topic);
      List<TestRecord<byte[], byte[]>> actual = replayed.get(topic);
      assertThat(actual).as(topic).hasSameSizeAs(expected);
      for (int i = 0; i < expected.size(); i++) {
        String where = topic + " record " + i;
        assertThat(actual.get(i).key()).as(where + " key").isEqualTo(expected.get(i).key());
        assertThat(new String(actual.get(i).value(), StandardCharsets.UTF_8))
            .as(where + " value")
            .isEqualTo(new String(expected.get(i).value(), StandardCharsets.UTF_8));
        assertThat(headers(actual.get(i)))
            .as(where + " headers")
            .isEqualTo(headers(expected.get(i)));
      }
    }
  }

  /** The records of a topic written for this case's request, in order. */
  private List<TestRecord<byte[], byte[]>> outputs(String topic, Case c) {
    return live.get(topic).stream()
        .filter(r -> c.name().equals(json(r.value()).get("request_id").asText()))
        .toList();
  }

  private List<TestRecord<byte[], byte[]>> dlq(Case c) {
    return live.get(TOPICS.dlq()).stream()
        .filter(r -> c.name().equals(header(r, DlqHeaders.REQUEST_ID)))
        .toList();
  }

  /** The bytes of a top-level field's value, exactly as the job wrote them. */
  private static String rawField(byte[] value, String field) {
    try (JsonParser parser = RAW.createParser(value)) {
      parser.nextToken();
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        parser.nextToken();
        int start = (int) parser.currentTokenLocation().getByteOffset();
        if (parser.currentToken().isStructStart()) {
          parser.skipChildren();
        } else {
          parser.finishToken();
        }
        if (name.equals(field)) {
          int end = (int) parser.currentLocation().getByteOffset();
          return new String(value, start, end - start, StandardCharsets.UTF_8);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new AssertionError("no field " + field);
  }

  private static List<String> headers(TestRecord<byte[], byte[]> record) {
    List<String> out = new ArrayList<>();
    for (Header header : record.headers()) {
      out.add(
          header.key() + "=" + (header.value() == null ? null : Arrays.toString(header.value())));
    }
    return out;
  }

  private static String header(TestRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  private static JsonNode json(byte[] value) {
    try {
      return Json.readOutput(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ResilientPlaidClient client(String baseUrl) {
    PlaidClientConfig http =
        PlaidClientConfig.builder()
            .baseUrl(baseUrl)
            .clientId("corpus-client")
            .secret(Secret.of("corpus-secret"))
            .attemptTimeout(Duration.ofSeconds(10))
            .maxResponseBytes(8 * 1024 * 1024)
            .build();
    ResilienceConfig resilience =
        ResilienceConfig.builder()
            .deadline(Duration.ofSeconds(10))
            .maxAttempts(2)
            .backoff(Duration.ofMillis(1), Duration.ofMillis(5))
            .breakerWindow(1000, 1000)
            .build();
    return new ResilientPlaidClient(new HttpPlaidClient(http), resilience);
  }

  /**
   * Answers each call once the real client has its result, so the offline driver sees it complete.
   */
  private static PlaidClient blocking(PlaidClient delegate) {
    return (PlaidRequest request) -> {
      try {
        return CompletableFuture.completedFuture(
            delegate
                .identityDocumentsUploadsGet(request)
                .toCompletableFuture()
                .get(60, TimeUnit.SECONDS));
      } catch (Exception e) {
        throw new IllegalStateException("the real client failed", e);
      }
    };
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
