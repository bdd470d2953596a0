package dev.identitystream.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.ValidationMessage;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every kind of answer the emulator produces is checked against the OpenAPI extract: 200 bodies
 * against {@code IdentityDocumentsUploadsGetResponse}, error bodies against {@code PlaidError}
 * (required fields included, since the schemas allow additional properties).
 */
class PlaidEmulatorContractTest {

  private static PlaidEmulator emulator;
  private static EmulatorClient client;

  @BeforeAll
  static void startEmulator() {
    emulator = PlaidEmulator.start(EmulatorClient.options().build());
    client = new EmulatorClient(emulator);
  }

  @AfterAll
  static void stopEmulator() {
    client.close();
    emulator.close();
  }

  static Stream<String> successTokens() {
    Stream<String> plain =
        Stream.iterate(0, i -> i + 1).limit(40).map(i -> "access-sandbox-contract-" + i);
    return Stream.concat(
        plain,
        Stream.of(
            "access-sandbox-de3ce8ef-33f8-452c-a685-8671031fc0f6",
            "access-production-5b8a0f4e-0000-4d7e-9a11-3c2f7f0e1a2b",
            "access-sandbox-accounts1-x",
            "access-sandbox-accounts100-x",
            "access-sandbox-itemerror-x"));
  }

  @ParameterizedTest
  @MethodSource("successTokens")
  void shouldAnswerSuccessMatchingTheResponseSchema(String token) {
    // given / when
    EmulatorClient.Answer answer = client.post(EmulatorClient.body(token));

    // then
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.contentType()).startsWith("application/json");
    assertThat(PlaidSchemas.validate(PlaidSchemas.RESPONSE, answer.json())).isEmpty();
  }

  @Test
  void shouldAnswerFilteredAccountsMatchingTheResponseSchema() {
    // given
    String token = "access-sandbox-accounts5-filter";
    JsonNode all = client.post(EmulatorClient.body(token)).json();
    String second = all.get("accounts").get(1).get("account_id").asText();

    // when
    EmulatorClient.Answer answer = client.post(EmulatorClient.body(token, List.of(second)));

    // then
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.json().get("accounts")).hasSize(1);
    assertThat(PlaidSchemas.validate(PlaidSchemas.RESPONSE, answer.json())).isEmpty();
  }

  @Test
  void shouldAnswerItemErrorWithAValidPlaidErrorInTheItem() {
    // when
    JsonNode body = client.post(EmulatorClient.body("access-sandbox-itemerror-contract")).json();

    // then
    JsonNode error = body.get("item").get("error");
    assertThat(error.get("error_code").asText()).isEqualTo("ITEM_LOGIN_REQUIRED");
    assertThat(PlaidSchemas.validate(PlaidSchemas.ERROR, error)).isEmpty();
  }

  @Test
  void shouldBreakOnlyEnumsWhenAnsweringTheUnknownFieldsToken() {
    // when
    EmulatorClient.Answer answer =
        client.post(EmulatorClient.body("access-sandbox-unknown-contract"));

    // then: every violation is a deliberate unknown enum value; required fields are all there
    Set<ValidationMessage> violations = PlaidSchemas.validate(PlaidSchemas.RESPONSE, answer.json());
    assertThat(violations).isNotEmpty().allSatisfy(v -> assertThat(v.getType()).isEqualTo("enum"));
    Set<String> values =
        violations.stream().map(v -> v.getInstanceNode().asText()).collect(Collectors.toSet());
    assertThat(values)
        .contains(
            "hyper savings",
            "pending_emulator_future_state",
            "satellite",
            "PASSKEY_AUTH",
            "cra_home_lending");
    JsonNode body = answer.json();
    assertThat(body.has("emulator_future_top_level")).isTrue();
    assertThat(body.get("item").has("emulator_future_item_field")).isTrue();
    assertThat(body.get("accounts").get(0).has("emulator_future_account_field")).isTrue();
  }

  static Stream<String> knownErrorCodes() {
    return ErrorCatalog.codes().stream();
  }

  @ParameterizedTest
  @MethodSource("knownErrorCodes")
  void shouldAnswerEachErrorCodeWithItsTypeStatusAndAValidBody(String code) {
    // given
    ErrorCatalog.Entry expected = ErrorCatalog.entry(code);

    // when
    EmulatorClient.Answer answer =
        client.post(EmulatorClient.body("access-sandbox-error-" + code + "-c"));

    // then
    assertThat(answer.status()).isEqualTo(expected.httpStatus());
    JsonNode body = answer.json();
    assertThat(body.get("error_type").asText()).isEqualTo(expected.type());
    assertThat(body.get("error_code").asText()).isEqualTo(code);
    assertThat(body.get("request_id").asText()).hasSize(PlaidIds.REQUEST_ID_LENGTH);
    assertThat(PlaidSchemas.validate(PlaidSchemas.ERROR, body)).isEmpty();
  }

  @Test
  void shouldAnswerAnUnknownCodeWithAnUnknownTypeThatOnlyBreaksTheTypeEnum() {
    // when
    EmulatorClient.Answer answer =
        client.post(EmulatorClient.body("access-sandbox-error-SHINY_NEW_CODE-c"));

    // then
    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.json().get("error_type").asText()).isEqualTo(ErrorCatalog.UNKNOWN_TYPE);
    assertThat(PlaidSchemas.validate(PlaidSchemas.ERROR, answer.json()))
        .singleElement()
        .satisfies(v -> assertThat(v.getInstanceLocation().toString()).endsWith("error_type"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"429", "500", "503"})
  void shouldAnswerInjectedErrorsWithValidBodies(String kind) {
    // when
    EmulatorClient.Answer answer =
        client.post(EmulatorClient.body("access-sandbox-fail1x" + kind + "-contract"));

    // then
    assertThat(answer.status()).isEqualTo(Integer.parseInt(kind));
    assertThat(PlaidSchemas.validate(PlaidSchemas.ERROR, answer.json())).isEmpty();
  }

  @Test
  void shouldAnswerRequestCheckErrorsWithValidBodies() {
    // given: one request per check, each answered with a Plaid error
    Map<String, String> json = Map.of("Content-Type", "application/json");
    List<EmulatorClient.Answer> answers =
        List.of(
            client.postRaw("/nowhere", "{}", json),
            client.postRaw(EmulatorHandler.PATH, "{}", Map.of()),
            client.postRaw(EmulatorHandler.PATH, "not json", json),
            client.postRaw(EmulatorHandler.PATH, "{\"access_token\":\"x\",\"nope\":1}", json),
            client.postRaw(EmulatorHandler.PATH, "{\"access_token\":\"x\"}", json),
            client.post(EmulatorClient.body("not-a-token")),
            client.post(EmulatorClient.body("access-sandbox-x", List.of("no-such-account"))));

    // then
    assertThat(answers)
        .extracting(a -> a.json().get("error_code").asText())
        .containsExactly(
            "NOT_FOUND",
            "INVALID_HEADERS",
            "INVALID_BODY",
            "UNKNOWN_FIELDS",
            "MISSING_FIELDS",
            "INVALID_ACCESS_TOKEN",
            "INVALID_ACCOUNT_ID");
    assertThat(answers)
        .allSatisfy(a -> assertThat(PlaidSchemas.validate(PlaidSchemas.ERROR, a.json())).isEmpty());
  }

  @Test
  void shouldSendRequestsThatMatchTheRequestSchemaInTheseTests() {
    // The helper's bodies are themselves valid requests, so the checks above test the emulator.
    assertThat(
            PlaidSchemas.validate(
                PlaidSchemas.REQUEST, EmulatorClient.body("access-sandbox-x", List.of("a"))))
        .isEmpty();
  }
}
