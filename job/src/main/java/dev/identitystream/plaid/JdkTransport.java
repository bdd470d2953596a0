package dev.identitystream.plaid;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;

/**
 * {@link PlaidTransport} on the JDK {@link HttpClient} ({@code sendAsync}) with an executor of
 * {@link PlaidClientConfig#ioThreads()} threads; {@link HttpRequest#timeout} bounds the wait for
 * the headers. The client's own selector thread ({@code HttpClient-N-SelectorManager}) is named by
 * the JDK, and ends only when the client is garbage-collected (JDK 17's client has no {@code
 * close()}).
 *
 * <p>Threading: see {@link PlaidTransport}; bodies are collected on the executor's threads. The
 * future that {@code sendAsync} returns completes in the JDK's common pool, and so does the
 * response's classification and parsing in {@link HttpPlaidClient}: with two cores or fewer that
 * pool has no threads and {@code CompletableFuture} starts a new thread per call ({@code
 * Thread-N}), one reason this transport costs about three times the CPU of {@link ApacheTransport}
 * here (BENCHMARKS.md, "HTTP client comparison").
 */
final class JdkTransport implements PlaidTransport {

  private final int maxBytes;
  private final ExecutorService executor; // null when the executor is not this transport's own
  private final HttpClient http;
  private final HttpRequest.Builder template;

  JdkTransport(PlaidClientConfig config) {
    this(
        config,
        Executors.newFixedThreadPool(
            config.ioThreads(), TransportThreads.daemon(TransportThreads.newPrefix())));
  }

  /** On the given executor; closed with this transport when it is an {@link ExecutorService}. */
  JdkTransport(PlaidClientConfig config, Executor executor) {
    this.maxBytes = config.maxResponseBytes();
    this.executor = executor instanceof ExecutorService owned ? owned : null;
    this.http =
        HttpClient.newBuilder()
            .executor(executor)
            .connectTimeout(config.connectTimeout())
            .version(config.httpVersion())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(config.endpoint()).timeout(config.attemptTimeout());
    for (Map.Entry<String, String> header : PlaidTransport.headers(config)) {
      builder.header(header.getKey(), header.getValue());
    }
    this.template = builder;
  }

  @Override
  public CompletableFuture<Response> post(byte[] jsonBody) {
    HttpRequest request =
        template.copy().POST(HttpRequest.BodyPublishers.ofByteArray(jsonBody)).build();
    Handler handler = new Handler(maxBytes);
    CompletableFuture<HttpResponse<CappedBody>> exchange = http.sendAsync(request, handler);
    CompletableFuture<Response> result =
        exchange.thenApply(r -> new Response(r.statusCode(), r.body()));
    result.whenComplete(
        (r, error) -> {
          if (result
              .isCancelled()) { // the caller gave up (its timeout): stop reading, drop the exchange
            handler.abort();
            exchange.cancel(true);
          }
        });
    return result;
  }

  /** Stops the executor; exchanges in flight are abandoned. Idempotent. */
  @Override
  public void close() {
    if (executor != null) {
      executor.shutdownNow();
    }
  }

  /**
   * A body handler reading at most {@code maxBytes}: a larger declared {@code Content-Length} is
   * refused before reading; a body that grows past the cap is cancelled as soon as it does (the
   * connection is closed, the rest never read).
   *
   * <p>Threading: one handler per attempt. {@link #abort} may be called from any thread.
   */
  static final class Handler implements HttpResponse.BodyHandler<CappedBody> {
    private final int maxBytes;
    private volatile Subscriber subscriber;
    private volatile boolean aborted;

    Handler(int maxBytes) {
      this.maxBytes = maxBytes;
    }

    @Override
    public HttpResponse.BodySubscriber<CappedBody> apply(HttpResponse.ResponseInfo info) {
      long declared = info.headers().firstValueAsLong("content-length").orElse(-1L);
      Subscriber created = new Subscriber(new CappedBody.Collector(maxBytes, declared));
      subscriber = created;
      if (aborted) {
        created.abort();
      }
      return created;
    }

    /** Stops reading (the per-attempt timeout passed): cancels the body, fails the exchange. */
    void abort() {
      aborted = true;
      Subscriber current = subscriber;
      if (current != null) {
        current.abort();
      }
    }
  }

  /** Feeds the body's buffers to a collector; cancels the subscription once it is exceeded. */
  static final class Subscriber implements HttpResponse.BodySubscriber<CappedBody> {
    private final CompletableFuture<CappedBody> result = new CompletableFuture<>();
    private final CappedBody.Collector collector;
    private volatile Flow.Subscription subscription;

    Subscriber(CappedBody.Collector collector) {
      this.collector = collector;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      if (collector.exceeded()) {
        s.cancel();
        result.complete(CappedBody.exceeded());
        return;
      }
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      if (result.isDone()) {
        return;
      }
      for (ByteBuffer item : items) {
        if (!collector.add(item)) {
          subscription.cancel();
          result.complete(CappedBody.exceeded());
          return;
        }
      }
    }

    @Override
    public void onError(Throwable throwable) {
      result.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
      result.complete(collector.finish());
    }

    @Override
    public CompletionStage<CappedBody> getBody() {
      return result;
    }

    void abort() {
      Flow.Subscription s = subscription;
      if (s != null) {
        s.cancel();
      }
      result.completeExceptionally(new IOException("response body aborted"));
    }
  }
}
