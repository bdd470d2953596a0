package dev.identitystream.plaid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.identitystream.emulator.EmulatorOptions;
import dev.identitystream.emulator.EmulatorStats;
import dev.identitystream.emulator.FaultKind;
import dev.identitystream.emulator.OutageMode;
import dev.identitystream.emulator.PlaidEmulator;
import dev.identitystream.plaid.PlaidResult.ErrorAnswer;
import dev.identitystream.plaid.PlaidResult.Exhausted;
import dev.identitystream.plaid.PlaidResult.Success;
import dev.identitystream.plaid.PlaidResult.TransportFailure;
import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The real {@link ResilientPlaidClient} around the real {@link HttpPlaidClient}, against a real
 * {@link PlaidEmulator} on loopback: one test per path of the client (retry, no retry, deadline,
 * rate limit, breaker, malformed and oversize bodies, credentials). Waits are small so the class
 * runs in seconds; the emulator's counters say what really reached "Plaid".
 */
class ResilientClientEmulatorTest {

  private static final String CLIENT_ID = "emu-client-id";
  private static final String SECRET = "emu-s3cret-value-42";

  /** Generous: only the emulator's timeout fault should ever reach it, even on a busy machine. */
  private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(5);

  /** For the timeout fault: short, yet far above a warm loopback exchange. */
  private static final Duration SHORT_ATTEMPT_TIMEOUT = Duration.ofMillis(600);

  private final Deque<AutoCloseable> opened = new ArrayDeque<>();
  private final Recorder recorder = new Recorder();
  private final AtomicInteger requestIds = new AtomicInteger();
  private PlaidEmulator emulator;
  private ResilientPlaidClient client;

  /**
   * Loads the HTTP, JSON and resilience classes once, so that no test's first exchange pays for
   * class loading on a cold JVM (it can take more than a short attempt timeout).
   */
  @BeforeAll
  static void warmUp() {
    try (PlaidEmulator plaid = PlaidEmulator.start(EmulatorOptions.builder().build());
        ResilientPlaidClient warm =
            new ResilientPlaidClient(
                new HttpPlaidClient(http(plaid.baseUrl()).build()), fast().build())) {
      PlaidRequest request = new PlaidRequest("access-sandbox-warmup", List.of(), "warm-up");
      CompletableFuture<PlaidResult> result =
          warm.identityDocumentsUploadsGet(request).toCompletableFuture();
      await().atMost(Duration.ofSeconds(30)).until(result::isDone);
    }
  }

  @AfterEach
  void closeAll() throws Exception {
    while (!opened.isEmpty()) {
      opened.pop().close();
    }
  }

  private PlaidEmulator emulator(EmulatorOptions.Builder options) {
    emulator = PlaidEmulator.start(options.credentials(CLIENT_ID, SECRET).build());
    opened.push(emulator);
    return emulator;
  }

  /** Small waits; a breaker that stays closed unless a test asks otherwise. */
  private static ResilienceConfig.Builder fast() {
    return ResilienceConfig.builder()
        .deadline(Duration.ofSeconds(5))
        .maxAttempts(10)
        .backoff(Duration.ofMillis(1), Duration.ofMillis(5))
        .breakerWindow(1000, 1000)
        .breakerRecheckInterval(Duration.ofMillis(20));
  }

  private static PlaidClientConfig.Builder http(String baseUrl) {
    return PlaidClientConfig.builder()
        .baseUrl(baseUrl)
        .clientId(CLIENT_ID)
        .secret(Secret.of(SECRET))
        .attemptTimeout(ATTEMPT_TIMEOUT)
        .connectTimeout(Duration.ofSeconds(1));
  }

  private ResilientPlaidClient client(
      PlaidClientConfig.Builder http, ResilienceConfig.Builder resilience) {
    client =
        new ResilientPlaidClient(new HttpPlaidClient(http.build()), resilience.build(), recorder);
    opened.push(client);
    return client;
  }

  private ResilientPlaidClient client(ResilienceConfig.Builder resilience) {
    return client(http(emulator.baseUrl()), resilience);
  }

  private CompletableFuture<PlaidResult> start(String token) {
    PlaidRequest request = new PlaidRequest(token, List.of(), "r-" + requestIds.incrementAndGet());
    return client.identityDocumentsUploadsGet(request).toCompletableFuture();
  }

  private PlaidResult call(String token) {
    CompletableFuture<PlaidResult> future = start(token);
    await().atMost(Duration.ofSeconds(10)).until(future::isDone);
    return future.join();
  }

