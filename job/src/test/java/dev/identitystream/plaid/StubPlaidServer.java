package dev.identitystream.plaid;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A scriptable Plaid stand-in for unit tests, on the JDK HttpServer at 127.0.0.1. Each access token
 * answers a scripted sequence of replies (the last one repeats); an unscripted token gets a valid
 * 200. Every request is recorded (headers, exact body, arrival time).
 *
 * <p>Threading: script and read from the test thread; handlers run on the server's pool.
 */
final class StubPlaidServer implements AutoCloseable {

  static final String PATH = "/identity/documents/uploads/get";

  static {
    // Read once when the JDK server classes load; without it delayed ACKs add ~40 ms per reply.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private final HttpServer server;
  private final ExecutorService pool = Executors.newCachedThreadPool(daemon("stub-plaid"));
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(daemon("stub-plaid-timer"));
  private final Map<String, Deque<Reply>> scripts = new ConcurrentHashMap<>();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final List<HttpExchange> hung = new CopyOnWriteArrayList<>();
  private final AtomicLong bodyBytesSent = new AtomicLong();
  private volatile Reply everyone; // when set, answers every request instead of the scripts

  /** One request as received. Header names are lower case. */
  record Received(String token, Map<String, List<String>> headers, byte[] body, long arrivalNanos) {
    String header(String name) {
      List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
      return values == null || values.isEmpty() ? null : values.get(0);
    }

    String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** What to answer. */
  sealed interface Reply {
    /** A status with a body ({@code null} content type: none). */
    record Fixed(int status, String contentType, byte[] body) implements Reply {}

    /** A body of {@code bytes} bytes, streamed; with or without {@code Content-Length}. */
    record Oversize(long bytes, boolean declareLength) implements Reply {}

    /** {@code reply} after {@code delay}, without holding a thread. */
    record Delayed(Duration delay, Reply reply) implements Reply {}

    /** Headers and the first bytes of a body, then nothing until the server stops. */
    record HungBody() implements Reply {}

    static Reply ok(String json) {
      return new Fixed(200, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    static Reply ok() {
      return ok(successBody("item-1", "acc-1", "acc-2"));
    }

    static Reply plaidError(int status, String type, String code) {
      String json =
          "{\"error_type\":\""
              + type
              + "\",\"error_code\":\""
              + code
              + "\",\"error_message\":\"stub "
              + code
              + "\",\"display_message\":null,\"request_id\":\"req-err\",\"suggested_action\":null}";
      return new Fixed(status, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    static Reply status(int status) {
      return new Fixed(status, null, new byte[0]);
    }

    static Reply raw(int status, String contentType, String body) {
      return new Fixed(status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    static Reply oversize(long bytes, boolean declareLength) {
      return new Oversize(bytes, declareLength);
    }

    static Reply delayed(Duration delay, Reply reply) {
      return new Delayed(delay, reply);
    }

    static Reply hungBody() {
      return new HungBody();
    }
  }

  private StubPlaidServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setExecutor(pool);
    server.createContext(PATH, this::handle);
    server.start();
  }

  static StubPlaidServer start() {
    try {
      return new StubPlaidServer();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  URI baseUrl() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Answers {@code token} with these replies in turn; the last one repeats. */
  StubPlaidServer script(String token, Reply... replies) {
    scripts.put(token, new ArrayDeque<>(Arrays.asList(replies)));
    return this;
  }

  /** Answers every request with {@code reply} until called with null (then the scripts again). */
  StubPlaidServer answerEveryone(Reply reply) {
    everyone = reply;
    return this;
  }

  List<Received> received() {
    return List.copyOf(received);
  }

  long hits(String token) {
    return received.stream().filter(r -> token.equals(r.token())).count();
  }

  /** Body bytes written for oversize replies before the client stopped reading (or all). */
  long oversizeBytesSent() {
    return bodyBytesSent.get();
  }

  static String successBody(String itemId, String... accountIds) {
    StringBuilder accounts = new StringBuilder();
    for (String id : accountIds) {
      if (accounts.length() > 0) {
        accounts.append(',');
      }
      accounts
          .append("{\"account_id\":\"")
          .append(id)
          .append("\",")
          .append("\"balances\":{\"available\":100.10,\"current\":110.50,\"limit\":null,")
          .append("\"iso_currency_code\":\"USD\",\"unofficial_currency_code\":null},")
          .append("\"mask\":\"0000\",\"name\":\"Checking\",\"official_name\":null,")
          .append(
              "\"type\":\"depository\",\"subtype\":\"checking\",\"owners\":[],\"documents\":null}");
    }
    return "{\"accounts\":["
        + accounts
        + "],\"item\":{\"item_id\":\""
        + itemId
        + "\","
        + "\"institution_id\":\"ins_1\",\"institution_name\":\"Stub Bank\",\"error\":null,"
        + "\"available_products\":[],\"billed_products\":[\"identity\"],\"webhook\":null,"
        + "\"consent_expiration_time\":null,\"update_type\":\"background\"},\"request_id\":\"req-ok\"}";
  }

  private void handle(HttpExchange exchange) throws IOException {
    long arrival = System.nanoTime();
    byte[] body = exchange.getRequestBody().readAllBytes();
    String token = tokenOf(body);
    received.add(new Received(token, lowerCase(exchange.getRequestHeaders()), body, arrival));
    respond(exchange, next(token));
  }

  private Reply next(String token) {
    Reply override = everyone;
    if (override != null) {
      return override;
    }
    Deque<Reply> script = scripts.get(token);
    if (script == null) {
      return Reply.ok();
    }
    synchronized (script) {
      return script.size() > 1 ? script.poll() : script.peek();
    }
  }

  private void respond(HttpExchange exchange, Reply reply) throws IOException {
    if (reply instanceof Reply.Fixed fixed) {
      if (fixed.contentType() != null) {
        exchange.getResponseHeaders().add("Content-Type", fixed.contentType());
      }
      exchange.sendResponseHeaders(
          fixed.status(), fixed.body().length == 0 ? -1 : fixed.body().length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(fixed.body());
      }
    } else if (reply instanceof Reply.Delayed delayed) {
      timer.schedule(
          () -> respondLater(exchange, delayed.reply()),
          delayed.delay().toNanos(),
          TimeUnit.NANOSECONDS);
    } else if (reply instanceof Reply.Oversize oversize) {
      pool.execute(() -> stream(exchange, oversize));
    } else if (reply instanceof Reply.HungBody) {
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, 0);
      exchange.getResponseBody().write("{\"accounts\":[".getBytes(StandardCharsets.UTF_8));
      exchange.getResponseBody().flush();
      hung.add(exchange);
    }
  }

  private void respondLater(HttpExchange exchange, Reply reply) {
    try {
      respond(exchange, reply);
    } catch (IOException e) {
      exchange.close(); // the client gave up first
    }
  }

  private void stream(HttpExchange exchange, Reply.Oversize oversize) {
    byte[] chunk = new byte[64 * 1024];
    Arrays.fill(chunk, (byte) ' ');
    try (OutputStream out = exchange.getResponseBody()) {
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, oversize.declareLength() ? oversize.bytes() : 0);
      for (long sent = 0; sent < oversize.bytes(); sent += chunk.length) {
        int n = (int) Math.min(chunk.length, oversize.bytes() - sent);
        out.write(chunk, 0, n);
        bodyBytesSent.addAndGet(n);
      }
    } catch (IOException e) {
      exchange.close(); // the client stopped reading: expected
    }
  }

  private static String tokenOf(byte[] body) {
    try {
      JsonNode token = PlaidJson.mapper().readTree(body).get("access_token");
      return token != null && token.isTextual() ? token.asText() : "?";
    } catch (IOException e) {
      return "?";
    }
  }

  private static Map<String, List<String>> lowerCase(Map<String, List<String>> headers) {
    Map<String, List<String>> out = new ConcurrentHashMap<>();
    headers.forEach((k, v) -> out.put(k.toLowerCase(java.util.Locale.ROOT), List.copyOf(v)));
    return out;
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public void close() {
    hung.forEach(HttpExchange::close);
    server.stop(0);
    timer.shutdownNow();
    pool.shutdownNow();
  }
}
