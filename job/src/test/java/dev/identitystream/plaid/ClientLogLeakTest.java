package dev.identitystream.plaid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.identitystream.LogCapture;
import dev.identitystream.emulator.EmulatorOptions;
import dev.identitystream.emulator.PlaidEmulator;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Access tokens and the Plaid secret never reach a log line of the client (nor of the emulator),
 * whatever fails: the real {@link ResilientPlaidClient} around the real {@link HttpPlaidClient},
 * against the emulator (bad credentials, Plaid errors, 503s until the deadline, timeouts,
 * truncated, malformed and oversize bodies, dropped connections), against a closed port (connection
 * refused), and around a delegate that throws with the token in its message. Every event is
 * captured at TRACE for the job and Resilience4j, with a small breaker window so that it opens and
 * logs.
 */
class ClientLogLeakTest {

  private static final String CLIENT_ID = "leak-client-id";
  private static final String SECRET = "leak-s3cret-9c1e77";
  private static final String WRONG_SECRET = "wrong-s3cret-41d0aa";

  private static final List<String> EMULATOR_TOKENS =
      List.of(
          "access-sandbox-l3ak-plain",
          "access-sandbox-error-ITEM_LOGIN_REQUIRED-l3ak",
          "access-sandbox-error-INVALID_ACCESS_TOKEN-l3ak",
          "access-sandbox-fail1000x503-l3ak",
          "access-sandbox-fail2xtimeout-l3ak",
          "access-sandbox-fail2xtruncated-l3ak",
          "access-sandbox-fail2xnonjson-l3ak",
          "access-sandbox-fail1xoversize-l3ak",
          "access-sandbox-fail2xdrop-l3ak",
          "access-sandbox-fail2x429-l3ak");
  private static final String BAD_CREDENTIALS_TOKEN = "access-sandbox-l3ak-badcreds";
  private static final String REFUSED_TOKEN = "access-sandbox-l3ak-refused";
  private static final String THROWING_TOKEN = "access-sandbox-l3ak-throws";

  @Test
  void shouldNeverLogATokenOrTheSecretWhateverFails() throws Exception {
    List<String> secrets = new ArrayList<>(EMULATOR_TOKENS);
    secrets.addAll(
        List.of(BAD_CREDENTIALS_TOKEN, REFUSED_TOKEN, THROWING_TOKEN, SECRET, WRONG_SECRET));
    List<CompletableFuture<PlaidResult>> calls = new ArrayList<>();
    ClientErrorGateTest.Listener pauses = new ClientErrorGateTest.Listener();
    try (LogCapture logs = LogCapture.start("dev.identitystream", "io.github.resilience4j");
        PlaidEmulator emulator =
            PlaidEmulator.start(
                EmulatorOptions.builder()
                    .credentials(CLIENT_ID, SECRET)
                    .timeoutHold(Duration.ofSeconds(3))
                    .oversizeBytes(64 * 1024)
                    .build());
        ResilientPlaidClient client = client(emulator.baseUrl(), SECRET);
        ResilientPlaidClient badCredentials = client(emulator.baseUrl(), WRONG_SECRET, pauses);
        ResilientPlaidClient refused = client(closedPortUrl(), SECRET);
        ResilientPlaidClient throwing =
            new ResilientPlaidClient(
                request -> {
                  throw new IllegalStateException(
                      "cannot send " + request.accessToken() + " with " + SECRET);
                },
                resilience().build())) {

      // when every failure happens
      int n = 0;
      for (String token : EMULATOR_TOKENS) {
        calls.add(start(client, token, "r-" + n++));
      }
      calls.add(start(badCredentials, BAD_CREDENTIALS_TOKEN, "r-badcreds"));
      calls.add(start(refused, REFUSED_TOKEN, "r-refused"));
      calls.add(start(throwing, THROWING_TOKEN, "r-throws"));
      CompletableFuture<PlaidResult> paused = calls.remove(calls.size() - 3);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> calls.stream().allMatch(CompletableFuture::isDone));
      await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () ->
                  logs.events().stream()
                      .anyMatch(
                          e ->
                              e.getFormattedMessage()
                                  .contains("Probing whether Plaid still refuses")));

      // then no log event holds a token or a secret
      logs.assertNoneContains(secrets);
      // and the client with the wrong secret paused, saying why in one line, its call still pending
      assertThat(paused).isNotDone();
      assertThat(pauses.paused()).isTrue();
      assertThat(logs.events())
          .filteredOn(e -> e.getFormattedMessage().startsWith("Plaid refuses this job's client"))
          .singleElement()
          .satisfies(
              e -> assertThat(e.getFormattedMessage()).contains("INVALID_INPUT/INVALID_API_KEYS"));
      // and the client did log the retries, each with its request_id in the MDC of the client's
      // thread
      List<ILoggingEvent> retries =
          logs.events().stream()
              .filter(e -> e.getFormattedMessage().contains("retrying in"))
              .toList();
      assertThat(retries)
          .isNotEmpty()
          .allSatisfy(e -> assertThat(e.getMDCPropertyMap()).containsKey("request_id"));
      assertThat(retries)
          .extracting(ILoggingEvent::getThreadName)
          .allSatisfy(name -> assertThat(name).doesNotContain("main"));
      assertThat(retries)
          .extracting(e -> e.getMDCPropertyMap().get("request_id"))
          .contains("r-4", "r-5", "r-6", "r-8", "r-refused");
    }
  }

  private static CompletableFuture<PlaidResult> start(
      PlaidClient client, String token, String requestId) {
    return client
        .identityDocumentsUploadsGet(new PlaidRequest(token, List.of(), requestId))
        .toCompletableFuture();
  }

  private static ResilienceConfig.Builder resilience() {
    return ResilienceConfig.builder()
        .deadline(Duration.ofSeconds(3))
        .maxAttempts(6)
        .backoff(Duration.ofMillis(1), Duration.ofMillis(20))
        .breakerWindow(4, 4)
        .breakerOpenDuration(Duration.ofMillis(100))
        .breakerRecheckInterval(Duration.ofMillis(20))
        .clientErrorProbeInterval(Duration.ofMillis(100));
  }

  private static ResilientPlaidClient client(String baseUrl, String secret) {
    return client(baseUrl, secret, ResilienceListener.NONE);
  }

  private static ResilientPlaidClient client(
      String baseUrl, String secret, ResilienceListener listener) {
    PlaidClientConfig http =
        PlaidClientConfig.builder()
            .baseUrl(baseUrl)
            .clientId(CLIENT_ID)
            .secret(Secret.of(secret))
            .attemptTimeout(Duration.ofMillis(800))
            .connectTimeout(Duration.ofSeconds(1))
            .maxResponseBytes(16 * 1024)
            .build();
    return new ResilientPlaidClient(new HttpPlaidClient(http), resilience().build(), listener);
  }

  private static String closedPortUrl() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    return "http://127.0.0.1:" + port;
  }
}
