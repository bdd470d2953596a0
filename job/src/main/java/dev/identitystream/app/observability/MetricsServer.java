package dev.identitystream.app.observability;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job's HTTP endpoint on the JDK {@link HttpServer}: {@code GET /metrics} (Prometheus text
 * format), {@code GET /health/live} and {@code GET /health/ready} ({@link Health}). Any other path
 * is 404, any other method 405.
 *
 * <p>Threading: requests are served one at a time on the server's own thread; the suppliers are
 * called there and must be thread-safe. {@link #close} from any thread.
 */
public final class MetricsServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);
  private static final String JSON = "application/json";

  private final HttpServer server;
  private final ExecutorService executor;

  private MetricsServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Starts serving on {@code bindAddress:port} (port 0 picks a free one).
   *
   * @param live the liveness answer, computed per request
   * @param ready the readiness answer, computed per request
   */
  public static MetricsServer start(
      String bindAddress,
      int port,
      PrometheusMeterRegistry registry,
      Supplier<Health> live,
      Supplier<Health> ready)
      throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(bindAddress, port), 0);
    server.createContext(
        "/metrics",
        exchange ->
            answer(
                exchange,
                "/metrics",
                () ->
                    new Reply(200, registry.scrape(), "text/plain; version=0.0.4; charset=utf-8")));
    server.createContext(
        "/health/live", exchange -> answer(exchange, "/health/live", () -> Reply.of(live.get())));
    server.createContext(
        "/health/ready",
        exchange -> answer(exchange, "/health/ready", () -> Reply.of(ready.get())));
    ExecutorService executor =
        Executors.newSingleThreadExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "metrics-http");
              thread.setDaemon(true);
              return thread;
            });
    server.setExecutor(executor);
    server.start();
    return new MetricsServer(server, executor);
  }

  /** The port actually bound. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** A URL for this machine, e.g. {@code http://127.0.0.1:9464}. */
  public String url() {
    String host =
        server.getAddress().getAddress().isAnyLocalAddress()
            ? "127.0.0.1"
            : server.getAddress().getAddress().getHostAddress();
    return "http://" + host + ":" + port();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private record Reply(int status, String body, String contentType) {
    static Reply of(Health health) {
      return new Reply(health.status(), health.body(), JSON);
    }
  }

  private static void answer(HttpExchange exchange, String path, Supplier<Reply> handler)
      throws IOException {
    try (exchange) {
      Reply reply;
      if (!exchange.getRequestURI().getPath().equals(path)) {
        reply = new Reply(404, "{\"error\":\"not found\"}", JSON);
      } else if (!"GET".equals(exchange.getRequestMethod())
          && !"HEAD".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().add("Allow", "GET, HEAD");
        reply = new Reply(405, "{\"error\":\"method not allowed\"}", JSON);
      } else {
        try {
          reply = handler.get();
        } catch (RuntimeException e) {
          LOG.warn("Answering {} failed: {}", path, e.getClass().getName());
          reply = new Reply(500, "{\"error\":\"internal error\"}", JSON);
        }
      }
      byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", reply.contentType());
      boolean head = "HEAD".equals(exchange.getRequestMethod());
      exchange.sendResponseHeaders(reply.status(), head ? -1 : bytes.length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
    }
  }
}
