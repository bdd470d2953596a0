package dev.identitystream.plaid;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.internal.buffer.BufferInternal;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Candidate: the Vert.x 5 HTTP client (what its web client wraps), HTTP/1.1, {@code ioThreads}
 * event loops.
 */
final class VertxTransport implements PlaidTransport {

  private final Vertx vertx;
  private final HttpClientAgent http;
  private final RequestOptions template;
  private final int maxBytes;

  VertxTransport(PlaidClientConfig config, int maxConnections) {
    this.maxBytes = config.maxResponseBytes();
    vertx =
        Vertx.vertx(
            new VertxOptions().setEventLoopPoolSize(config.ioThreads()).setWorkerPoolSize(1));
    http =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setConnectTimeout((int) config.connectTimeout().toMillis())
                .setTcpNoDelay(true)
                .setKeepAlive(true)
                .setVerifyHost(true),
            new PoolOptions().setHttp1MaxSize(maxConnections).setMaxWaitQueueSize(-1));
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    for (Map.Entry<String, String> header : PlaidTransport.headers(config)) {
      headers.set(header.getKey(), header.getValue());
    }
    template =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setAbsoluteURI(config.endpoint().toString())
            .setHeaders(headers)
            .setFollowRedirects(false);
  }

  @Override
  public CompletableFuture<PlaidTransport.Response> post(byte[] jsonBody) {
    CompletableFuture<PlaidTransport.Response> result = new CompletableFuture<>();
    http.request(new RequestOptions(template))
        .compose(request -> request.send(Buffer.buffer(jsonBody)))
        .onComplete(
            response -> {
              String length = response.getHeader("content-length");
              CappedBody.Collector collector =
                  new CappedBody.Collector(
                      maxBytes, length == null ? -1 : Long.parseLong(length.trim()));
              int status = response.statusCode();
              if (collector.exceeded()) {
                response.request().connection().close();
                result.complete(new PlaidTransport.Response(status, CappedBody.exceeded()));
                return;
              }
              response.handler(
                  buf -> {
                    if (!collector.add(((BufferInternal) buf).getByteBuf().nioBuffer())) {
                      response.request().connection().close();
                      result.complete(new PlaidTransport.Response(status, CappedBody.exceeded()));
                    }
                  });
              response.exceptionHandler(result::completeExceptionally);
              response.endHandler(
                  v -> result.complete(new PlaidTransport.Response(status, collector.finish())));
            },
            result::completeExceptionally);
    return result;
  }

  @Override
  public void close() {
    http.close();
    vertx.close();
  }
}