  @ParameterizedTest(name = "fail2x{0}")
  @CsvSource({
    "503, 503 API_ERROR/PLANNED_MAINTENANCE",
    "500, 500 API_ERROR/INTERNAL_SERVER_ERROR",
    "429, 429 RATE_LIMIT_EXCEEDED/RATE_LIMIT",
    "502, HTTP_STATUS",
    "truncated, CONNECTION",
    "nonjson, MALFORMED_BODY",
    "drop, CONNECTION"
  })
  void shouldRetryAnInjectedFaultThenSucceed(String kind, String seenByClient) {
    // given a token whose first two calls fail with KIND
    emulator(EmulatorOptions.builder());
    client(fast());

    // when
    PlaidResult result = call("access-sandbox-fail2x" + kind + "-retry");

    // then
    assertThat(result).isInstanceOf(Success.class);
    assertThat(result.attempts()).isEqualTo(3);
    assertThat(emulator.stats().requests()).isEqualTo(3);
    assertThat(recorder.seen()).containsExactly(seenByClient, seenByClient, "200");
  }

  @Test
  void shouldRetryATimeoutThenSucceed() {
    // given a token whose first two calls get no answer (held for 5 s), and a 600 ms attempt limit
    emulator(EmulatorOptions.builder().timeoutHold(Duration.ofSeconds(5)));
    client(http(emulator.baseUrl()).attemptTimeout(SHORT_ATTEMPT_TIMEOUT), fast());

    // when
    PlaidResult result = call("access-sandbox-fail2xtimeout-retry");

    // then
    assertThat(result).isInstanceOf(Success.class);
    assertThat(result.attempts()).isEqualTo(3);
    assertThat(emulator.stats().requests()).isEqualTo(3);
    assertThat(recorder.seen()).containsExactly("TIMEOUT", "TIMEOUT", "200");
  }

  @Test
  void shouldNotRetryItemLoginRequiredNorInstitutionDown() {
    // given
    emulator(EmulatorOptions.builder());
    client(fast());

    // when
    PlaidResult login = call("access-sandbox-error-ITEM_LOGIN_REQUIRED-a");
    PlaidResult institution = call("access-sandbox-error-INSTITUTION_DOWN-b");

    // then each is answered once, with Plaid's guidance kept for the Item-error event
    assertThat(describe(login)).isEqualTo("400 ITEM_ERROR/ITEM_LOGIN_REQUIRED");
    assertThat(describe(institution)).isEqualTo("400 INSTITUTION_ERROR/INSTITUTION_DOWN");
    assertThat(List.of(login, institution)).allSatisfy(r -> assertThat(r.attempts()).isEqualTo(1));
    assertThat(ErrorGuidance.of(((ErrorAnswer) login).error()))
        .isEqualTo(ErrorGuidance.DO_NOT_RETRY);
    assertThat(ErrorGuidance.of(((ErrorAnswer) institution).error()))
        .isEqualTo(ErrorGuidance.RETRY_LATER);
    EmulatorStats stats = emulator.stats();
    assertThat(stats.requests()).isEqualTo(2);
    assertThat(stats.errorCode("ITEM_LOGIN_REQUIRED")).isEqualTo(1);
    assertThat(stats.errorCode("INSTITUTION_DOWN")).isEqualTo(1);
    assertThat(arrivalsPerItem(stats).values()).containsExactly(1L, 1L);
  }

  @Test
  void shouldReturnExhaustedWithTheLastErrorWhenTheDeadlinePasses() {
    // given a token that keeps failing transiently and a 300 ms deadline
    emulator(EmulatorOptions.builder());
    client(
        fast()
            .deadline(Duration.ofMillis(300))
            .maxAttempts(10_000)
            .backoff(Duration.ofMillis(5), Duration.ofMillis(20)));

    // when
    PlaidResult result = call("access-sandbox-fail1000x503-down");

    // then
    assertThat(result).isInstanceOf(Exhausted.class);
    Exhausted exhausted = (Exhausted) result;
    assertThat(describe(exhausted.last())).isEqualTo("503 API_ERROR/PLANNED_MAINTENANCE");
    assertThat(exhausted.attempts()).isGreaterThan(2).isEqualTo(exhausted.last().attempts());
    assertThat(emulator.stats().requests()).isEqualTo(exhausted.attempts());
    assertThat(recorder.results).hasSize(exhausted.attempts());
  }

