package dev.identitystream.app;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Plaid's endpoint over real HTTP on 127.0.0.1, answering each access token with the exact bytes,
 * status and {@code Content-Type} it was given (an unknown token gets 500). The body is sent as
 * given: no re-encoding.
 *
 * <p>Threading: {@link #answer} before the calls; requests run on the server's own threads.
 */
final class BodyServer implements AutoCloseable {

  private static final Pattern TOKEN = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"");

  /** One answer: status, {@code Content-Type} (null: none) and body bytes. */
  record Answer(int status, String contentType, byte[] body) {}

  private final HttpServer server;
  private final ExecutorService pool =
      Executors.newFixedThreadPool(
          2,
          runnable -> {
            Thread thread = new Thread(runnable, "body-server");
            thread.setDaemon(true);
            return thread;
          });
  private final Map<String, Answer> answers = new ConcurrentHashMap<>();

  BodyServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.setExecutor(pool);
    server.createContext("/identity/documents/uploads/get", this::handle);
    server.start();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  void answer(String token, int status, byte[] body) {
    answer(token, status, "application/json", body);
  }

  /** Answers {@code token} with this status and body, labelled {@code contentType} (null: none). */
  void answer(String token, int status, String contentType, byte[] body) {
    answers.put(token, new Answer(status, contentType, body.clone()));
  }

  private void handle(HttpExchange exchange) throws IOException {
    String request = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    Matcher token = TOKEN.matcher(request);
    Answer answer = token.find() ? answers.get(token.group(1)) : null;
    if (answer == null) {
      answer = new Answer(500, "application/json", new byte[0]);
    }
    if (answer.contentType() != null) {
      exchange.getResponseHeaders().add("Content-Type", answer.contentType());
    }
    exchange.sendResponseHeaders(
        answer.status(), answer.body().length == 0 ? -1 : answer.body().length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(answer.body());
    }
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }
}
