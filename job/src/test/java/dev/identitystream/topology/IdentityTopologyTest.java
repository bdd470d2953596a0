package dev.identitystream.topology;

import static dev.identitystream.topology.TopologyHarness.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.identitystream.event.Json;
import dev.identitystream.event.Schemas;
import dev.identitystream.plaid.FailureKind;
import dev.identitystream.plaid.PlaidResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class IdentityTopologyTest {

  private static final String TOKEN = "access-sandbox-de3ce8ef-33f8-452c-a685-8671031fc0f6";

  @TempDir Path stateDir;
  private TopologyHarness harness;

  @BeforeEach
  void start() {
    harness = new TopologyHarness(TopologyHarness.settings(), new FakePlaidClient(), stateDir);
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  private static String request(String requestId, String itemId) {
    return """
        {"access_token":"%s","request_id":"%s"%s,"attributes":{"tenant":"acme"}}"""
        .formatted(TOKEN, requestId, itemId == null ? "" : ",\"item_id\":\"" + itemId + "\"");
  }

  @Test
  void shouldEmitOneRecordPerAccountAndOneItemStatusWithoutTheToken() throws Exception {
    // given
    harness.client.answeringWith(call -> Answers.success("item-1", 3));
    // when
    harness.send("key-1", request("req-1", null));
    harness.drain();
    // then
    List<TestRecord<byte[], byte[]>> accounts = harness.accounts();
    List<TestRecord<byte[], byte[]>> items = harness.items();
    assertThat(accounts)
        .extracting(r -> text(r.key()))
        .containsExactly("item-1-acc-0", "item-1-acc-1", "item-1-acc-2");
    for (TestRecord<byte[], byte[]> account : accounts) {
      Schemas.assertValid(Schemas.ACCOUNTS, account.value());
      JsonNode value = Json.mapper().readTree(account.value());
      assertThat(value.get("account").get("account_id").asText()).isEqualTo(text(account.key()));
      assertThat(value.get("request_id").asText()).isEqualTo("req-1");
      assertThat(value.get("plaid_request_id").asText()).isEqualTo("plaid-req-item-1");
      assertThat(value.get("item_id").asText()).isEqualTo("item-1");
      assertThat(value.get("institution_name").asText()).isEqualTo("First Platypus Bank");
      assertThat(value.get("fetched_at").asText()).isEqualTo("2026-11-25T12:00:00Z");
      assertThat(value.get("attributes").get("tenant").asText()).isEqualTo("acme");
    }
    assertThat(items).hasSize(1);
    assertThat(text(items.get(0).key())).isEqualTo("item-1");
    Schemas.assertValid(Schemas.ITEMS, items.get(0).value());
    JsonNode item = Json.mapper().readTree(items.get(0).value());
    assertThat(item.get("status").asText()).isEqualTo("OK");
    assertThat(item.get("error").isNull()).isTrue();
    assertThat(item.get("item")).isEqualTo(Answers.item("item-1"));
    assertThat(harness.itemErrors()).isEmpty();
    assertThat(harness.dlq()).isEmpty();
    List<TestRecord<byte[], byte[]>> all = new ArrayList<>(accounts);
    all.addAll(items);
    assertNoToken(all);
  }

  @Test
  void shouldSendOnlyTheTokenAndAccountIdsToPlaid() {
    harness.client.answeringWith(call -> Answers.success("item-1", 1));
    harness.send("k", "{\"access_token\":\"" + TOKEN + "\",\"account_ids\":[\"a1\",\"a2\"]}");
    assertThat(harness.client.calls())
        .singleElement()
        .satisfies(
            call -> {
              assertThat(call.accessToken()).isEqualTo(TOKEN);
              assertThat(call.accountIds()).containsExactly("a1", "a2");
              assertThat(call.requestId()).isEqualTo("identity-requests-0-0");
              assertThat(call.toString()).doesNotContain(TOKEN);
            });
  }

  static Stream<Arguments> plaidErrors() {
    return Stream.of(
        Arguments.of(400, "ITEM_ERROR", "ITEM_LOGIN_REQUIRED", false),
        Arguments.of(400, "ITEM_ERROR", "PRODUCT_NOT_READY", true),
        Arguments.of(400, "INVALID_INPUT", "INVALID_ACCESS_TOKEN", false),
        Arguments.of(400, "INVALID_INPUT", "INVALID_ACCOUNT_ID", false),
        Arguments.of(400, "INVALID_REQUEST", "INVALID_FIELD", false),
        Arguments.of(429, "RATE_LIMIT_EXCEEDED", "RATE_LIMIT", true),
        Arguments.of(429, "RATE_LIMIT_EXCEEDED", "IDENTITY_LIMIT", true),
        Arguments.of(400, "INSTITUTION_ERROR", "INSTITUTION_REGISTRATION_REQUIRED", false),
        Arguments.of(500, "API_ERROR", "INTERNAL_SERVER_ERROR", true),
        Arguments.of(503, "API_ERROR", "PLANNED_MAINTENANCE", true),
        Arguments.of(400, "INSTITUTION_ERROR", "INSTITUTION_DOWN", true),
        Arguments.of(400, "INSTITUTION_ERROR", "INSTITUTION_NOT_RESPONDING", true),
        Arguments.of(400, "INSTITUTION_ERROR", "INSTITUTION_NO_LONGER_SUPPORTED", false),
        Arguments.of(400, "SOME_FUTURE_ERROR", "SOMETHING_NEW", false));
  }

  @ParameterizedTest(name = "{1}/{2}")
  @MethodSource("plaidErrors")
  void shouldEmitItemErrorAndErrorStatusWhenTheItemIsKnown(
      int status, String type, String code, boolean retryable) throws Exception {
    // given
    harness.client.answeringWith(call -> Answers.error(status, type, code));
    // when
    harness.send("key-1", request("req-1", "item-9"));
    harness.drain();
    // then
    List<TestRecord<byte[], byte[]>> errors = harness.itemErrors();
    assertThat(errors).hasSize(1);
    assertThat(text(errors.get(0).key())).isEqualTo("item-9");
    Schemas.assertValid(Schemas.ITEM_ERRORS, errors.get(0).value());
    JsonNode error = Json.mapper().readTree(errors.get(0).value());
    assertThat(error.get("error_type").asText()).isEqualTo(type);
    assertThat(error.get("error_code").asText()).isEqualTo(code);
    assertThat(error.get("http_status").asInt()).isEqualTo(status);
    assertThat(error.get("retryable").asBoolean()).isEqualTo(retryable);
    assertThat(error.get("attempts").asInt()).isEqualTo(1);
    assertThat(error.get("item_id").asText()).isEqualTo("item-9");
    assertThat(error.get("request_id").asText()).isEqualTo("req-1");
    assertThat(error.get("plaid_request_id").asText()).isEqualTo("plaid-err-" + code);
    assertThat(error.get("error_message").asText()).isEqualTo("the error " + code);
    assertThat(error.get("attributes").get("tenant").asText()).isEqualTo("acme");
    assertThat(error.get("plaid_error"))
        .isEqualTo(Answers.error(status, type, code).error().toJson());
    List<TestRecord<byte[], byte[]>> items = harness.items();
    assertThat(items).hasSize(1);
    Schemas.assertValid(Schemas.ITEMS, items.get(0).value());
    JsonNode item = Json.mapper().readTree(items.get(0).value());
    assertThat(item.get("status").asText()).isEqualTo("ERROR");
    assertThat(item.get("item").isNull()).isTrue();
    assertThat(item.get("error").get("error_code").asText()).isEqualTo(code);
    assertThat(harness.accounts()).isEmpty();
    assertThat(harness.dlq()).isEmpty();
    assertNoToken(errors);
    assertNoToken(items);
  }

  @ParameterizedTest(name = "{1}/{2}")
  @MethodSource("plaidErrors")
  void shouldKeyItemErrorByRequestKeyWhenTheItemIsUnknown(
      int status, String type, String code, boolean retryable) throws Exception {
    harness.client.answeringWith(call -> Answers.error(status, type, code));
    harness.send("key-1", request("req-1", null));
    harness.drain();
    List<TestRecord<byte[], byte[]>> errors = harness.itemErrors();
    assertThat(errors).singleElement().satisfies(e -> assertThat(text(e.key())).isEqualTo("key-1"));
    Schemas.assertValid(Schemas.ITEM_ERRORS, errors.get(0).value());
    assertThat(Json.mapper().readTree(errors.get(0).value()).get("item_id").isNull()).isTrue();
    assertThat(harness.items()).isEmpty();
  }

  @Test
  void shouldEmitItemErrorForNonNullItemErrorInA200() throws Exception {
    // given
    ObjectNode body = Answers.body("item-2", 2);
    JsonNode itemError = Answers.error(400, "ITEM_ERROR", "ITEM_LOGIN_REQUIRED").error().toJson();
    ((ObjectNode) body.get("item")).set("error", itemError);
    harness.client.answeringWith(call -> Answers.success(body));
    // when
    harness.send("key-1", request("req-1", null));
    harness.drain();
    // then
    assertThat(harness.accounts()).hasSize(2);
    List<TestRecord<byte[], byte[]>> errors = harness.itemErrors();
    assertThat(errors)
        .singleElement()
        .satisfies(e -> assertThat(text(e.key())).isEqualTo("item-2"));
    Schemas.assertValid(Schemas.ITEM_ERRORS, errors.get(0).value());
    JsonNode error = Json.mapper().readTree(errors.get(0).value());
    assertThat(error.get("http_status").asInt()).isEqualTo(200);
    assertThat(error.get("error_code").asText()).isEqualTo("ITEM_LOGIN_REQUIRED");
    JsonNode status = Json.mapper().readTree(harness.items().get(0).value());
    assertThat(status.get("status").asText()).isEqualTo("ERROR");
    assertThat(status.get("item").get("item_id").asText()).isEqualTo("item-2");
  }

  @Test
  void shouldKeepUnknownFieldsAndEnumValuesOfTheResponseUnchanged() throws Exception {
    // given: an account and an Item with fields and enum values Plaid may add later
    ObjectNode body = Answers.body("item-3", 1);
    ObjectNode account = (ObjectNode) body.get("accounts").get(0);
    account.put("subtype", "hyper savings");
    account.set("future_field", Answers.parse("{\"nested\":[1,2.50,{\"x\":null}]}"));
    account.put("apy", new java.math.BigDecimal("4.250"));
    ObjectNode item = (ObjectNode) body.get("item");
    item.put("update_type", "quantum");
    item.putArray("products").add("cra_qualify");
    harness.client.answeringWith(call -> Answers.success(body));
    // when
    harness.send("key-1", request("req-1", null));
    harness.drain();
    // then
    byte[] accountBytes = harness.accounts().get(0).value();
    JsonNode out = Json.mapper().readTree(accountBytes);
    assertThat(out.get("account")).isEqualTo(account);
    assertThat(text(accountBytes)).contains("\"apy\":4.250").contains("\"current\":110.10");
    assertThat(Json.mapper().readTree(harness.items().get(0).value()).get("item")).isEqualTo(item);
  }

  @Test
  void shouldSendExhaustedAndOversizeCallsToTheDlqWithTheOriginalBytes() {
    // given
    harness.client.answeringWith(
        call ->
            call.requestId().equals("req-1")
                ? new PlaidResult.Exhausted(
                    Answers.error(503, "API_ERROR", "PLANNED_MAINTENANCE"), 7)
                : new PlaidResult.TransportFailure(
                    FailureKind.BODY_TOO_LARGE, 200, "over 2097152 bytes", 1));
    String first = request("req-1", "item-1");
    String second = request("req-2", "item-2");
    // when
    harness.send("key-1", first);
    harness.send("key-2", second);
    harness.drain();
    // then
    List<TestRecord<byte[], byte[]>> dlq = harness.dlq();
    assertThat(dlq).hasSize(2);
    assertThat(text(dlq.get(0).value())).isEqualTo(first);
    assertThat(text(dlq.get(0).key())).isEqualTo("key-1");
    assertThat(TopologyHarness.header(dlq.get(0), "__streams.errors.reason"))
        .isEqualTo("RETRIES_EXHAUSTED");
    assertThat(TopologyHarness.header(dlq.get(0), "__streams.errors.message"))
        .contains("7 attempt")
        .contains("HTTP 503 API_ERROR/PLANNED_MAINTENANCE")
        .doesNotContain(TOKEN);
    assertThat(TopologyHarness.header(dlq.get(0), "__streams.errors.request_id"))
        .isEqualTo("req-1");
    assertThat(TopologyHarness.header(dlq.get(1), "__streams.errors.reason"))
        .isEqualTo("RESPONSE_TOO_LARGE");
    assertThat(harness.itemErrors()).isEmpty();
    assertThat(harness.items()).isEmpty();
  }

  static Stream<Arguments> refusalsOfOurClient() {
    return Stream.of(
        Arguments.of(Answers.error(400, "INVALID_INPUT", "INVALID_API_KEYS")),
        Arguments.of(Answers.error(400, "INVALID_INPUT", "UNAUTHORIZED_ENVIRONMENT")),
        Arguments.of(Answers.error(400, "INVALID_INPUT", "INVALID_PRODUCT")),
        Arguments.of(Answers.error(429, "RATE_LIMIT_EXCEEDED", "CREDITS_EXHAUSTED")),
        Arguments.of(Answers.error(400, "INVALID_REQUEST", "UNKNOWN_FIELDS")),
        Arguments.of(
            new PlaidResult.TransportFailure(
                FailureKind.REFUSED, 404, "HTTP 404 without a Plaid error body", 1)));
  }

  /**
   * The job's resilient client never hands these over (it pauses); another client (a cassette) may.
   * They are about our client, not the Item: no Item status, no Item-error event.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("refusalsOfOurClient")
  void shouldSendARefusalOfOurOwnClientToTheDlqAndNothingAboutTheItem(PlaidResult refusal) {
    // given
    harness.client.answeringWith(call -> refusal);
    String value = request("req-1", "item-1");
    // when
    harness.send("key-1", value);
    harness.drain();
    // then
    List<TestRecord<byte[], byte[]>> dlq = harness.dlq();
    assertThat(dlq)
        .singleElement()
        .satisfies(
            record -> {
              assertThat(text(record.value())).isEqualTo(value);
              assertThat(TopologyHarness.header(record, "__streams.errors.reason"))
                  .isEqualTo("CLIENT_REFUSED");
              assertThat(TopologyHarness.header(record, "__streams.errors.message"))
                  .doesNotContain(TOKEN);
            });
    assertThat(harness.items()).isEmpty();
    assertThat(harness.itemErrors()).isEmpty();
    assertThat(harness.accounts()).isEmpty();
  }

  @Test
  void shouldSendAnUnusableAnswerToTheDlqAtOnce() {
    // given
    harness.client.answeringWith(
        call ->
            new PlaidResult.TransportFailure(
                FailureKind.UNUSABLE_BODY,
                200,
                "response body starts with a UTF-16 byte order mark; JSON must be UTF-8",
                1));
    // when
    harness.send("key-1", request("req-1", "item-1"));
    harness.drain();
    // then
    assertThat(harness.dlq())
        .singleElement()
        .satisfies(
            record -> {
              assertThat(TopologyHarness.header(record, "__streams.errors.reason"))
                  .isEqualTo("UNUSABLE_RESPONSE");
              assertThat(TopologyHarness.header(record, "__streams.errors.message"))
                  .contains("UTF-16");
            });
    assertThat(harness.items()).isEmpty();
  }

  @Test
  void shouldReadTheBulkTopicWithTheSameContract(@TempDir Path bulkDir) {
    // given
    FakePlaidClient bulkClient = new FakePlaidClient();
    try (TopologyHarness bulk =
        new TopologyHarness(TopologyHarness.settings(), bulkClient, bulkDir)) {
      // when: a valid and an invalid request on the bulk topic
      bulk.sendBulk("k1", "{\"access_token\":\"access-sandbox-b1\",\"request_id\":\"bulk-1\"}");
      bulk.sendBulk("k2", "not json");
      bulkClient.complete("bulk-1", Answers.success("item-b1", 2));
      bulk.drain();
      // then: outputs as for a live request, the call marked bulk, the DLQ naming the bulk topic
      assertThat(bulk.accounts()).hasSize(2);
      assertThat(bulk.items()).hasSize(1);
      assertThat(bulkClient.calls())
          .singleElement()
          .satisfies(call -> assertThat(call.bulk()).isTrue());
      assertThat(bulk.dlq())
          .singleElement()
          .satisfies(
              record ->
                  assertThat(TopologyHarness.header(record, "__streams.errors.topic"))
                      .isEqualTo(Topics.DEFAULTS.bulkRequests()));
    }
  }

  @Test
  void shouldForwardFromTheStageStraightToOneSinkPerOutputTopic() {
    TopologyDescription description =
        IdentityTopology.build(
                TopologyHarness.settings(),
                new FakePlaidClient(),
                java.time.Clock.systemUTC(),
                StageMetrics.NONE)
            .topology()
            .describe();
    assertThat(description.subtopologies()).hasSize(1);
    Set<TopologyDescription.Node> nodes = description.subtopologies().iterator().next().nodes();
    TopologyDescription.Node stage =
        nodes.stream().filter(n -> n.name().equals("plaid-call")).findFirst().orElseThrow();
    assertThat(stage.predecessors())
        .extracting(TopologyDescription.Node::name)
        .containsExactly("read-requests");
    Map<String, String> sinks = new HashMap<>();
    stage.successors().forEach(n -> sinks.put(n.name(), ((TopologyDescription.Sink) n).topic()));
    assertThat(sinks)
        .isEqualTo(
            Map.of(
                "write-accounts", Topics.DEFAULTS.accounts(),
                "write-items", Topics.DEFAULTS.items(),
                "write-item-errors", Topics.DEFAULTS.itemErrors(),
                "write-dlq", Topics.DEFAULTS.dlq()));
    assertThat(nodes).hasSize(6); // the source, the stage and its four sinks: nothing in between
  }

  static void assertNoToken(List<TestRecord<byte[], byte[]>> records) {
    byte[] token = TOKEN.getBytes(StandardCharsets.UTF_8);
    for (TestRecord<byte[], byte[]> record : records) {
      assertThat(indexOf(record.value(), token)).as("token in value").isEqualTo(-1);
      if (record.key() != null) {
        assertThat(indexOf(record.key(), token)).as("token in key").isEqualTo(-1);
      }
      record
          .headers()
          .forEach(h -> assertThat(indexOf(h.value(), token)).as("token in header").isEqualTo(-1));
    }
  }

  static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