  @Test
  void shouldKeepTheRateAtTheEmulatorUnderTheClientLimitDuringA429Storm() {
    // given Plaid allowing this client 10 calls a minute, and a client limited to 1,200 a minute
    // (one per 50 ms) giving up after 3 attempts; one warm-up call, then counting from zero
    emulator(EmulatorOptions.builder().clientRequestsPerMinute(10));
    client(fast().requestsPerMinute(1200).maxAttempts(3));
    assertThat(call("access-sandbox-warmup")).isInstanceOf(Success.class);
    emulator.resetStats();
    recorder.results.clear();

    // when 15 requests arrive at once: 9 calls left at Plaid, then a storm of 429s
    List<CompletableFuture<PlaidResult>> futures = new ArrayList<>();
    for (int i = 0; i < 15; i++) {
      futures.add(start("access-sandbox-storm-" + i));
    }
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> futures.stream().allMatch(CompletableFuture::isDone));

    // then every request succeeded or was exhausted by 429s after 3 attempts
    List<PlaidResult> results = futures.stream().map(CompletableFuture::join).toList();
    List<PlaidResult> exhausted = results.stream().filter(r -> r instanceof Exhausted).toList();
    assertThat(results.size() - exhausted.size()).isGreaterThanOrEqualTo(9);
    assertThat(results)
        .allSatisfy(r -> assertThat(r).isInstanceOfAny(Success.class, Exhausted.class));
    assertThat(exhausted)
        .isNotEmpty()
        .allSatisfy(
            r -> {
              assertThat(r.attempts()).isEqualTo(3);
              assertThat(describe(((Exhausted) r).last()))
                  .isEqualTo("429 RATE_LIMIT_EXCEEDED/RATE_LIMIT");
            });
    EmulatorStats stats = emulator.stats();
    assertThat(stats.requests()).isEqualTo(results.stream().mapToInt(PlaidResult::attempts).sum());
    assertThat(stats.status(429))
        .isEqualTo(recorder.results.stream().filter(r -> r instanceof ErrorAnswer).count());
    // and the emulator never saw the client run ahead of its limit
    assertNeverAheadOfPace(stats.arrivals(), Duration.ofMillis(50));
    assertThat(recorder.rateWaits).hasPositiveValue();
  }

  @Test
  void shouldSpaceAnItemsAttemptsAfterAnItemLevelRateLimitInsteadOfRetryingAtOnce() {
    // given Plaid allowing one call a minute per Item, and a client whose backoff is 1-5 ms but
    // that
    // spaces a rate-limited Item's attempts 400 ms apart
    emulator(EmulatorOptions.builder().itemRequestsPerMinute(1));
    client(fast().maxAttempts(3).itemRateLimitSpacing(Duration.ofMillis(400)));
    assertThat(call("access-sandbox-busy")).isInstanceOf(Success.class);

    // when the Item is asked again within the minute
    PlaidResult result = call("access-sandbox-busy");

    // then three attempts, each refused with the per-Item code, at least 400 ms apart
    assertThat(result).isInstanceOf(Exhausted.class);
    assertThat(describe(((Exhausted) result).last()))
        .isEqualTo("429 RATE_LIMIT_EXCEEDED/IDENTITY_LIMIT");
    List<EmulatorStats.Arrival> arrivals = emulator.stats().arrivals();
    assertThat(arrivals).hasSize(4);
    for (int k = 2; k < arrivals.size(); k++) {
      assertThat(Duration.between(arrivals.get(k - 1).at(), arrivals.get(k).at()))
          .as("attempt %d after the one before", k)
          .isGreaterThanOrEqualTo(Duration.ofMillis(390));
    }
    // and another Item is not held back
    assertThat(call("access-sandbox-quiet")).isInstanceOf(Success.class);
  }

  @Test
  void shouldOpenTheBreakerStopCallingThenHalfOpenAndCloseWhenTheOutageEnds() {
    // given a breaker that opens after 4 failures of 4 calls for 1.5 s, and Plaid in maintenance
    emulator(EmulatorOptions.builder());
    client(
        fast()
            .maxAttempts(100)
            .breakerWindow(4, 4)
            .breakerFailureRatePercent(50)
            .breakerHalfOpenCalls(1)
            .breakerOpenDuration(Duration.ofMillis(1500)));
    emulator.setOutage(OutageMode.MAINTENANCE);

    // when one request fails four times and opens the breaker, and three more arrive
    CompletableFuture<PlaidResult> first = start("access-sandbox-breaker-first");
    await().atMost(Duration.ofSeconds(5)).until(() -> recorder.breakerState() == State.OPEN);
    List<CompletableFuture<PlaidResult>> waiting = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      waiting.add(start("access-sandbox-breaker-waiting-" + i));
    }

    // then no call reaches the emulator while the breaker is open
    await()
        .during(Duration.ofMillis(400))
        .atMost(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              assertThat(emulator.stats().requests()).isEqualTo(4);
              assertThat(recorder.breakerState()).isEqualTo(State.OPEN);
            });
    assertThat(waiting).noneMatch(CompletableFuture::isDone);
    assertThat(first).isNotDone();

    // and when the outage ends, the breaker half-opens, closes, and every request succeeds
    emulator.setOutage(OutageMode.NONE);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> first.isDone() && waiting.stream().allMatch(CompletableFuture::isDone));
    assertThat(first.join()).isInstanceOf(Success.class);
    assertThat(first.join().attempts()).isEqualTo(5);
    assertThat(waiting)
        .allSatisfy(
            f -> {
              assertThat(f.join()).isInstanceOf(Success.class);
              assertThat(f.join().attempts()).isEqualTo(1);
            });
    assertThat(recorder.transitions).containsExactly(State.OPEN, State.HALF_OPEN, State.CLOSED);
    EmulatorStats stats = emulator.stats();
    assertThat(stats.status(503)).isEqualTo(4);
    assertThat(stats.status(200)).isEqualTo(4);
  }

  @Test
  void shouldRetryTruncatedAndNonJsonBodiesThenSucceed() {
    // given Plaid damaging 60% of its 200s (seeded: the same draws every run)
    emulator(
        EmulatorOptions.builder()
            .faultRate(FaultKind.TRUNCATED, 0.3)
            .faultRate(FaultKind.NON_JSON, 0.3)
            .seed(7));
    client(fast().maxAttempts(20));

    // when six requests are made one after another
    List<PlaidResult> results = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      results.add(call("access-sandbox-damaged-" + i));
    }

    // then each succeeded, after one retry per damaged answer
    assertThat(results)
        .allSatisfy(
            r -> {
              assertThat(r).isInstanceOf(Success.class);
              assertThat(((Success) r).response().accounts()).isNotEmpty();
            });
    EmulatorStats stats = emulator.stats();
    long truncated = stats.fault(FaultKind.TRUNCATED);
    long nonJson = stats.fault(FaultKind.NON_JSON);
    assertThat(truncated).isPositive();
    assertThat(nonJson).isPositive();
    assertThat(results.stream().mapToInt(PlaidResult::attempts).sum())
        .isEqualTo(6 + truncated + nonJson);
    Map<String, Long> seen =
        recorder.seen().stream()
            .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    assertThat(seen)
        .containsOnly(
            Map.entry("200", 6L),
            Map.entry("MALFORMED_BODY", nonJson),
            Map.entry("CONNECTION", truncated));
  }

  @Test
  void shouldRefuseAnOversizeBodyWithoutRetryingOrReadingItAll() throws Exception {
    // given a 64 MiB answer, a 256 KiB cap, and a relay counting what the client pulls
    int size = 64 * 1024 * 1024;
    emulator(EmulatorOptions.builder().oversizeBytes(size));
    CountingTcpProxy relay = CountingTcpProxy.to(emulator.port());
    opened.push(relay);
    client(http(relay.baseUrl()).maxResponseBytes(256 * 1024), fast());

    // when
    PlaidResult result = call("access-sandbox-fail1xoversize-big");

    // then
    assertThat(describe(result)).isEqualTo("BODY_TOO_LARGE");
    assertThat(result.attempts()).isEqualTo(1);
    assertThat(emulator.stats().requests()).isEqualTo(1);
    assertThat(emulator.stats().fault(FaultKind.OVERSIZE)).isEqualTo(1);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> relay.openConnections() == 0 || relay.bytesToClient() >= size);
    assertThat(relay.bytesToClient()).isLessThan(size / 4);
    assertThat(relay.openConnections()).isZero(); // the abandoned connection is closed, not reused
  }

  @Test
  void shouldPauseOnInvalidApiKeysWithoutAResultAndNeverShowTheSecretOrToken() {
    // given a client with the wrong secret
    String token = "access-sandbox-credcheck-5ecretT0ken";
    String wrongSecret = "wrong-" + SECRET;
    emulator(EmulatorOptions.builder());
    client(
        http(emulator.baseUrl()).secret(Secret.of(wrongSecret)),
        fast().maxAttempts(10).clientErrorProbeInterval(Duration.ofMillis(100)));

    // when Plaid refuses the keys, and later the connection itself
    CompletableFuture<PlaidResult> refused = start(token);
    await().atMost(Duration.ofSeconds(5)).until(() -> recorder.paused());
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> emulator.stats().errorCode("INVALID_API_KEYS") >= 3);
    emulator.setOutage(OutageMode.REFUSE_CONNECTIONS);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                recorder.results.stream()
                    .anyMatch(
                        r ->
                            r instanceof TransportFailure f && f.kind() == FailureKind.CONNECTION));

    // then the call waits (a probe without an answer does not resume it), retried at the probe's
    // pace
    assertThat(refused).isNotDone();
    assertThat(recorder.paused()).isTrue();
    assertThat(recorder.results)
        .filteredOn(r -> r instanceof ErrorAnswer)
        .allSatisfy(r -> assertThat(describe(r)).isEqualTo("400 INVALID_INPUT/INVALID_API_KEYS"));
    // and neither result nor any attempt shows a secret
    List<String> shown = new ArrayList<>();
    for (PlaidResult r : recorder.results) {
      shown.add(r.toString());
      shown.add(r instanceof TransportFailure f ? f.detail() : "");
      shown.add(r instanceof ErrorAnswer a ? a.error().json() : "");
    }
    shown.add(client.delegate.toString());
    shown.add(((HttpPlaidClient) client.delegate).config().toString());
    assertThat(shown)
        .hasSizeGreaterThan(8)
        .noneMatch(s -> s.contains(SECRET) || s.contains(token) || s.contains("5ecretT0ken"));
  }

  /**
   * Checks that arrivals kept a client's pace of one call per {@code period}, counted from the
   * first arrival: the k-th (from 0) came at least {@code k - 3} periods after it. The slack of 3
   * covers the limiter's first permit (granted mid-cycle), its cycle edges and delivery jitter. A
   * client that stalls sends late and may then send a few calls at once to catch up, so windows in
   * the middle of a run can hold a small burst; it never gets ahead of its schedule.
   */
  private static void assertNeverAheadOfPace(
      List<EmulatorStats.Arrival> arrivals, Duration period) {
    assertThat(arrivals).hasSizeGreaterThan(3);
    for (int k = 0; k < arrivals.size(); k++) {
      Duration sinceFirst = Duration.between(arrivals.get(0).at(), arrivals.get(k).at());
      assertThat(sinceFirst)
          .as("arrival %d of %d after the first", k, arrivals.size())
          .isGreaterThanOrEqualTo(period.multipliedBy(Math.max(0, k - 3)));
    }
  }

  private static Map<String, Long> arrivalsPerItem(EmulatorStats stats) {
    return stats.arrivals().stream()
        .collect(Collectors.groupingBy(EmulatorStats.Arrival::itemId, Collectors.counting()));
  }

  /** A short description of a result: status and Plaid codes, failure kind, or Exhausted(last). */
  static String describe(PlaidResult result) {
    if (result instanceof Success) {
      return "200";
    }
    if (result instanceof ErrorAnswer a) {
      return a.httpStatus() + " " + a.error().errorType() + "/" + a.error().errorCode();
    }
    if (result instanceof TransportFailure f) {
      return f.kind().name();
    }
    return "Exhausted(" + describe(((Exhausted) result).last()) + ")";
  }

  /** Records every attempt's outcome, rate-limit waits and breaker transitions. */
  private static final class Recorder implements ResilienceListener {
    final List<PlaidResult> results = new CopyOnWriteArrayList<>();
    final List<State> transitions = new CopyOnWriteArrayList<>();
    final AtomicInteger rateWaits = new AtomicInteger();
    final AtomicInteger pauses = new AtomicInteger();
    final AtomicInteger resumes = new AtomicInteger();

    /** Whether calls are paused, as the pauses and resumes reported tell it. */
    boolean paused() {
      return pauses.get() > resumes.get();
    }

    /** The breaker's state as its transitions tell it (CLOSED before the first). */
    State breakerState() {
      return transitions.isEmpty() ? State.CLOSED : transitions.get(transitions.size() - 1);
    }

    List<String> seen() {
      return results.stream().map(ResilientClientEmulatorTest::describe).toList();
    }

    @Override
    public void onAttempt(PlaidResult outcome, long durationNanos) {
      results.add(outcome);
    }

    @Override
    public void onRateLimiterWait(long nanos) {
      rateWaits.incrementAndGet();
    }

    @Override
    public void onBreakerTransition(State from, State to) {
      transitions.add(to);
    }

    @Override
    public void onClientErrorPause(PlaidResult cause) {
      pauses.incrementAndGet();
    }

    @Override
    public void onClientErrorResume(long pausedNanos) {
      resumes.incrementAndGet();
    }
  }
}
