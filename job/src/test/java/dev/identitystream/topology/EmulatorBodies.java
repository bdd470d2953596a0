package dev.identitystream.topology;

import dev.identitystream.emulator.EmulatorOptions;
import dev.identitystream.emulator.PlaidEmulator;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Real 200 bodies of {@code /identity/documents/uploads/get} for benchmarks: a Plaid emulator (no
 * latency) is started, asked once per token over HTTP, and closed. The token {@code
 * access-sandbox-accounts<N>-<id>} gives exactly N accounts; distinct ids give distinct Items.
 *
 * <p>The credentials below are placeholders the emulator accepts (it checks none by default).
 */
final class EmulatorBodies {

  private static final String PATH = "/identity/documents/uploads/get";

  private EmulatorBodies() {}

  /** {@code count} distinct bodies of {@code accounts} accounts each. */
  static List<byte[]> fetch(int accounts, int count) throws IOException, InterruptedException {
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    List<byte[]> bodies = new ArrayList<>(count);
    try (PlaidEmulator emulator = PlaidEmulator.start(EmulatorOptions.defaults())) {
      for (int i = 0; i < count; i++) {
        String token = "access-sandbox-accounts" + accounts + "-bench" + i;
        HttpResponse<byte[]> response =
            http.send(request(emulator, token), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
          throw new IllegalStateException("the emulator answered HTTP " + response.statusCode());
        }
        bodies.add(response.body());
      }
    }
    return bodies;
  }

  private static HttpRequest request(PlaidEmulator emulator, String token) {
    return HttpRequest.newBuilder(URI.create(emulator.baseUrl() + PATH))
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json")
        .header("PLAID-CLIENT-ID", "bench-client-id")
        .header("PLAID-SECRET", "bench-placeholder")
        .header("Plaid-Version", "2020-09-14")
        .POST(HttpRequest.BodyPublishers.ofString("{\"access_token\":\"" + token + "\"}"))
        .build();
  }
}
