package dev.identitystream.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Fault injection: fail tokens, fault rates, rate limits and outages. */
class EmulatorFaultsTest {

  private PlaidEmulator emulator;
  private EmulatorClient client;

  private void start(EmulatorOptions.Builder options) {
    emulator = PlaidEmulator.start(options.build());
    client = new EmulatorClient(emulator);
  }

  @AfterEach
  void stop() {
    if (emulator != null) {
      client.close();
      emulator.close();
    }
  }

  private int status(String token) {
    return client.post(EmulatorClient.body(token)).status();
  }

  @Test
  void shouldFailTheFirstNCallsOfAFailTokenThenSucceed() {
    // given
    start(EmulatorClient.options());

    // when
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      statuses.add(status("access-sandbox-fail2x500-retry"));
    }

    // then
    assertThat(statuses).containsExactly(500, 500, 200, 200);
    assertThat(emulator.stats().fault(FaultKind.SERVER_ERROR_500)).isEqualTo(2);
  }

  @Test
  void shouldCountFailuresPerToken() {
    // given
    start(EmulatorClient.options());

    // when / then
    assertThat(status("access-sandbox-fail1x429-a")).isEqualTo(429);
    assertThat(status("access-sandbox-fail1x429-b")).isEqualTo(429);
    assertThat(status("access-sandbox-fail1x429-a")).isEqualTo(200);
  }

  @Test
  void shouldAnswerNonJsonAndBadGatewayPages() {
    // given
    start(EmulatorClient.options());

    // when
    EmulatorClient.Answer nonJson =
        client.post(EmulatorClient.body("access-sandbox-fail1xnonjson-a"));
    EmulatorClient.Answer badGateway =
        client.post(EmulatorClient.body("access-sandbox-fail1x502-a"));

    // then
    assertThat(nonJson.status()).isEqualTo(200);
    assertThat(nonJson.body()).startsWith("<html>");
    assertThat(badGateway.status()).isEqualTo(502);
    assertThat(badGateway.contentType()).startsWith("text/html");
  }

  @Test
  void shouldBreakTheConnectionForTruncatedAndDroppedAnswers() {
    // given
    start(EmulatorClient.options());

    // when / then
    assertThatThrownBy(
            () ->
                client.postExpectingTrouble(
                    EmulatorClient.body("access-sandbox-fail1xtruncated-a"),
                    Duration.ofSeconds(10)))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(
            () ->
                client.postExpectingTrouble(
                    EmulatorClient.body("access-sandbox-fail1xdrop-a"), Duration.ofSeconds(10)))
        .isInstanceOf(IOException.class);
    assertThat(status("access-sandbox-fail1xtruncated-a")).isEqualTo(200);
    assertThat(status("access-sandbox-fail1xdrop-a")).isEqualTo(200);
  }

  @Test
  void shouldNotAnswerATimeoutUntilTheClientGivesUp() {
    // given
    start(EmulatorClient.options());

    // when / then
    assertThatThrownBy(
            () ->
                client.postExpectingTrouble(
                    EmulatorClient.body("access-sandbox-fail1xtimeout-a"), Duration.ofMillis(300)))
        .isInstanceOf(HttpTimeoutException.class);
    assertThat(status("access-sandbox-fail1xtimeout-a")).isEqualTo(200);
    assertThat(emulator.stats().inFlight()).isEqualTo(1); // still held open by the emulator
  }

  @Test
  void shouldPadOversizeAnswersToValidJsonOfTheConfiguredSize() throws Exception {
    // given
    start(EmulatorClient.options().oversizeBytes(300_000));

    // when
    HttpResponse<String> response =
        client.postExpectingTrouble(
            EmulatorClient.body("access-sandbox-fail1xoversize-a"), Duration.ofSeconds(10));

    // then
    assertThat(response.body().length()).isBetween(300_000, 300_010);
    JsonNode body = EmulatorClient.MAPPER.readTree(response.body());
    assertThat(body.get("accounts").isArray()).isTrue();
  }

  @Test
  void shouldInjectFaultsAtTheConfiguredRate() {
    // given
    start(EmulatorClient.options().faultRate(FaultKind.UNAVAILABLE_503, 1.0));

    // when
    EmulatorClient.Answer answer = client.post(EmulatorClient.body("access-sandbox-a"));

    // then
    assertThat(answer.status()).isEqualTo(503);
    assertThat(answer.json().get("error_type").asText()).isEqualTo("API_ERROR");
    assertThat(answer.json().get("error_code").asText()).isEqualTo("PLANNED_MAINTENANCE");
  }

  @Test
  void shouldRepeatTheSameFaultsForTheSameSeed() {
    // given
    EmulatorOptions.Builder options =
        EmulatorClient.options()
            .seed(99)
            .faultRate(FaultKind.RATE_LIMIT_429, 0.3)
            .faultRate(FaultKind.SERVER_ERROR_500, 0.2);

    // when
    List<Integer> first = statuses(options, 40);
    List<Integer> second = statuses(options, 40);

    // then
    assertThat(first).isEqualTo(second).contains(200, 429, 500);
  }

  private List<Integer> statuses(EmulatorOptions.Builder options, int calls) {
    try (PlaidEmulator e = PlaidEmulator.start(options.build())) {
      EmulatorClient c = new EmulatorClient(e);
      List<Integer> statuses = new ArrayList<>();
      for (int i = 0; i < calls; i++) {
        statuses.add(c.post(EmulatorClient.body("access-sandbox-seeded-" + i)).status());
      }
      return statuses;
    }
  }

  @Test
  void shouldLimitRequestsPerItem() {
    // given
    start(EmulatorClient.options().itemRequestsPerMinute(3));

    // when
    List<Integer> sameItem = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      sameItem.add(status("access-sandbox-busy-item"));
    }
    EmulatorClient.Answer limited = client.post(EmulatorClient.body("access-sandbox-busy-item"));

    // then
    assertThat(sameItem).containsExactly(200, 200, 200, 429);
    assertThat(limited.json().get("error_type").asText()).isEqualTo("RATE_LIMIT_EXCEEDED");
    assertThat(limited.json().get("error_code").asText())
        .isEqualTo("IDENTITY_LIMIT"); // per Item: the product's limit code
    assertThat(status("access-sandbox-quiet-item")).isEqualTo(200);
  }

  @Test
  void shouldLimitRequestsPerClient() {
    // given
    start(EmulatorClient.options().clientRequestsPerMinute(5));

    // when
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      statuses.add(status("access-sandbox-item-" + i));
    }

    // then
    assertThat(statuses).containsExactly(200, 200, 200, 200, 200, 429);
    assertThat(emulator.stats().errorCode("RATE_LIMIT")).isEqualTo(1);
  }

  @Test
  void shouldAnswerMaintenanceDuringAnOutage() {
    // given
    start(EmulatorClient.options());

    // when
    emulator.setOutage(true);
    EmulatorClient.Answer during = client.post(EmulatorClient.body("access-sandbox-a"));
    emulator.setOutage(false);
    EmulatorClient.Answer after = client.post(EmulatorClient.body("access-sandbox-a"));

    // then
    assertThat(during.status()).isEqualTo(503);
    assertThat(during.json().get("error_code").asText()).isEqualTo("PLANNED_MAINTENANCE");
    assertThat(after.status()).isEqualTo(200);
  }

  @Test
  void shouldRefuseEveryClientsKeysDuringAKeysOutage() {
    // given good credentials
    start(EmulatorClient.options());

    // when the keys outage is on (a secret rotated away), then off
    emulator.setOutage(OutageMode.INVALID_API_KEYS);
    EmulatorClient.Answer during = client.post(EmulatorClient.body("access-sandbox-a"));
    emulator.setOutage(OutageMode.NONE);
    EmulatorClient.Answer after = client.post(EmulatorClient.body("access-sandbox-a"));

    // then
    assertThat(during.status()).isEqualTo(400);
    assertThat(during.json().get("error_type").asText()).isEqualTo("INVALID_INPUT");
    assertThat(during.json().get("error_code").asText()).isEqualTo("INVALID_API_KEYS");
    assertThat(after.status()).isEqualTo(200);
    assertThat(emulator.stats().errorCode("INVALID_API_KEYS")).isEqualTo(1);
  }

  @Test
  void shouldAnswerEveryPathWithAProxysPageDuringAProxyOutage() {
    // given good credentials
    start(EmulatorClient.options());

    // when a proxy in front of Plaid refuses the calls, then lets them through
    emulator.setOutage(OutageMode.PROXY_FORBIDDEN);
    EmulatorClient.Answer during = client.post(EmulatorClient.body("access-sandbox-a"));
    EmulatorClient.Answer elsewhere =
        client.postRaw("/wrong/path", "{}", java.util.Map.of("Content-Type", "application/json"));
    emulator.setOutage(OutageMode.NONE);
    EmulatorClient.Answer after = client.post(EmulatorClient.body("access-sandbox-a"));

    // then a 403 HTML page without a Plaid error body, on every path
    for (EmulatorClient.Answer refused : java.util.List.of(during, elsewhere)) {
      assertThat(refused.status()).isEqualTo(403);
      assertThat(refused.contentType()).startsWith("text/html");
      assertThat(refused.body()).startsWith("<html>").doesNotContain("error_code");
    }
    assertThat(after.status()).isEqualTo(200);
    assertThat(emulator.stats().status(403)).isEqualTo(2);
  }

  @Test
  void shouldRefuseConnectionsDuringAHardOutageThenListenOnTheSamePort() {
    // given
    start(EmulatorClient.options());
    int port = emulator.port();

    // when
    emulator.setOutage(OutageMode.REFUSE_CONNECTIONS);

    // then
    assertThatThrownBy(
            () ->
                new EmulatorClient(emulator)
                    .postExpectingTrouble(
                        EmulatorClient.body("access-sandbox-a"), Duration.ofSeconds(5)))
        .isInstanceOf(ConnectException.class);
    emulator.setOutage(OutageMode.NONE);
    assertThat(emulator.port()).isEqualTo(port);
    assertThat(new EmulatorClient(emulator).post(EmulatorClient.body("access-sandbox-a")).status())
        .isEqualTo(200);
  }
}
