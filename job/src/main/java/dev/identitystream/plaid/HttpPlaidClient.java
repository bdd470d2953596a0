package dev.identitystream.plaid;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.identitystream.plaid.IdentityDocumentsResponse.MalformedResponseException;
import dev.identitystream.plaid.PlaidResult.TransportFailure;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP attempt per call to Plaid's {@code POST /identity/documents/uploads/get}, on a {@link
 * PlaidTransport}: {@link ApacheTransport} by default, or {@link JdkTransport} ({@link
 * PlaidClientConfig#transport()}); what an answer means is decided here, the same for both. Every
 * expected failure is a {@link PlaidResult} value (see {@link PlaidClient}): 2xx with a valid body
 * is {@code Success}; non-2xx with a Plaid error body is {@code ErrorAnswer}; anything else is a
 * {@code TransportFailure} ({@code TIMEOUT}, {@code CONNECTION}, {@code HTTP_STATUS} for 408, 429
 * and 5xx without a Plaid body, {@code REFUSED} for other statuses without one, {@code
 * MALFORMED_BODY}, {@code UNUSABLE_BODY}, {@code BODY_TOO_LARGE}). Bodies are read as their bytes,
 * never as a tree ({@link IdentityDocumentsResponse}, {@link PlaidError}). Failure details never
 * contain the access token, the secret, or body content.
 *
 * <p>No retries here: wrap it in {@link ResilientPlaidClient}.
 *
 * <p>Threading: {@link #identityDocumentsUploadsGet} may be called from any thread and returns at
 * once; stages complete on the transport's own daemon threads ({@code plaid-http-N-M}), where the
 * response is also parsed; a timed-out or cancelled stage cancels its exchange (the transport
 * closes its connection). {@link #close()} shuts the transport down.
 */
public final class HttpPlaidClient implements PlaidClient {

  private final PlaidClientConfig config;
  private final PlaidTransport transport;
  private final ObjectWriter bodyWriter;
  private final long timeoutNanos;
  private final TransportFailure timedOut;
  private volatile boolean closed;

  /** A client on the transport that {@link PlaidClientConfig#transport()} names. */
  public HttpPlaidClient(PlaidClientConfig config) {
    this(config, transport(config));
  }

  /** A client on the given transport (built from the same {@code config}); it closes it. */
  HttpPlaidClient(PlaidClientConfig config, PlaidTransport transport) {
    this.config = config;
    this.transport = transport;
    this.bodyWriter = PlaidJson.mapper().writerFor(RequestBody.class);
    this.timeoutNanos = config.attemptTimeout().toNanos();
    this.timedOut =
        new TransportFailure(
            FailureKind.TIMEOUT, 0, "no complete response within " + config.attemptTimeout(), 1);
  }

  private static PlaidTransport transport(PlaidClientConfig config) {
    return switch (config.transport()) {
      case APACHE -> new ApacheTransport(config);
      case JDK -> new JdkTransport(config);
    };
  }

  public PlaidClientConfig config() {
    return config;
  }

  @Override
  public CompletionStage<PlaidResult> identityDocumentsUploadsGet(PlaidRequest request) {
    if (closed) {
      return CompletableFuture.failedFuture(new IllegalStateException("HttpPlaidClient is closed"));
    }
    CompletableFuture<PlaidTransport.Response> exchange = transport.post(serialize(request));
    CompletableFuture<PlaidResult> result =
        exchange.handle(
            (response, error) ->
                error == null
                    ? toResult(response)
                    : Failures.fromException(error, request, config));
    // The transport's own timeouts cover connecting and the wait for the headers; this also covers
    // a hung body.
    result.completeOnTimeout(timedOut, timeoutNanos, TimeUnit.NANOSECONDS);
    result.whenComplete(
        (r, error) -> {
          if (r == timedOut || result.isCancelled()) { // timed out, or the caller gave up
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

  private PlaidResult toResult(PlaidTransport.Response response) {
    int status = response.status();
    CappedBody body = response.body();
    boolean ok = status >= 200 && status < 300;
    if (body.tooLarge()) {
      // A 2xx would come back as large again; an error status is judged by its status alone.
      return ok
          ? failure(
              FailureKind.BODY_TOO_LARGE,
              status,
              "response body exceeds " + config.maxResponseBytes() + " bytes")
          : notPlaid(status, "with a body over " + config.maxResponseBytes() + " bytes");
    }
    try {
      if (ok) {
        return new PlaidResult.Success(
            status, IdentityDocumentsResponse.parse(body.bytes(), 0, body.length()), 1);
      }
      Optional<PlaidError> error = PlaidError.fromAnswer(body.bytes(), 0, body.length());
      return error.isPresent()
          ? new PlaidResult.ErrorAnswer(status, error.get(), 1)
          : notPlaid(status, "without a Plaid error body");
    } catch (MalformedResponseException e) {
      return failure(FailureKind.MALFORMED_BODY, status, e.getMessage());
    } catch (UnusableBodyException e) {
      // A Plaid answer that cannot be passed on exactly; but a status that may heal is retried, and
      // a body that is not even Plaid-like is judged by its status alone.
      boolean plaids =
          ok
              || (!mayHeal(status)
                  && PlaidError.looksLikePlaidError(body.bytes(), 0, body.length()));
      return plaids
          ? failure(FailureKind.UNUSABLE_BODY, status, e.getMessage())
          : notPlaid(status, "without a usable Plaid error body (" + e.getMessage() + ")");
    } catch (java.io.IOException e) {
      return ok
          ? failure(FailureKind.MALFORMED_BODY, status, Failures.notJson(e))
          : notPlaid(status, "without a Plaid error body (not JSON)");
    }
  }

  /**
   * A non-2xx answer that is not Plaid's: retried when it may heal (408, 429, 5xx), else {@code
   * REFUSED} (a proxy's refusal, a wrong URL: the resilient client pauses).
   */
  private static TransportFailure notPlaid(int status, String what) {
    return failure(
        mayHeal(status) ? FailureKind.HTTP_STATUS : FailureKind.REFUSED,
        status,
        "HTTP " + status + " " + what);
  }

  /** 408, 429 and 5xx: statuses a later attempt may not get. */
  private static boolean mayHeal(int status) {
    return status == 408 || status == 429 || (status >= 500 && status < 600);
  }

  private static TransportFailure failure(FailureKind kind, int status, String detail) {
    return new TransportFailure(kind, status, detail, 1);
  }

  /**
   * Closes the transport (threads, connections); calls in flight are abandoned, later calls fail.
   * Idempotent.
   */
  @Override
  public void close() {
    closed = true;
    transport.close();
  }

  @Override
  public String toString() {
    return "HttpPlaidClient[" + config.endpoint() + "]";
  }

  /** The request body: exactly {@code access_token} and, when ids are given, {@code options}. */
  @JsonPropertyOrder({"access_token", "options"})
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record RequestBody(
      @JsonProperty("access_token") String accessToken, @JsonProperty("options") Options options) {}

  /** {@code options.account_ids}. */
  record Options(@JsonProperty("account_ids") List<String> accountIds) {}
}
