package dev.identitystream.plaid;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/** Candidate: Reactor Netty's {@code HttpClient}, HTTP/1.1, {@code ioThreads} event loops. */
final class ReactorNettyTransport implements PlaidTransport {

  private final ConnectionProvider provider;
  private final LoopResources loops;
  private final HttpClient http;
  private final String endpoint;
  private final int maxBytes;

  ReactorNettyTransport(PlaidClientConfig config, int maxConnections) {
    this.endpoint = config.endpoint().toString();
    this.maxBytes = config.maxResponseBytes();
    String prefix = TransportThreads.newPrefix();
    provider =
        ConnectionProvider.builder(prefix)
            .maxConnections(maxConnections)
            .pendingAcquireMaxCount(-1)
            .build();
    loops = LoopResources.create(prefix, config.ioThreads(), true);
    http =
        HttpClient.create(provider)
            .runOn(loops)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.connectTimeout().toMillis())
            .option(ChannelOption.TCP_NODELAY, true)
            .followRedirect(false)
            .headers(
                h -> {
                  for (Map.Entry<String, String> header : PlaidTransport.headers(config)) {
                    h.set(header.getKey(), header.getValue());
                  }
                });
  }

  @Override
  public CompletableFuture<PlaidTransport.Response> post(byte[] jsonBody) {
    return http.post()
        .uri(endpoint)
        .send(Mono.just(Unpooled.wrappedBuffer(jsonBody)))
        .responseConnection(
            (response, connection) -> {
              String length = response.responseHeaders().get("content-length");
              CappedBody.Collector collector =
                  new CappedBody.Collector(
                      maxBytes, length == null ? -1 : Long.parseLong(length.trim()));
              int status = response.status().code();
              if (collector.exceeded()) {
                connection.dispose();
                return Mono.just(new PlaidTransport.Response(status, CappedBody.exceeded()));
              }
              return connection
                  .inbound()
                  .receive()
                  .takeWhile(buf -> collector.add(buf.nioBuffer()))
                  .then(
                      Mono.fromSupplier(
                          () -> {
                            if (collector.exceeded()) {
                              connection.dispose();
                            }
                            return new PlaidTransport.Response(status, collector.finish());
                          }));
            })
        .next()
        .toFuture();
  }

  @Override
  public void close() {
    provider.dispose();
    loops.dispose();
  }
}
