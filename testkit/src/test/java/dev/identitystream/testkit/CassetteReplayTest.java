package dev.identitystream.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.identitystream.event.DlqHeaders;
import dev.identitystream.plaid.IdentityDocumentsResponse;
import dev.identitystream.plaid.PlaidError;
import dev.identitystream.plaid.PlaidJson;
import dev.identitystream.plaid.PlaidRequest;
import dev.identitystream.plaid.PlaidResult;
import dev.identitystream.plaid.cassette.Cassette;
import dev.identitystream.plaid.cassette.CassetteWriter;
import dev.identitystream.plaid.cassette.Fingerprinter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The test kit: a cassette recorded here with the writer, replayed through the real topology. */
class CassetteReplayTest {

  private static final String KEY = "cassette-replay-test-key-0123456789";
  private static final Instant RECORDED_AT = Instant.parse("2026-03-01T08:00:00Z");
  private static final String OK_TOKEN = "access-sandbox-ok-1";
  private static final String LOGIN_TOKEN = "access-sandbox-login-2";

  private static final String OK =
      """
      {"access_token": "access-sandbox-ok-1", "item_id": "item-1", "request_id": "req-ok",
       "attributes": {"tenant": "t-1"}}""";
  private static final String LOGIN_REQUIRED =
      "{\"access_token\":\"access-sandbox-login-2\",\"item_id\":\"item-2\",\"request_id\":\"req-login\"}";
  private static final String NO_TOKEN = "{\"item_id\":\"item-3\",\"request_id\":\"req-invalid\"}";
  private static final String NOT_RECORDED =
      "{\"access_token\":\"access-sandbox-unrecorded-4\",\"item_id\":\"item-4\",\"request_id\":\"req-unrecorded\"}";

  @TempDir Path dir;
  private Path cassette;

  @BeforeEach
  void record() throws IOException {
    Fingerprinter fingerprinter = Fingerprinter.withKey(KEY.getBytes(StandardCharsets.UTF_8));
    cassette = dir.resolve("cassette.jsonl");
    try (CassetteWriter writer =
        CassetteWriter.startNew(cassette, Cassette.Header.of(RECORDED_AT, fingerprinter))) {
      writer.write(
          fingerprinter.of(new PlaidRequest(OK_TOKEN, List.of(), null)),
          new PlaidResult.Success(
              200,
              IdentityDocumentsResponse.fromJson(
                  json(
                      """
              {"accounts": [{"account_id": "acc-1", "balances": {"current": 12.50}},
                            {"account_id": "acc-2", "balances": {"current": 1000}}],
               "item": {"item_id": "item-1", "institution_id": "ins_1", "error": null},
               "request_id": "plaid-req-1"}""")),
              1));
      writer.write(
          fingerprinter.of(new PlaidRequest(LOGIN_TOKEN, List.of(), null)),
          new PlaidResult.ErrorAnswer(
              400,
              PlaidError.of(
                  "ITEM_ERROR",
                  "ITEM_LOGIN_REQUIRED",
                  "the login details of this item have changed"),
              1));
      assertThat(writer.failure()).isNull();
    }
  }

  @Test
  void shouldWriteAnAccountRecordPerAccountAndAnOkItem() throws IOException {
    // when
    ReplayResult result = CassetteReplay.of(cassette).key(KEY).requests(OK).run();

    // then one account record per account, keyed by its id, the account as Plaid sent it
    assertThat(result.accounts()).extracting(OutputRecord::key).containsExactly("acc-1", "acc-2");
    JsonNode first = result.accounts().get(0).value();
    assertThat(first.get("request_id").asText()).isEqualTo("req-ok");
    assertThat(first.get("item_id").asText()).isEqualTo("item-1");
    assertThat(first.get("attributes").get("tenant").asText()).isEqualTo("t-1");
    assertThat(first.get("account").get("balances").get("current").toString()).isEqualTo("12.50");
    assertThat(result.accounts().get(0).toJsonLine()).contains("\"current\":12.50");
    // and an Item status OK, at the cassette's clock
    assertThat(result.items())
        .singleElement()
        .satisfies(
            item -> {
              assertThat(item.key()).isEqualTo("item-1");
              assertThat(item.value().get("status").asText()).isEqualTo("OK");
            });
    assertThat(result.itemErrors()).isEmpty();
    assertThat(result.dlq()).isEmpty();
    assertThat(result.misses()).isEmpty();
    assertThat(result.requests()).isEqualTo(1);
    assertThat(result.clock()).isEqualTo(RECORDED_AT);
  }

