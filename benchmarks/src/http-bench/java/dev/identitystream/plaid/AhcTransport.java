package dev.identitystream.plaid;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.asynchttpclient.AsyncHandler;
import org.asynchttpclient.AsyncHttpClient;
import org.asynchttpclient.Dsl;
import org.asynchttpclient.HttpResponseBodyPart;
import org.asynchttpclient.HttpResponseStatus;
import org.asynchttpclient.ListenableFuture;
import org.asynchttpclient.RequestBuilder;

/** Candidate: AsyncHttpClient 3 (Netty), HTTP/1.1, {@code ioThreads} event loops. */
final class AhcTransport implements PlaidTransport {

  private final AsyncHttpClient http;
  private final String endpoint;
  private final Iterable<Map.Entry<String, String>> headers;
  private final int maxBytes;

  AhcTransport(PlaidClientConfig config, int maxConnections) {
    this.endpoint = config.endpoint().toString();
    this.headers = PlaidTransport.headers(config);
    this.maxBytes = config.maxResponseBytes();
    http =
        Dsl.asyncHttpClient(
            Dsl.config()
                .setMaxConnections(maxConnections)
                .setMaxConnectionsPerHost(maxConnections)
                .setConnectTimeout(config.connectTimeout())
                .setRequestTimeout(config.attemptTimeout())
                .setIoThreadsCount(config.ioThreads())
                .setThreadPoolName(TransportThreads.newPrefix())
                .setFollowRedirect(false)
                .setKeepAlive(true)
                .setTcpNoDelay(true));
  }

  @Override
  public CompletableFuture<PlaidTransport.Response> post(byte[] jsonBody) {
    RequestBuilder builder = new RequestBuilder("POST").setUrl(endpoint).setBody(jsonBody);
    for (Map.Entry<String, String> header : headers) {
      builder.setHeader(header.getKey(), header.getValue());
    }
    Handler handler = new Handler(maxBytes);
    ListenableFuture<PlaidTransport.Response> exchange =
        http.executeRequest(builder.build(), handler);
    CompletableFuture<PlaidTransport.Response> result = exchange.toCompletableFuture();
    return result;
  }

  @Override
  public void close() {
    try {
      http.close();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static final class Handler implements AsyncHandler<PlaidTransport.Response> {
    private final int maxBytes;
    private int status;
    private CappedBody.Collector collector;

    Handler(int maxBytes) {
      this.maxBytes = maxBytes;
    }

    @Override
    public State onStatusReceived(HttpResponseStatus s) {
      status = s.getStatusCode();
      return State.CONTINUE;
    }

    @Override
    public State onHeadersReceived(HttpHeaders h) {
      String length = h.get("content-length");
      collector =
          new CappedBody.Collector(maxBytes, length == null ? -1 : Long.parseLong(length.trim()));
      return collector.exceeded() ? State.ABORT : State.CONTINUE;
    }

    @Override
    public State onBodyPartReceived(HttpResponseBodyPart part) {
      return collector.add(part.getBodyByteBuffer()) ? State.CONTINUE : State.ABORT;
    }

    @Override
    public void onThrowable(Throwable t) {}

    @Override
    public PlaidTransport.Response onCompleted() {
      CappedBody body =
          collector == null ? new CappedBody.Collector(maxBytes, 0).finish() : collector.finish();
      return new PlaidTransport.Response(status, body);
    }
  }
}
