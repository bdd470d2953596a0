package dev.identitystream.emulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves every path of the emulator: decides the answer at once, then writes it after the sampled
 * latency from the scheduler, so waiting holds no thread.
 *
 * <p>Decision order: a proxy outage (403 HTML page), path and method (404 NOT_FOUND), maintenance
 * outage (503) or keys outage (400 INVALID_API_KEYS), {@link RequestChecks}, token format
 * (INVALID_ACCESS_TOKEN), per-client then per-Item rate limits (429 RATE_LIMIT, then 429
 * IDENTITY_LIMIT), fault rates, token conventions (error / fail tokens), {@code
 * options.account_ids} (INVALID_ACCOUNT_ID), then the Item's data.
 *
 * <p>Threading: {@link #handle} runs on the JDK server's executor threads; answers are written
 * there (no latency) or on the scheduler's threads. Shared state is thread-safe.
 */
final class EmulatorHandler implements HttpHandler {

  static final String PATH = "/identity/documents/uploads/get";

  private static final Logger LOG = LoggerFactory.getLogger(EmulatorHandler.class);
  private static final long FAULT_SALT = 0x5EED_FA17L;
  private static final long LATENCY_SALT_1 = 0x1A7E_0001L;
  private static final long LATENCY_SALT_2 = 0x1A7E_0002L;

  private final EmulatorOptions options;
  private final ObjectMapper mapper;
  private final RequestChecks checks;
  private final FixtureGenerator fixtures;
  private final FailCounters failCounters;
  private volatile RateLimiter clientLimiter;
  private final RateLimiter itemLimiter;
  private final PlaidIds ids;
  private final ReplyWriter writer;
  private final ScheduledExecutorService scheduler;
  private final Supplier<OutageMode> outage;
  private final Supplier<StatsRecorder> stats;
  private final AtomicLong draws = new AtomicLong();

  EmulatorHandler(
      EmulatorOptions options,
      ObjectMapper mapper,
      ScheduledExecutorService scheduler,
      Supplier<OutageMode> outage,
      Supplier<StatsRecorder> stats) {
    this.options = options;
    this.mapper = mapper;
    this.checks = new RequestChecks(mapper, options.clientId(), options.secret());
    this.fixtures =
        new FixtureGenerator(
            mapper, options.minAccounts(), options.maxAccounts(), options.tokenMemory());
    this.failCounters = new FailCounters(options.tokenMemory());
    this.clientLimiter = new RateLimiter(options.clientRequestsPerMinute(), options.tokenMemory());
    this.itemLimiter = new RateLimiter(options.itemRequestsPerMinute(), options.tokenMemory());
    this.ids = new PlaidIds(options.seed());
    this.writer = new ReplyWriter(options.oversizeBytes());
    this.scheduler = scheduler;
    this.outage = outage;
    this.stats = stats;
  }

  /**
   * Replaces the per-client limit: {@code perMinute} (0 = off), bursts of up to {@code burst}
   * requests.
   */
  void clientLimit(int perMinute, double burst) {
    clientLimiter = new RateLimiter(perMinute, burst, options.tokenMemory());
  }

  @Override
  public void handle(HttpExchange exchange) {
    long arrival = System.nanoTime();
    StatsRecorder recorder = stats.get();
    recorder.begin(arrival);
    long k = draws.getAndIncrement();
    Reply reply;
    try {
      reply = decide(exchange, arrival, recorder, k);
    } catch (IOException | RuntimeException e) {
      // Only the exception type: a message could quote request content.
      LOG.warn("emulator could not answer a request: {}", e.getClass().getName());
      reply = error("INTERNAL_SERVER_ERROR", null, null);
    }
    dispatch(exchange, reply, arrival, recorder, k);
  }

  private Reply decide(HttpExchange exchange, long arrival, StatsRecorder recorder, long k)
      throws IOException {
    byte[] body = readBody(exchange);
    if (outage.get() == OutageMode.PROXY_FORBIDDEN) {
      recorder.arrival(arrival, null);
      return Reply.page(403, "<h1>403 Forbidden</h1><p>Access denied by the proxy's policy.</p>");
    }
    if (!PATH.equals(exchange.getRequestURI().getPath())
        || !"POST".equals(exchange.getRequestMethod())) {
      recorder.arrival(arrival, null);
      return error("NOT_FOUND", null, null);
    }
    OutageMode mode = outage.get();
    if (mode == OutageMode.MAINTENANCE || mode == OutageMode.INVALID_API_KEYS) {
      recorder.arrival(arrival, null);
      return error(
          mode == OutageMode.MAINTENANCE ? "PLANNED_MAINTENANCE" : "INVALID_API_KEYS", null, null);
    }
    if (body.length > options.maxRequestBytes()) {
      recorder.arrival(arrival, null);
      return error("INVALID_BODY", "request body is larger than the limit", null);
    }
    Headers headers = exchange.getRequestHeaders();
    RequestChecks.Outcome outcome =
        checks.check(
            headers.getFirst("Content-Type"),
            headers.getFirst("PLAID-CLIENT-ID"),
            headers.getFirst("PLAID-SECRET"),
            body);
    if (outcome instanceof RequestChecks.Rejected r) {
      recorder.arrival(arrival, null);
      return error(r.code(), r.message(), null);
    }
    RequestChecks.Accepted request = (RequestChecks.Accepted) outcome;
    return decideFor(request, arrival, recorder, k);
  }

  private Reply decideFor(
      RequestChecks.Accepted request, long arrival, StatsRecorder recorder, long k) {
    Optional<TokenConvention> parsed = TokenConvention.parse(request.accessToken());
    if (parsed.isEmpty()) {
      recorder.arrival(arrival, null);
      return error("INVALID_ACCESS_TOKEN", null, null);
    }
    TokenConvention convention = parsed.get();
    if (convention instanceof TokenConvention.Misused m) {
      recorder.arrival(arrival, null);
      return error(
          "INVALID_ACCESS_TOKEN",
          "could not find matching access token (emulator: " + m.reason() + ")",
          null);
    }
    TokenKey token = TokenKey.of(request.accessToken());
    Fixture fixture = fixtures.fixtureFor(token, convention);
    recorder.arrival(arrival, fixture.itemId());
    long now = System.nanoTime();
    if (!clientLimiter.tryAcquire(request.clientId(), now)) {
      return error(
          "RATE_LIMIT", "rate limit exceeded for this client. please try again later", null);
    }
    if (!itemLimiter.tryAcquire(token.hex(), now)) {
      return error(
          "IDENTITY_LIMIT", null, null); // Plaid's per-Item limits answer the product's code
    }
    FaultKind fault = options.faults().pick(Mix64.unit(Mix64.draw(options.seed() ^ FAULT_SALT, k)));
    if (fault == null
        && convention instanceof TokenConvention.FailFirst f
        && failCounters.countAndCheck(token.hex(), f.failures())) {
      fault = f.kind();
    }
    if (fault == null && convention instanceof TokenConvention.ErrorCode e) {
      return error(e.code(), null, null);
    }
    if (fault != null) {
      return faultReply(fault, fixture);
    }
    for (String accountId : request.accountIds()) {
      if (!fixture.hasAccount(accountId)) {
        return error("INVALID_ACCOUNT_ID", null, null);
      }
    }
    return Reply.json(200, fixture.body(ids.nextRequestId(), request.accountIds()));
  }

  private Reply faultReply(FaultKind fault, Fixture fixture) {
    return switch (fault) {
      case RATE_LIMIT_429 -> error("RATE_LIMIT", null, fault);
      case SERVER_ERROR_500 -> error("INTERNAL_SERVER_ERROR", null, fault);
      case UNAVAILABLE_503 -> error("PLANNED_MAINTENANCE", null, fault);
      case TRUNCATED, OVERSIZE -> Reply.fault(fault, fixture.body(ids.nextRequestId(), List.of()));
      default -> Reply.fault(fault, new byte[0]);
    };
  }

  private Reply error(String code, String message, FaultKind fault) {
    String requestId = ids.nextRequestId();
    var body =
        message == null
            ? ErrorCatalog.body(code, requestId)
            : ErrorCatalog.body(code, message, requestId);
    try {
      return Reply.error(
          ErrorCatalog.entry(code).httpStatus(), mapper.writeValueAsBytes(body), code, fault);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize an error body", e);
    }
  }

  private void dispatch(
      HttpExchange exchange, Reply reply, long arrival, StatsRecorder recorder, long k) {
    long delay;
    if (reply.fault() == FaultKind.TIMEOUT) {
      delay = options.timeoutHold().toNanos();
    } else {
      long sample =
          options
              .latency()
              .sampleNanos(
                  Mix64.unit(Mix64.draw(options.seed() ^ LATENCY_SALT_1, k)),
                  Mix64.unit(Mix64.draw(options.seed() ^ LATENCY_SALT_2, k)));
      delay = sample - (System.nanoTime() - arrival);
    }
    if (delay <= 0) {
      finish(exchange, reply, recorder);
      return;
    }
    try {
      scheduler.schedule(() -> finish(exchange, reply, recorder), delay, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException stopping) {
      exchange.close();
      recorder.end(0, null, null);
    }
  }

  /** Counts the answer before sending it, so a client that has it also sees it in the stats. */
  private void finish(HttpExchange exchange, Reply reply, StatsRecorder recorder) {
    boolean silent = reply.fault() == FaultKind.DROP || reply.fault() == FaultKind.TIMEOUT;
    recorder.end(silent ? 0 : reply.status(), reply.errorCode(), reply.fault());
    writer.write(exchange, reply);
  }

  /** Reads at most {@code maxRequestBytes + 1} bytes, sized by Content-Length when it is sent. */
  private byte[] readBody(HttpExchange exchange) throws IOException {
    int cap = options.maxRequestBytes() + 1;
    String declared = exchange.getRequestHeaders().getFirst("Content-Length");
    try (InputStream in = exchange.getRequestBody()) { // closing drains or drops the rest
      if (declared != null) {
        try {
          long length = Long.parseLong(declared.trim());
          if (length >= 0 && length < cap) {
            return in.readNBytes((int) length);
          }
        } catch (NumberFormatException e) {
          // fall through: read up to the cap
        }
      }
      return in.readNBytes(cap);
    }
  }
}
