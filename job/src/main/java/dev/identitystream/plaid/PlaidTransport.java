package dev.identitystream.plaid;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The HTTP exchange under {@link HttpPlaidClient}: one {@code POST} of a JSON body to {@link
 * PlaidClientConfig#endpoint()} with {@link #headers}, and the status with the body read through a
 * {@link CappedBody.Collector}. What the answer means is decided by {@link HttpPlaidClient}, the
 * same for every transport.
 *
 * <p>Contract of every implementation:
 *
 * <ul>
 *   <li>a body over {@link PlaidClientConfig#maxResponseBytes()} (declared or read) completes with
 *       {@link CappedBody#exceeded()} and the rest is never read: the connection is closed;
 *   <li>failures complete the future exceptionally with what {@link Failures#fromException}
 *       understands: {@link java.net.http.HttpConnectTimeoutException} when the connect timeout
 *       passes, {@link java.net.ConnectException} when nothing listens, another {@link
 *       java.io.IOException} for any other I/O failure; messages hold no header value or body;
 *   <li>cancelling the returned future aborts the exchange (its connection is closed, not returned
 *       to the pool); the caller enforces the per-attempt timeout that way;
 *   <li>{@code https} verifies the server's certificate and host name; redirects are not followed;
 *   <li>threads are daemon threads named {@code plaid-http-…}; {@link #close()} releases every
 *       thread and connection and is idempotent (the JDK transport cannot fully: see {@link
 *       JdkTransport}).
 * </ul>
 *
 * <p>Threading: {@link #post} may be called from any thread and returns at once; its future
 * completes on one of the transport's threads.
 */
interface PlaidTransport extends AutoCloseable {

  /** Starts one exchange. */
  CompletableFuture<Response> post(byte[] jsonBody);

  @Override
  void close();

  /** A complete answer: its status and its (possibly exceeded) body. */
  record Response(int status, CappedBody body) {}

  /** The request headers, in the order they are sent; the secret is among them: never log these. */
  static List<Map.Entry<String, String>> headers(PlaidClientConfig config) {
    return List.of(
        Map.entry("Content-Type", "application/json"),
        Map.entry("User-Agent", config.userAgent()),
        Map.entry("Plaid-Version", config.plaidVersion()),
        Map.entry("PLAID-CLIENT-ID", config.clientId()),
        Map.entry("PLAID-SECRET", config.secret().reveal()));
  }
}
