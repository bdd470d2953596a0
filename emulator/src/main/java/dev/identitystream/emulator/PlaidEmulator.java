package dev.identitystream.emulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local stand-in for Plaid's {@code POST /identity/documents/uploads/get}, answering per the
 * OpenAPI extract ({@code emulator/src/test/resources/plaid/}) on {@code http://127.0.0.1:PORT}:
 * Plaid's header and body checks and error bodies, realistic data derived from each access token,
 * configurable latency and fault injection ({@link EmulatorOptions}), a switchable outage, and
 * counters ({@link #stats()}).
 *
 * <h2>Token conventions (Sandbox tokens; the part after the keyword is free)</h2>
 *
 * <ul>
 *   <li>{@code access-sandbox-<anything else>} and {@code access-production-<id>}: a 200 with 1 to
 *       4 accounts (see {@link EmulatorOptions#minAccounts()}); the same token always gives the
 *       same Item, accounts, ids, owners and documents. Anything else is {@code
 *       INVALID_ACCESS_TOKEN}.
 *   <li>{@code access-sandbox-error-<ERROR_CODE>-<anything>}: always that Plaid error, with its
 *       {@code error_type} and HTTP status (e.g. {@code ITEM_LOGIN_REQUIRED} → ITEM_ERROR 400,
 *       {@code RATE_LIMIT} → RATE_LIMIT_EXCEEDED 429, {@code PLANNED_MAINTENANCE} → API_ERROR 503);
 *       an unknown code gets the unknown type {@code EMULATOR_UNKNOWN_ERROR_TYPE} and 400.
 *   <li>{@code access-sandbox-accounts<N>-<anything>}: exactly N accounts, 1 ≤ N ≤ 100.
 *   <li>{@code access-sandbox-fail<N>x<KIND>-<anything>}: the first N calls fail with KIND ({@code
 *       429}, {@code 500}, {@code 502}, {@code 503}, {@code timeout}, {@code truncated}, {@code
 *       nonjson}, {@code oversize}, {@code drop}; see {@link FaultKind}), later calls succeed.
 *   <li>{@code access-sandbox-itemerror-<anything>}: a 200 whose {@code item.error} is an
 *       ITEM_LOGIN_REQUIRED PlaidError.
 *   <li>{@code access-sandbox-unknown-<anything>}: a 200 with unknown fields (account, Item, top
 *       level) and unknown enum values (subtype {@code "hyper savings"}, auth method, products...).
 * </ul>
 *
 * <p>The access token is never logged, echoed or kept: per-token state is keyed by its SHA-256.
 *
 * <p>Threading: the JDK server's dispatcher thread accepts connections; {@link
 * EmulatorOptions#handlerThreads()} threads (or the dispatcher itself, when 0) parse requests and
 * decide answers; {@link EmulatorOptions#schedulerThreads()} threads write delayed answers, so
 * latency holds no thread. {@link #stats()}, {@link #setOutage} and {@link #close()} may be called
 * from any thread.
 */
public final class PlaidEmulator implements AutoCloseable {

  static {
    // Read once, when the JDK server classes load: must be set before the first HttpServer.
    // Without nodelay every answer waits ~40 ms for a delayed ACK; with the default idle limit
    // (200) a server with thousands of keep-alive clients closes connections after each answer.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    if (System.getProperty("sun.net.httpserver.maxIdleConnections") == null) {
      System.setProperty("sun.net.httpserver.maxIdleConnections", "100000");
    }
  }

  private final EmulatorOptions options;
  private final ExecutorService handlerPool; // null: requests run on the dispatcher thread
  private final ScheduledThreadPoolExecutor scheduler;
  private final EmulatorHandler handler;
  private final int port;
  private volatile StatsRecorder stats;
  private volatile OutageMode outage = OutageMode.NONE;
  private HttpServer server; // guarded by this
  private boolean closed; // guarded by this

  private PlaidEmulator(EmulatorOptions options) {
    this.options = options;
    this.stats = new StatsRecorder(options.arrivalHistory());
    this.handlerPool =
        options.handlerThreads() == 0
            ? null
            : Executors.newFixedThreadPool(
                options.handlerThreads(), daemonThreads("plaid-emulator-handler"));
    this.scheduler =
        new ScheduledThreadPoolExecutor(
            options.schedulerThreads(), daemonThreads("plaid-emulator-writer"));
    scheduler.setRemoveOnCancelPolicy(true);
    this.handler =
        new EmulatorHandler(options, new ObjectMapper(), scheduler, () -> outage, () -> stats);
    this.server = bind(options.port());
    this.port = server.getAddress().getPort();
  }

  /** Starts an emulator; close it when done. */
  public static PlaidEmulator start(EmulatorOptions options) {
    return new PlaidEmulator(options);
  }

  /** {@code http://127.0.0.1:PORT}, to use as the Plaid base URL. */
  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  public EmulatorOptions options() {
    return options;
  }

  /** A snapshot of the counters. */
  public EmulatorStats stats() {
    return stats.snapshot();
  }

  /** Starts counting from zero (requests in flight are counted by the old counters). */
  public void resetStats() {
    stats = new StatsRecorder(options.arrivalHistory());
  }

  /**
   * Changes the per-client limit at run time (as Plaid may): {@code perMinute} requests a minute (0
   * turns it off), in bursts of at most {@code burst} worth of that pace (e.g. 2 s: {@code
   * perMinute / 30} requests). The bucket starts full.
   */
  public void setClientLimit(int perMinute, java.time.Duration burst) {
    handler.clientLimit(perMinute, perMinute * burst.toMillis() / 60_000.0);
  }

  /** {@code true}: every call answers 503 PLANNED_MAINTENANCE; {@code false}: normal service. */
  public void setOutage(boolean down) {
    setOutage(down ? OutageMode.MAINTENANCE : OutageMode.NONE);
  }

  /** Switches the outage mode; {@link OutageMode#REFUSE_CONNECTIONS} stops listening meanwhile. */
  public synchronized void setOutage(OutageMode mode) {
    if (closed) {
      throw new IllegalStateException("emulator is closed");
    }
    if (mode == OutageMode.REFUSE_CONNECTIONS && server != null) {
      server.stop(0);
      server = null;
    } else if (mode != OutageMode.REFUSE_CONNECTIONS && server == null) {
      server = bind(port);
    }
    outage = mode;
  }

  public OutageMode outage() {
    return outage;
  }

  /** Stops listening, cuts open connections and stops the threads. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (server != null) {
      server.stop(0);
      server = null;
    }
    scheduler.shutdownNow();
    if (handlerPool != null) {
      handlerPool.shutdownNow();
    }
    try {
      scheduler.awaitTermination(5, TimeUnit.SECONDS);
      if (handlerPool != null) {
        handlerPool.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private HttpServer bind(int onPort) {
    try {
      InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort);
      HttpServer created = HttpServer.create(address, options.backlog());
      created.createContext("/", handler);
      if (handlerPool != null) {
        created.setExecutor(handlerPool); // else requests run on the server's dispatcher thread
      }
      created.start();
      return created;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on 127.0.0.1:" + onPort, e);
    }
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger next = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + "-" + next.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  @Override
  public String toString() {
    return "PlaidEmulator[" + baseUrl() + "]";
  }
}
