package dev.identitystream.plaid;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** Candidate: Jetty 12 {@code HttpClient}, HTTP/1.1, one selector, a small named daemon pool. */
final class JettyTransport implements PlaidTransport {

  private final HttpClient http;
  private final java.net.URI endpoint;
  private final int maxBytes;
  private final Iterable<Map.Entry<String, String>> headers;

  JettyTransport(PlaidClientConfig config, int maxConnections) {
    this.endpoint = config.endpoint();
    this.maxBytes = config.maxResponseBytes();
    this.headers = PlaidTransport.headers(config);
    String prefix = TransportThreads.newPrefix();
    QueuedThreadPool pool = new QueuedThreadPool(Math.max(4, config.ioThreads() + 2), 1);
    pool.setName(prefix);
    pool.setDaemon(true);
    pool.setReservedThreads(0);
    ClientConnector connector = new ClientConnector();
    connector.setSelectors(1);
    connector.setExecutor(pool);
    connector.setConnectTimeout(config.connectTimeout());
    SslContextFactory.Client tls = new SslContextFactory.Client();
    tls.setEndpointIdentificationAlgorithm("HTTPS");
    connector.setSslContextFactory(tls);
    http = new HttpClient(new HttpClientTransportOverHTTP(connector));
    http.setExecutor(pool);
    http.setFollowRedirects(false);
    http.setUserAgentField(null);
    http.setMaxConnectionsPerDestination(maxConnections);
    http.setMaxRequestsQueuedPerDestination(Math.max(1024, 4 * maxConnections));
    http.getContentDecoderFactories().clear();
    try {
      http.start();
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the Jetty client", e);
    }
  }

  @Override
  public CompletableFuture<PlaidTransport.Response> post(byte[] jsonBody) {
    Request request = http.newRequest(endpoint).method(HttpMethod.POST);
    request.headers(
        h -> {
          for (Map.Entry<String, String> header : headers) {
            h.put(header.getKey(), header.getValue());
          }
        });
    request.body(new BytesRequestContent("application/json", jsonBody));
    Listener listener = new Listener(maxBytes);
    request.send(listener);
    listener.result.whenComplete(
        (r, e) -> {
          if (listener.result.isCancelled()) {
            request.abort(new IOException("exchange cancelled"));
          }
        });
    return listener.result;
  }

  @Override
  public void close() {
    try {
      http.stop();
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop the Jetty client", e);
    }
  }

  private static final class Listener implements org.eclipse.jetty.client.Response.Listener {
    final CompletableFuture<PlaidTransport.Response> result = new CompletableFuture<>();
    private final int maxBytes;
    private CappedBody.Collector collector;

    Listener(int maxBytes) {
      this.maxBytes = maxBytes;
    }

    @Override
    public void onHeaders(org.eclipse.jetty.client.Response response) {
      collector =
          new CappedBody.Collector(
              maxBytes, response.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH));
      if (collector.exceeded()) {
        response.abort(new IOException("body over the cap"));
      }
    }

    @Override
    public void onContent(org.eclipse.jetty.client.Response response, ByteBuffer content) {
      if (!collector.add(content)) {
        response.abort(new IOException("body over the cap"));
      }
    }

    @Override
    public void onComplete(Result outcome) {
      if (collector != null && collector.exceeded()) {
        result.complete(
            new PlaidTransport.Response(outcome.getResponse().getStatus(), CappedBody.exceeded()));
      } else if (outcome.isFailed()) {
        result.completeExceptionally(outcome.getFailure());
      } else {
        CappedBody body =
            collector == null ? new CappedBody.Collector(maxBytes, 0).finish() : collector.finish();
        result.complete(new PlaidTransport.Response(outcome.getResponse().getStatus(), body));
      }
    }
  }
}
