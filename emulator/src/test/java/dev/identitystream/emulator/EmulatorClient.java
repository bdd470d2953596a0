package dev.identitystream.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** A small JDK HttpClient wrapper for tests: posts bodies to the emulator and reads the answers. */
final class EmulatorClient implements AutoCloseable {

  static final String CLIENT_ID = "test-client-id";
  static final String SECRET = "test-secret-value";
  static final ObjectMapper MAPPER = new ObjectMapper();

  /** One answer: status, Content-Type and body text. */
  record Answer(int status, String contentType, String body) {
    JsonNode json() {
      try {
        return MAPPER.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("answer is not JSON: " + body, e);
      }
    }
  }

  private final HttpClient http;
  private final String baseUrl;

  EmulatorClient(PlaidEmulator emulator) {
    this.baseUrl = emulator.baseUrl();
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  /** Options that expect the test credentials. */
  static EmulatorOptions.Builder options() {
    return EmulatorOptions.builder().credentials(CLIENT_ID, SECRET);
  }

  static ObjectNode body(String accessToken) {
    ObjectNode body = MAPPER.createObjectNode();
    body.put("access_token", accessToken);
    return body;
  }

  static ObjectNode body(String accessToken, List<String> accountIds) {
    ObjectNode body = body(accessToken);
    accountIds.forEach(body.putObject("options").putArray("account_ids")::add);
    return body;
  }

  /** POSTs a body with the test credentials in headers. */
  Answer post(JsonNode body) {
    return send(request(EmulatorHandler.PATH, body.toString(), Map.of()));
  }

  /** POSTs raw text with exactly the given headers (none added). */
  Answer postRaw(String path, String body, Map<String, String> headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(request::header);
    return send(request.build());
  }

  /** POSTs asynchronously with a per-request timeout. */
  CompletableFuture<HttpResponse<String>> postAsync(JsonNode body, Duration timeout) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(baseUrl + EmulatorHandler.PATH))
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .header("PLAID-CLIENT-ID", CLIENT_ID)
            .header("PLAID-SECRET", SECRET)
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
            .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
  }

  /** POSTs and returns the raw outcome, for faults that break the exchange. */
  HttpResponse<String> postExpectingTrouble(JsonNode body, Duration timeout)
      throws IOException, InterruptedException {
    return http.send(
        request(EmulatorHandler.PATH, body.toString(), Map.of()).timeout(timeout).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest.Builder request(String path, String body, Map<String, String> extra) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .header("PLAID-CLIENT-ID", CLIENT_ID)
            .header("PLAID-SECRET", SECRET)
            .header("Plaid-Version", "2020-09-14")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    extra.forEach(request::header);
    return request;
  }

  private Answer send(HttpRequest.Builder request) {
    return send(request.build());
  }

  private Answer send(HttpRequest request) {
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      return new Answer(
          response.statusCode(),
          response.headers().firstValue("Content-Type").orElse(null),
          response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    // HttpClient has no close() on JDK 17; its threads end when it is unreachable.
  }
}
