package dev.identitystream.topology;

import static dev.identitystream.topology.TopologyHarness.header;
import static dev.identitystream.topology.TopologyHarness.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MalformedInputTest {

  static final String TOKEN = "access-sandbox-8ab976e6-64bc-4b38-98f7-731e7a349970";
  private static final int MAX_RECORD_BYTES = 16 * 1024;

  @TempDir Path stateDir;
  private TopologyHarness harness;

  @BeforeEach
  void start() {
    harness =
        new TopologyHarness(
            TopologyHarness.settings().withMaxRecordBytes(MAX_RECORD_BYTES),
            new FakePlaidClient().answeringWith(call -> Answers.success("item-ok", 1)),
            stateDir);
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  static Stream<Arguments> malformed() {
    String ids101 = "[" + "\"a\",".repeat(100) + "\"a\"]";
    String bigAttributes = "{\"blob\":\"" + "x".repeat(4100) + "\"}";
    String hugeValue =
        "{\"access_token\":\"" + TOKEN + "\",\"pad\":\"" + "y".repeat(MAX_RECORD_BYTES) + "\"}";
    return Stream.of(
        Arguments.of("not JSON", bytes("hello, world"), "INVALID_JSON", "not valid JSON"),
        Arguments.of(
            "truncated JSON", bytes("{\"access_token\":\"" + TOKEN), "INVALID_JSON", "ends before"),
        Arguments.of(
            "invalid UTF-8",
            new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'},
            "INVALID_JSON",
            "UTF-8"),
        Arguments.of(
            "duplicate field",
            bytes("{\"access_token\":\"" + TOKEN + "\",\"access_token\":\"" + TOKEN + "\"}"),
            "INVALID_JSON",
            "duplicate field"),
        Arguments.of(
            "trailing content",
            bytes("{\"access_token\":\"" + TOKEN + "\"} {}"),
            "INVALID_JSON",
            "after the JSON value"),
        Arguments.of(
            "JSON array",
            bytes("[{\"access_token\":\"" + TOKEN + "\"}]"),
            "NOT_A_JSON_OBJECT",
            "array"),
        Arguments.of("JSON string", bytes("\"" + TOKEN + "\""), "NOT_A_JSON_OBJECT", "string"),
        Arguments.of("empty value", new byte[0], "INVALID_JSON", "empty"),
        Arguments.of(
            "missing token", bytes("{\"item_id\":\"i\"}"), "MISSING_ACCESS_TOKEN", "missing"),
        Arguments.of(
            "null token", bytes("{\"access_token\":null}"), "MISSING_ACCESS_TOKEN", "missing"),
        Arguments.of(
            "empty token", bytes("{\"access_token\":\"\"}"), "MISSING_ACCESS_TOKEN", "empty"),
        Arguments.of(
            "numeric token",
            bytes("{\"access_token\":42}"),
            "INVALID_FIELD_TYPE",
            "access_token must be a string (found number)"),
        Arguments.of(
            "malformed token",
            bytes("{\"access_token\":\"public-sandbox-123\"}"),
            "INVALID_ACCESS_TOKEN",
            "access-<environment>-<identifier>"),
        Arguments.of(
            "oversize token",
            bytes("{\"access_token\":\"access-sandbox-" + "a".repeat(250) + "\"}"),
            "ACCESS_TOKEN_TOO_LONG",
            "265 characters"),
        Arguments.of(
            "request_id number",
            bytes(valid("\"request_id\":7")),
            "INVALID_FIELD_TYPE",
            "request_id must be a string"),
        Arguments.of(
            "empty item_id",
            bytes(valid("\"item_id\":\"\"")),
            "INVALID_FIELD_VALUE",
            "item_id has 0 characters"),
        Arguments.of(
            "oversize request_id",
            bytes(valid("\"request_id\":\"" + "r".repeat(257) + "\"")),
            "INVALID_FIELD_VALUE",
            "257 characters"),
        Arguments.of(
            "account_ids not array",
            bytes(valid("\"account_ids\":\"a1\"")),
            "INVALID_FIELD_TYPE",
            "account_ids must be an array"),
        Arguments.of(
            "account_ids empty string",
            bytes(valid("\"account_ids\":[\"a1\",\"\"]")),
            "INVALID_ACCOUNT_IDS",
            "account_ids[1]"),
        Arguments.of(
            "account_ids number",
            bytes(valid("\"account_ids\":[5]")),
            "INVALID_ACCOUNT_IDS",
            "found number"),
        Arguments.of(
            "too many account ids",
            bytes(valid("\"account_ids\":" + ids101)),
            "TOO_MANY_ACCOUNT_IDS",
            "101 entries"),
        Arguments.of(
            "attributes array",
            bytes(valid("\"attributes\":[\"t\"]")),
            "INVALID_FIELD_TYPE",
            "attributes must be an object"),
        Arguments.of(
            "attributes non-string",
            bytes(valid("\"attributes\":{\"n\":1}")),
            "INVALID_ATTRIBUTES",
            "must be strings"),
        Arguments.of(
            "oversize attributes",
            bytes(valid("\"attributes\":" + bigAttributes)),
            "ATTRIBUTES_TOO_LARGE",
            "maximum is 4096"),
        Arguments.of(
            "token in attributes",
            bytes(valid("\"attributes\":{\"copy\":\"" + TOKEN + "\"}")),
            "ACCESS_TOKEN_IN_PASSTHROUGH",
            "attributes"),
        Arguments.of(
            "oversize record",
            bytes(hugeValue),
            "RECORD_TOO_LARGE",
            "maximum is " + MAX_RECORD_BYTES),
        Arguments.of("null value", null, "NULL_VALUE", "null"));
  }

  private static String valid(String extra) {
    return "{\"access_token\":\"" + TOKEN + "\"," + extra + "}";
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void shouldSendMalformedInputToTheDlqWithItsBytesAndAPreciseReason(
      String name, byte[] value, String reason, String messagePart) {
    // given
    byte[] key = bytes("key-" + name);
    RecordHeaders headers = new RecordHeaders();
    headers.add("traceparent", bytes("00-abc-01"));
    // when
    harness.send(key, value, headers);
    harness.send("key-ok", valid("\"request_id\":\"after\""));
    harness.drain();
    // then
    List<TestRecord<byte[], byte[]>> dlq = harness.dlq();
    assertThat(dlq).hasSize(1);
    TestRecord<byte[], byte[]> dead = dlq.get(0);
    assertThat(dead.key()).isEqualTo(key);
    assertThat(dead.value()).isEqualTo(value);
    assertThat(header(dead, "__streams.errors.reason")).isEqualTo(reason);
    assertThat(header(dead, "__streams.errors.message"))
        .contains(messagePart)
        .doesNotContain(TOKEN);
    assertThat(header(dead, "__streams.errors.exception"))
        .isEqualTo("dev.identitystream.event.RequestValidator");
    assertThat(header(dead, "__streams.errors.topic")).isEqualTo("identity-requests");
    assertThat(header(dead, "__streams.errors.partition")).isEqualTo("0");
    assertThat(header(dead, "__streams.errors.offset")).isEqualTo("0");
    assertThat(header(dead, "traceparent")).isEqualTo("00-abc-01");
    assertThat(harness.client.calledRequestIds()).containsExactly("after");
    assertThat(harness.accounts()).hasSize(1);
  }

  @Test
  void shouldRefuseATokenUsedAsTheRecordKey() {
    harness.send(TOKEN, valid("\"request_id\":\"r\""));
    assertThat(harness.dlq())
        .singleElement()
        .satisfies(
            d ->
                assertThat(header(d, "__streams.errors.reason"))
                    .isEqualTo("ACCESS_TOKEN_IN_PASSTHROUGH"));
    assertThat(harness.client.calls()).isEmpty();
  }

  @Test
  void shouldAcceptNullOptionalFieldsAndIgnoreUnknownOnes() {
    harness.send(
        (String) null,
        valid(
            "\"request_id\":null,\"item_id\":null,\"account_ids\":null,\"attributes\":null,\"extra\":{\"x\":1}"));
    harness.drain();
    assertThat(harness.dlq()).isEmpty();
    assertThat(harness.accounts())
        .singleElement()
        .satisfies(a -> assertThat(text(a.value())).contains("\"attributes\":{}"));
  }
}
