package dev.identitystream.plaid;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.async.methods.AbstractBinResponseConsumer;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.config.TlsConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.nio.AsyncRequestProducer;
import org.apache.hc.core5.http.nio.support.AsyncRequestBuilder;
import org.apache.hc.core5.http2.HttpVersionPolicy;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link PlaidTransport} on Apache HttpClient 5 async: non-blocking I/O on {@link
 * PlaidClientConfig#ioThreads()} reactor threads, which also collect the body and complete the
 * futures; a pool of at most {@link PlaidClientConfig#maxConnections()} keep-alive connections.
 * HTTP/1.1 unless {@link PlaidClientConfig#httpVersion()} asks for HTTP/2 (then negotiated over
 * TLS). TLS uses the JVM's default trust store and verifies the host name. No redirects, retries,
 * cookies, authentication caching or content decoding.
 *
 * <p>Threading: see {@link PlaidTransport}. The reactor threads, and the one that starts them, are
 * {@code plaid-http-N-M} daemon threads; {@link #close()} ends them all.
 */
final class ApacheTransport implements PlaidTransport {

  private static final Logger LOG = LoggerFactory.getLogger(ApacheTransport.class);
  private static final ContentType JSON = ContentType.create("application/json", (Charset) null);

  private final CloseableHttpAsyncClient http;
  private final URI endpoint;
  private final int maxBytes;
  private final List<Map.Entry<String, String>> headers;
  private volatile boolean closing;

  ApacheTransport(PlaidClientConfig config) {
    this.endpoint = config.endpoint();
    this.maxBytes = config.maxResponseBytes();
    this.headers =
        PlaidTransport.headers(config).stream()
            .filter(h -> !h.getKey().equals("Content-Type"))
            .toList();
    Timeout attempt = Timeout.of(config.attemptTimeout());
    http =
        HttpAsyncClients.custom()
            .setConnectionManager(
                PoolingAsyncClientConnectionManagerBuilder.create()
                    .setMaxConnTotal(config.maxConnections())
                    .setMaxConnPerRoute(config.maxConnections())
                    .setDefaultConnectionConfig(
                        ConnectionConfig.custom()
                            .setConnectTimeout(Timeout.of(config.connectTimeout()))
                            .setSocketTimeout(attempt)
                            .build())
                    .setDefaultTlsConfig(
                        TlsConfig.custom()
                            .setVersionPolicy(
                                config.httpVersion() == HttpClient.Version.HTTP_2
                                    ? HttpVersionPolicy.NEGOTIATE
                                    : HttpVersionPolicy.FORCE_HTTP_1)
                            .build())
                    .build())
            // hard cancellation: cancelling an exchange aborts it and closes its connection
            .setDefaultRequestConfig(
                RequestConfig.custom()
                    .setConnectionRequestTimeout(attempt)
                    .setHardCancellationEnabled(true)
                    .build())
            .setIOReactorConfig(
                IOReactorConfig.custom()
                    .setIoThreadCount(config.ioThreads())
                    .setTcpNoDelay(true)
                    .build())
            .setThreadFactory(TransportThreads.daemon(TransportThreads.newPrefix()))
            .setIoReactorExceptionCallback(this::reactorFailed)
            .disableRedirectHandling()
            .disableAutomaticRetries()
            .disableCookieManagement()
            .disableAuthCaching()
            .disableContentCompression()
            .build();
    http.start();
  }

  @Override
  public CompletableFuture<Response> post(byte[] jsonBody) {
    AsyncRequestBuilder builder = AsyncRequestBuilder.post(endpoint).setEntity(jsonBody, JSON);
    for (Map.Entry<String, String> header : headers) {
      builder.addHeader(header.getKey(), header.getValue());
    }
    AsyncRequestProducer request = builder.build();
    Consumer consumer = new Consumer(maxBytes);
    CompletableFuture<Response> result = new CompletableFuture<>();
    Future<Response> exchange = http.execute(request, consumer, new Callback(result, consumer));
    result.whenComplete(
        (r, error) -> {
          if (result.isCancelled()) { // the caller gave up (its timeout): the connection is closed
            exchange.cancel(true);
          }
        });
    return result;
  }

  /** Closes every connection and stops the reactor threads at once. Idempotent. */
  @Override
  public void close() {
    closing = true;
    http.close(CloseMode.IMMEDIATE);
  }

  /** An exception that escaped the reactor (the exchange it belonged to fails on its own). */
  private void reactorFailed(Exception e) {
    if (closing) {
      // Closing at once races the reactor's own clean-up (seen: ClosedSelectorException,
      // ConcurrentModificationException); every exchange has ended by then: nothing to report.
      LOG.debug(
          "Plaid HTTP client: I/O reactor failure while closing ({})", e.getClass().getName());
      return;
    }
    LOG.warn("Plaid HTTP client: I/O reactor failure ({})", e.getClass().getName());
  }

  /** Completes the caller's future: a body over the cap is an answer, not a failure. */
  private record Callback(CompletableFuture<Response> result, Consumer consumer)
      implements FutureCallback<Response> {
    @Override
    public void completed(Response response) {
      result.complete(response);
    }

    @Override
    public void failed(Exception e) {
      if (consumer.exceeded) {
        result.complete(new Response(consumer.status, CappedBody.exceeded()));
      } else {
        result.completeExceptionally(understood(e));
      }
    }

    @Override
    public void cancelled() {
      result.completeExceptionally(new CancellationException("exchange cancelled"));
    }
  }

  /**
   * The failure as {@link Failures} reads it, with the JDK transport's types for timeouts (so that
   * a socket timeout counts as a {@code TIMEOUT}, as the attempt's own timeout does); other I/O
   * failures as they are.
   */
  static Throwable understood(Exception e) {
    if (e instanceof ConnectTimeoutException) {
      return new HttpConnectTimeoutException("connect timed out");
    }
    if (e instanceof SocketTimeoutException) {
      return new HttpTimeoutException("no data within the attempt's timeout");
    }
    if (e instanceof IOException) {
      return e;
    }
    // A protocol violation (HttpException, a malformed response): the connection broke, as far as
    // we care.
    return new IOException(e.getClass().getSimpleName(), e);
  }

  /**
   * Reads the status and the body into a {@link CappedBody.Collector}; a body over the cap
   * (declared or read) fails the exchange at once, which closes its connection.
   *
   * <p>Threading: called on one reactor thread at a time; {@code status} and {@code exceeded} are
   * read by the callback afterwards on the same thread.
   */
  private static final class Consumer extends AbstractBinResponseConsumer<Response> {
    private final int maxBytes;
    private CappedBody.Collector collector;
    volatile int status;
    volatile boolean exceeded;

    Consumer(int maxBytes) {
      this.maxBytes = maxBytes;
    }

    @Override
    protected void start(HttpResponse response, ContentType contentType) throws IOException {
      status = response.getCode();
      collector = new CappedBody.Collector(maxBytes, declaredLength(response));
      if (collector.exceeded()) {
        exceeded = true;
        throw new IOException("response body over the cap");
      }
    }

    @Override
    protected int capacityIncrement() {
      return Integer.MAX_VALUE;
    }

    @Override
    protected void data(ByteBuffer src, boolean endOfStream) throws IOException {
      if (!collector.add(src)) {
        exceeded = true;
        throw new IOException("response body over the cap");
      }
    }

    @Override
    protected Response buildResult() {
      return new Response(status, collector.finish());
    }

    @Override
    public void releaseResources() {}

    private static long declaredLength(HttpResponse response) {
      Header header = response.getFirstHeader("Content-Length");
      if (header == null) {
        return -1;
      }
      try {
        return Long.parseLong(header.getValue().trim());
      } catch (NumberFormatException e) {
        return -1; // the parser has already refused a malformed length; read and cap
      }
    }
  }
}
