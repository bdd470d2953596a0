package dev.identitystream.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Plaid's request checks and the per-token data of the emulator. */
class PlaidEmulatorTest {

  private static final Map<String, String> JSON = Map.of("Content-Type", "application/json");

  private PlaidEmulator emulator;
  private EmulatorClient client;

  @BeforeEach
  void start() {
    emulator = PlaidEmulator.start(EmulatorClient.options().build());
    client = new EmulatorClient(emulator);
  }

  @AfterEach
  void stop() {
    client.close();
    emulator.close();
  }

  @Test
  void shouldListenOnLoopbackWithTheAnnouncedPort() {
    assertThat(emulator.port()).isPositive();
    assertThat(emulator.baseUrl()).isEqualTo("http://127.0.0.1:" + emulator.port());
  }

  @Test
  void shouldRejectWrongCredentials() {
    // given
    Map<String, String> headers =
        Map.of(
            "Content-Type",
            "application/json",
            "PLAID-CLIENT-ID",
            EmulatorClient.CLIENT_ID,
            "PLAID-SECRET",
            "wrong-secret");

    // when
    EmulatorClient.Answer answer =
        client.postRaw(EmulatorHandler.PATH, "{\"access_token\":\"access-sandbox-a\"}", headers);

    // then
    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.json().get("error_type").asText()).isEqualTo("INVALID_INPUT");
    assertThat(answer.json().get("error_code").asText()).isEqualTo("INVALID_API_KEYS");
    assertThat(answer.body()).doesNotContain("wrong-secret");
  }

  @Test
  void shouldAcceptCredentialsInTheBody() {
    // given
    ObjectNode body = EmulatorClient.body("access-sandbox-a");
    body.put("client_id", EmulatorClient.CLIENT_ID);
    body.put("secret", EmulatorClient.SECRET);

    // when
    EmulatorClient.Answer answer = client.postRaw(EmulatorHandler.PATH, body.toString(), JSON);

    // then
    assertThat(answer.status()).isEqualTo(200);
  }

  @Test
  void shouldAnswerMissingFieldsWithoutCredentials() {
    // when
    EmulatorClient.Answer answer =
        client.postRaw(EmulatorHandler.PATH, "{\"access_token\":\"access-sandbox-a\"}", JSON);

    // then
    assertThat(answer.json().get("error_code").asText()).isEqualTo("MISSING_FIELDS");
    assertThat(answer.json().get("error_message").asText()).contains("client_id", "secret");
  }

  @Test
  void shouldAnswerUnknownFieldsNamingThem() {
    // given
    ObjectNode body = EmulatorClient.body("access-sandbox-a");
    body.put("cursor", "x");
    body.putObject("options").put("count", 2);

    // when
    EmulatorClient.Answer answer = client.post(body);

    // then
    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.json().get("error_type").asText()).isEqualTo("INVALID_REQUEST");
    assertThat(answer.json().get("error_code").asText()).isEqualTo("UNKNOWN_FIELDS");
    assertThat(answer.json().get("error_message").asText()).contains("cursor", "options.count");
  }

  @Test
  void shouldAnswerMissingFieldsWithoutAccessToken() {
    // when
    EmulatorClient.Answer answer = client.post(EmulatorClient.MAPPER.createObjectNode());

    // then
    assertThat(answer.json().get("error_code").asText()).isEqualTo("MISSING_FIELDS");
    assertThat(answer.json().get("error_message").asText()).contains("access_token");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "access-sandbox-",
        "access-development-abc",
        "public-sandbox-abc",
        "ACCESS-SANDBOX-abc",
        "access-sandbox-a b",
        "access-sandbox-accounts0-x",
        "access-sandbox-accounts101-x",
        "access-sandbox-fail1xteapot-x"
      })
  void shouldRejectMalformedTokensWithoutEchoingThem(String token) {
    // when
    EmulatorClient.Answer answer = client.post(EmulatorClient.body(token));

    // then
    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.json().get("error_code").asText()).isEqualTo("INVALID_ACCESS_TOKEN");
    if (!token.isEmpty()) {
      assertThat(answer.body()).doesNotContain(token);
    }
  }

  @Test
  void shouldRejectAnOverlongToken() {
    // when
    EmulatorClient.Answer answer =
        client.post(EmulatorClient.body("access-sandbox-" + "a".repeat(300)));

    // then
    assertThat(answer.json().get("error_code").asText()).isEqualTo("INVALID_ACCESS_TOKEN");
  }

  @Test
  void shouldRejectNonStringFields() {
    // when
    EmulatorClient.Answer answer =
        client.post(EmulatorClient.MAPPER.createObjectNode().put("access_token", 7));

    // then
    assertThat(answer.json().get("error_code").asText()).isEqualTo("INVALID_FIELD");
  }

  @Test
  void shouldCheckContentTypeAndBody() {
    // when
    EmulatorClient.Answer noType = client.postRaw(EmulatorHandler.PATH, "{}", Map.of());
    EmulatorClient.Answer textType =
        client.postRaw(EmulatorHandler.PATH, "{}", Map.of("Content-Type", "text/plain"));
    EmulatorClient.Answer notJson = client.postRaw(EmulatorHandler.PATH, "{oops", JSON);
    EmulatorClient.Answer array = client.postRaw(EmulatorHandler.PATH, "[1]", JSON);

    // then
    assertThat(List.of(noType, textType, notJson, array))
        .extracting(a -> a.json().get("error_code").asText())
        .containsExactly("INVALID_HEADERS", "INVALID_BODY", "INVALID_BODY", "INVALID_BODY");
    assertThat(List.of(noType, textType, notJson, array)).allMatch(a -> a.status() == 400);
  }

  @Test
  void shouldAnswerNotFoundOnOtherPaths() {
    // when
    EmulatorClient.Answer answer = client.postRaw("/identity/get", "{}", JSON);

    // then
    assertThat(answer.status()).isEqualTo(404);
    assertThat(answer.json().get("error_code").asText()).isEqualTo("NOT_FOUND");
  }

  @Test
  void shouldAnswerTheSameDataForTheSameTokenWithFreshRequestIds() {
    // when
    JsonNode first = client.post(EmulatorClient.body("access-sandbox-determinism")).json();
    JsonNode second = client.post(EmulatorClient.body("access-sandbox-determinism")).json();
    JsonNode other = client.post(EmulatorClient.body("access-sandbox-determinism2")).json();

    // then
    assertThat(first.get("accounts")).isEqualTo(second.get("accounts"));
    assertThat(first.get("item")).isEqualTo(second.get("item"));
    assertThat(first.get("request_id")).isNotEqualTo(second.get("request_id"));
    assertThat(other.get("item").get("item_id")).isNotEqualTo(first.get("item").get("item_id"));
  }

  @Test
  void shouldAnswerTheSameDataAcrossEmulators() {
    // given
    JsonNode first = client.post(EmulatorClient.body("access-sandbox-stable")).json();

    // when
    JsonNode again;
    try (PlaidEmulator other = PlaidEmulator.start(EmulatorClient.options().seed(7).build())) {
      again = new EmulatorClient(other).post(EmulatorClient.body("access-sandbox-stable")).json();
    }

    // then
    assertThat(again.get("accounts")).isEqualTo(first.get("accounts"));
  }

  @Test
  void shouldUsePlaidIdFormatsAndNeverEchoTheToken() {
    // when
    EmulatorClient.Answer answer = client.post(EmulatorClient.body("access-sandbox-secretive-id"));

    // then
    JsonNode body = answer.json();
    assertThat(body.get("item").get("item_id").asText()).matches("[A-Za-z0-9]{37}");
    assertThat(body.get("accounts"))
        .allSatisfy(a -> assertThat(a.get("account_id").asText()).matches("[A-Za-z0-9]{37}"));
    assertThat(body.get("request_id").asText()).matches("[A-Za-z0-9]{15}");
    assertThat(body.get("accounts").size()).isBetween(1, 4);
    assertThat(answer.body()).doesNotContain("secretive");
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 100})
  void shouldAnswerExactlyNAccounts(int n) {
    // when
    JsonNode body =
        client.post(EmulatorClient.body("access-sandbox-accounts" + n + "-size")).json();

    // then
    List<String> ids = new ArrayList<>();
    body.get("accounts").forEach(a -> ids.add(a.get("account_id").asText()));
    assertThat(ids).hasSize(n).doesNotHaveDuplicates();
  }

  @Test
  void shouldFilterAccountsByOptions() {
    // given
    String token = "access-sandbox-accounts4-filter";
    JsonNode all = client.post(EmulatorClient.body(token)).json().get("accounts");
    List<String> wanted =
        List.of(all.get(3).get("account_id").asText(), all.get(1).get("account_id").asText());

    // when
    JsonNode filtered = client.post(EmulatorClient.body(token, wanted)).json().get("accounts");

    // then: the Item's order, only the accounts asked for
    assertThat(filtered).containsExactly(all.get(1), all.get(3));
  }

  @Test
  void shouldRejectAnAccountIdNotOnTheItem() {
    // given
    String otherItemsAccount =
        client
            .post(EmulatorClient.body("access-sandbox-other"))
            .json()
            .get("accounts")
            .get(0)
            .get("account_id")
            .asText();

    // when
    EmulatorClient.Answer answer =
        client.post(EmulatorClient.body("access-sandbox-mine", List.of(otherItemsAccount)));

    // then
    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.json().get("error_type").asText()).isEqualTo("INVALID_INPUT");
    assertThat(answer.json().get("error_code").asText()).isEqualTo("INVALID_ACCOUNT_ID");
  }

  @Test
  void shouldCountAnswersByStatusAndErrorCode() {
    // given
    client.post(EmulatorClient.body("access-sandbox-a"));
    client.post(EmulatorClient.body("access-sandbox-error-ITEM_LOGIN_REQUIRED-a"));
    client.post(EmulatorClient.body("access-sandbox-error-INTERNAL_SERVER_ERROR-a"));

    // when
    EmulatorStats stats = emulator.stats();

    // then
    assertThat(stats.requests()).isEqualTo(3);
    assertThat(stats.status(200)).isEqualTo(1);
    assertThat(stats.status(400)).isEqualTo(1);
    assertThat(stats.status(500)).isEqualTo(1);
    assertThat(stats.errorCode("ITEM_LOGIN_REQUIRED")).isEqualTo(1);
    assertThat(stats.arrivals()).hasSize(3);
    assertThat(stats.perSecond().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(3);
    assertThat(stats.inFlight()).isZero();
  }

  @Test
  void shouldStartCountingAgainAfterReset() {
    // given
    client.post(EmulatorClient.body("access-sandbox-a"));

    // when
    emulator.resetStats();

    // then
    assertThat(emulator.stats().requests()).isZero();
    assertThat(emulator.stats().arrivals()).isEmpty();
  }
}
