package dev.identitystream.plaid;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.identitystream.plaid.IdentityDocumentsResponse.MalformedResponseException;
import dev.identitystream.plaid.PlaidResult.TransportFailure;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One HTTP attempt per call to Plaid's {@code POST /identity/documents/uploads/get}, on the JDK
 * {@link HttpClient}. Every expected failure is a {@link PlaidResult} value (see {@link
 * PlaidClient}): 2xx with a valid body is {@code Success}; non-2xx with a Plaid error body is
 * {@code ErrorAnswer}; anything else is a {@code TransportFailure} ({@code TIMEOUT}, {@code
 * CONNECTION}, {@code HTTP_STATUS}, {@code MALFORMED_BODY}, {@code BODY_TOO_LARGE}). Failure
 * details never contain the access token, the secret, or body content.
 *
 * <p>No retries here: wrap it in {@link ResilientPlaidClient}.
 *
 * <p>Threading: {@link #identityDocumentsUploadsGet} may be called from any thread and returns at
 * once; stages complete on this client's own daemon threads ({@code plaid-http-N}), where the
 * response is also parsed. {@link #close()} shuts them down.
 */
public final class HttpPlaidClient implements PlaidClient {

  private static final AtomicInteger CLIENTS = new AtomicInteger();

  private final PlaidClientConfig config;
  private final ExecutorService executor;
  private final HttpClient http;
  private final HttpRequest.Builder template;
  private final ObjectWriter bodyWriter;
  private final long timeoutNanos;
  private final TransportFailure timedOut;
  private volatile boolean closed;

  public HttpPlaidClient(PlaidClientConfig config) {
    this.config = config;
    this.executor = Executors.newFixedThreadPool(config.ioThreads(), daemonThreads());
    this.http =
        HttpClient.newBuilder()
            .executor(executor)
            .connectTimeout(config.connectTimeout())
            .version(config.httpVersion())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.template =
        HttpRequest.newBuilder(config.endpoint())
            .timeout(config.attemptTimeout())
            .header("Content-Type", "application/json")
            .header("User-Agent", config.userAgent())
            .header("Plaid-Version", config.plaidVersion())
            .header("PLAID-CLIENT-ID", config.clientId())
            .header("PLAID-SECRET", config.secret().reveal());
    this.bodyWriter = PlaidJson.mapper().writerFor(RequestBody.class);
    this.timeoutNanos = config.attemptTimeout().toNanos();
    this.timedOut =
        new TransportFailure(
            FailureKind.TIMEOUT, 0, "no complete response within " + config.attemptTimeout(), 1);
  }

  public PlaidClientConfig config() {
    return config;
  }

  @Override
  public CompletionStage<PlaidResult> identityDocumentsUploadsGet(PlaidRequest request) {
    if (closed) {
      return CompletableFuture.failedFuture(new IllegalStateException("HttpPlaidClient is closed"));
    }
    HttpRequest httpRequest =
        template.copy().POST(HttpRequest.BodyPublishers.ofByteArray(serialize(request))).build();
    CappedBody.Handler handler = new CappedBody.Handler(config.maxResponseBytes());
    CompletableFuture<HttpResponse<CappedBody>> exchange = http.sendAsync(httpRequest, handler);
    CompletableFuture<PlaidResult> result =
        exchange.handle(
            (response, error) ->
                error == null ? toResult(response) : Failures.fromException(error, request, config));
    // HttpRequest.timeout covers the wait for the headers only; this also covers a hung body.
    result.completeOnTimeout(timedOut, timeoutNanos, TimeUnit.NANOSECONDS);
    result.whenComplete(
        (r, error) -> {
          if (r == timedOut || result.isCancelled()) { // timed out, or the caller gave up
            handler.abort();
            exchange.cancel(true);
          }
        });
    return result;
  }

  private byte[] serialize(PlaidRequest request) {
    List<String> ids = request.accountIds();
    try {
      return bodyWriter.writeValueAsBytes(
          new RequestBody(request.accessToken(), ids.isEmpty() ? null : new Options(ids)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize a request body", e); // strings only: a bug
    }
  }

  private PlaidResult toResult(HttpResponse<CappedBody> response) {
    int status = response.statusCode();
    CappedBody body = response.body();
    boolean ok = status >= 200 && status < 300;
    if (body.tooLarge()) {
      // A 2xx would come back as large again; an error status may not (a proxy page): retryable.
      return ok
          ? failure(FailureKind.BODY_TOO_LARGE, status, "response body exceeds " + config.maxResponseBytes() + " bytes")
          : failure(FailureKind.HTTP_STATUS, status, "HTTP " + status + " with a body over " + config.maxResponseBytes() + " bytes");
    }
    if (ok) {
      try {
        return new PlaidResult.Success(status, IdentityDocumentsResponse.parse(body.bytes(), 0, body.length()), 1);
      } catch (MalformedResponseException e) {
        return failure(FailureKind.MALFORMED_BODY, status, e.getMessage());
      } catch (java.io.IOException e) {
        return failure(FailureKind.MALFORMED_BODY, status, Failures.notJson(e));
      }
    }
    JsonNode json;
    try {
      json = PlaidJson.treeReader().readTree(body.bytes(), 0, body.length());
    } catch (java.io.IOException e) {
      return failure(FailureKind.HTTP_STATUS, status, "HTTP " + status + " without a Plaid error body (not JSON)");
    }
    Optional<PlaidError> error = PlaidError.fromJson(json);
    return error.isPresent()
        ? new PlaidResult.ErrorAnswer(status, error.get(), 1)
        : failure(FailureKind.HTTP_STATUS, status, "HTTP " + status + " without a Plaid error body");
  }

  private static TransportFailure failure(FailureKind kind, int status, String detail) {
    return new TransportFailure(kind, status, detail, 1);
  }

  /** Stops the executor; calls in flight are abandoned, later calls fail. Idempotent. */
  @Override
  public void close() {
    closed = true;
    executor.shutdownNow();
  }

  @Override
  public String toString() {
    return "HttpPlaidClient[" + config.endpoint() + "]";
  }

  private static ThreadFactory daemonThreads() {
    int client = CLIENTS.incrementAndGet();
    AtomicInteger n = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, "plaid-http-" + client + "-" + n.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /** The request body: exactly {@code access_token} and, when ids are given, {@code options}. */
  @JsonPropertyOrder({"access_token", "options"})
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record RequestBody(
      @JsonProperty("access_token") String accessToken, @JsonProperty("options") Options options) {}

  /** {@code options.account_ids}. */
  record Options(@JsonProperty("account_ids") List<String> accountIds) {}
}