  @Test
  void shouldWriteAnErrorItemAndAnItemErrorEventForAPlaidError() throws IOException {
    // when
    ReplayResult result = CassetteReplay.of(cassette).key(KEY).requests(LOGIN_REQUIRED).run();

    // then
    assertThat(result.accounts()).isEmpty();
    assertThat(result.items())
        .singleElement()
        .satisfies(
            item -> {
              assertThat(item.key()).isEqualTo("item-2");
              assertThat(item.value().get("status").asText()).isEqualTo("ERROR");
              assertThat(item.value().get("error").get("error_code").asText())
                  .isEqualTo("ITEM_LOGIN_REQUIRED");
            });
    assertThat(result.itemErrors())
        .singleElement()
        .satisfies(
            error -> {
              assertThat(error.key()).isEqualTo("item-2");
              assertThat(error.value().get("error_type").asText()).isEqualTo("ITEM_ERROR");
              assertThat(error.value().get("error_code").asText()).isEqualTo("ITEM_LOGIN_REQUIRED");
              assertThat(error.value().get("http_status").asInt()).isEqualTo(400);
              assertThat(error.value().get("request_id").asText()).isEqualTo("req-login");
            });
    assertThat(result.dlq()).isEmpty();
  }

  @Test
  void shouldSkipAnInvalidRequestAsEnqueueDoes() throws IOException {
    // when
    ReplayResult result = CassetteReplay.of(cassette).key(KEY).requests(OK, NO_TOKEN).run();

    // then
    assertThat(result.invalid())
        .singleElement()
        .satisfies(
            invalid -> {
              assertThat(invalid.line()).isEqualTo(2);
              assertThat(invalid.reason()).isEqualTo("MISSING_ACCESS_TOKEN");
            });
    assertThat(result.requests()).isEqualTo(1);
    assertThat(result.dlq()).isEmpty();
    assertThat(result.items()).extracting(OutputRecord::key).containsExactly("item-1");
  }

  @Test
  void shouldSendAnInvalidRequestToTheDlqWhenAsked() throws IOException {
    // when
    ReplayResult result =
        CassetteReplay.of(cassette).key(KEY).requests(OK, NO_TOKEN).includeInvalid().run();

    // then the job puts it on its DLQ with its reason, its value as it was sent
    assertThat(result.invalid())
        .extracting(ReplayResult.Invalid::reason)
        .containsExactly("MISSING_ACCESS_TOKEN");
    assertThat(result.requests()).isEqualTo(2);
    assertThat(result.dlq())
        .singleElement()
        .satisfies(
            dead -> {
              assertThat(dead.key()).isEqualTo("item-3");
              assertThat(dead.header(DlqHeaders.REASON)).isEqualTo("MISSING_ACCESS_TOKEN");
              assertThat(dead.value().get("request_id").asText()).isEqualTo("req-invalid");
            });
    assertThat(result.items()).extracting(OutputRecord::key).containsExactly("item-1");
  }

  @Test
  void shouldAnswerAMissAsATransportFailureOnTheDlqWithoutTheToken() throws IOException {
    // when
    ReplayResult result = CassetteReplay.of(cassette).key(KEY).requests(OK, NOT_RECORDED).run();

    // then
    assertThat(result.misses()).containsExactly(new ReplayResult.Miss(2, "req-unrecorded"));
    assertThat(result.dlq())
        .singleElement()
        .satisfies(
            dead -> {
              assertThat(dead.key()).isEqualTo("item-4");
              assertThat(dead.header(DlqHeaders.REASON)).isEqualTo("RETRIES_EXHAUSTED");
              assertThat(dead.header(DlqHeaders.REQUEST_ID)).isEqualTo("req-unrecorded");
              assertThat(dead.value().get("access_token").asText())
                  .isEqualTo(OutputRecord.REDACTED);
              assertThat(dead.toString()).doesNotContain("access-sandbox-unrecorded-4");
            });
    assertThat(result.items()).extracting(OutputRecord::key).containsExactly("item-1");
  }

  @Test
  void shouldTellTheMissesBeforeRunning() throws IOException {
    // when
    CassetteReplay.Prepared prepared =
        CassetteReplay.of(cassette).key(KEY).requests(NOT_RECORDED, OK).prepare();

    // then
    assertThat(prepared.misses()).extracting(ReplayResult.Miss::line).containsExactly(1L);
    assertThat(prepared.requests()).isEqualTo(2);
    assertThat(prepared.clock()).isEqualTo(RECORDED_AT);
  }

  @Test
  void shouldWriteTheSameOutputsOnEveryRun() throws IOException {
    // given
    CassetteReplay replay =
        CassetteReplay.of(cassette)
            .key(KEY)
            .requests(OK, LOGIN_REQUIRED, NOT_RECORDED)
            .at(Instant.parse("2030-01-02T03:04:05Z"));

    // when
    ReplayResult first = replay.run();
    ReplayResult second = replay.run();

    // then
    assertThat(lines(second)).isEqualTo(lines(first)).isNotEmpty();
    assertThat(first.items().get(0).value().get("observed_at").asText())
        .startsWith("2030-01-02T03:04:05");
  }

  @Test
  void shouldUseTheConfigurationsTopicsAndKey() throws IOException {
    // when
    ReplayResult result =
        CassetteReplay.of(cassette)
            .config(
                Map.of("topic.accounts", "my-accounts", "topic.dlq", "my-dlq", "cassette.key", KEY))
            .requests(OK)
            .run();

    // then
    assertThat(result.outputs().keySet()).contains("my-accounts", "my-dlq");
    assertThat(result.accounts())
        .hasSize(2)
        .allSatisfy(account -> assertThat(account.topic()).isEqualTo("my-accounts"));
    assertThat(result.topic("my-accounts")).isEqualTo(result.accounts());
    assertThatThrownBy(() -> result.topic("identity-accounts"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldRefuseAnotherKeyOrNone() {
    assertThatThrownBy(
            () ->
                CassetteReplay.of(cassette)
                    .key("another-key-of-at-least-16-bytes")
                    .requests(OK)
                    .run())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("cassette.key is not the key")
        .hasMessageNotContaining("another-key");
    assertThatThrownBy(() -> CassetteReplay.of(cassette).requests(OK).run())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("cassette.key is missing");
    assertThatThrownBy(() -> CassetteReplay.of(cassette).key(KEY).run())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("requests");
  }

  @Test
  void shouldReadARequestsFileAsEnqueueDoes() throws IOException {
    // given a CSV file
    Path csv = dir.resolve("requests.csv");
    java.nio.file.Files.writeString(
        csv, "access_token,item_id,request_id\n" + OK_TOKEN + ",item-1,\n");

    // when
    ReplayResult result = CassetteReplay.of(cassette).key(KEY).requests(csv).run();

    // then a request without request_id is named after its line
    assertThat(result.items())
        .singleElement()
        .satisfies(item -> assertThat(item.value().get("request_id").asText()).isEqualTo("line-2"));
    assertThatThrownBy(() -> CassetteReplay.of(cassette).requests(dir.resolve("requests.txt")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot tell the format");
  }

  private static List<String> lines(ReplayResult result) {
    return result.outputs().values().stream()
        .flatMap(List::stream)
        .map(OutputRecord::toString)
        .toList();
  }

  private static JsonNode json(String text) throws IOException {
    return PlaidJson.treeReader().readTree(text);
  }
}
