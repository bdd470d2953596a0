package dev.identitystream.plaid;

import static dev.identitystream.plaid.HttpPlaidClientTest.call;
import static dev.identitystream.plaid.HttpPlaidClientTest.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.identitystream.LogCapture;
import dev.identitystream.plaid.PlaidResult.ErrorAnswer;
import dev.identitystream.plaid.PlaidResult.Exhausted;
import dev.identitystream.plaid.PlaidResult.Success;
import dev.identitystream.plaid.PlaidResult.TransportFailure;
import dev.identitystream.plaid.StubPlaidServer.Reply;
import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ResilientPlaidClientTest {

  private final StubPlaidServer stub = StubPlaidServer.start();
  private final RecordingListener listener = new RecordingListener();
  private ResilientPlaidClient client;

  /** Small waits; a breaker that never opens unless a test asks for it. */
  private static ResilienceConfig.Builder fast() {
    return ResilienceConfig.builder()
        .deadline(Duration.ofSeconds(5))
        .maxAttempts(10)
        .backoff(Duration.ofMillis(1), Duration.ofMillis(5))
        .breakerWindow(1000, 1000)
        .breakerRecheckInterval(Duration.ofMillis(10));
  }

  private ResilientPlaidClient client(ResilienceConfig config) {
    PlaidClientConfig http =
        HttpPlaidClientTest.config(stub).attemptTimeout(Duration.ofMillis(500)).build();
    client = new ResilientPlaidClient(new HttpPlaidClient(http), config, listener);
    return client;
  }

  /** Captures the log in the tests that check it; closed after each test. */
  private LogCapture logs;

  @AfterEach
  void tearDown() {
    if (client != null) {
      client.close();
    }
    stub.close();
    if (logs != null) {
      logs.close();
    }
  }

  @Test
  void shouldFailTheCallInsteadOfLosingItWhenAScheduledStepThrowsOrCannotBeScheduled() {
    // given a client
    client(fast().build());
    CompletableFuture<Object> thrown = new CompletableFuture<>();
    CompletableFuture<Object> afterClose = new CompletableFuture<>();

    // when a delayed step of a call throws, and a step is scheduled after the client closed
    client.schedule(
        thrown,
        () -> {
          throw new IllegalStateException("a bug in a step");
        },
        0);
    await().atMost(Duration.ofSeconds(5)).until(thrown::isDone);
    client.close();
    client.schedule(afterClose, () -> afterClose.complete("ran"), 0);

    // then each call completes exceptionally (the stage keeps the request pending and calls it
    // again) rather than waiting forever with its in-flight slot
    assertThat(thrown).isCompletedExceptionally();
    assertThatThrownBy(thrown::join).hasCauseInstanceOf(IllegalStateException.class);
    assertThat(afterClose).isCompletedExceptionally();
  }

  @Test
  void shouldRetryTransientFailuresThenSucceedCountingEveryAttempt() {
    // given
    stub.script(
        "t",
        Reply.status(503),
        Reply.plaidError(429, "RATE_LIMIT_EXCEEDED", "RATE_LIMIT"),
        Reply.plaidError(500, "API_ERROR", "INTERNAL_SERVER_ERROR"),
        Reply.raw(200, "text/html", "<html>not json</html>"),
        Reply.ok());
    client(fast().build());

    // when
    PlaidResult result = call(client, request("t"));

    // then
    assertThat(result).isInstanceOf(Success.class);
    assertThat(result.attempts()).isEqualTo(5);
    assertThat(stub.hits("t")).isEqualTo(5);
    assertThat(listener.retries).hasValue(4);
    assertThat(listener.attempts).hasValue(5);
  }

  @Test
  void shouldNotRetryItemInstitutionInputOrUnknownErrors() {
    // given
    stub.script("t-login", Reply.plaidError(400, "ITEM_ERROR", "ITEM_LOGIN_REQUIRED"), Reply.ok());
    stub.script(
        "t-inst", Reply.plaidError(400, "INSTITUTION_ERROR", "INSTITUTION_DOWN"), Reply.ok());
    stub.script(
        "t-input", Reply.plaidError(400, "INVALID_INPUT", "INVALID_ACCESS_TOKEN"), Reply.ok());
    stub.script("t-unknown", Reply.plaidError(500, "BRAND_NEW_ERROR", "SOMETHING"), Reply.ok());
    client(fast().build());

    // when / then
    for (String token : List.of("t-login", "t-inst", "t-input", "t-unknown")) {
      PlaidResult result = call(client, request(token));
      assertThat(result).as(token).isInstanceOf(ErrorAnswer.class);
      assertThat(result.attempts()).as(token).isEqualTo(1);
      assertThat(stub.hits(token)).as(token).isEqualTo(1);
    }
    assertThat(listener.retries).hasValue(0);
  }

  @Test
  void shouldNotRetryAnOversizeBody() {
    // given
    stub.script("t", Reply.oversize(8L * 1024 * 1024, true), Reply.ok());
    client(fast().build());

    // when
    PlaidResult result = call(client, request("t"));

    // then
    assertThat(result).isInstanceOf(TransportFailure.class);
    assertThat(((TransportFailure) result).kind()).isEqualTo(FailureKind.BODY_TOO_LARGE);
    assertThat(result.attempts()).isEqualTo(1);
    assertThat(stub.hits("t")).isEqualTo(1);
  }

  @Test
  void shouldReturnExhaustedWithTheLastFailureWhenTheDeadlinePasses() {
    // given API errors, then rate limits until the end
    stub.script(
        "t",
        Reply.plaidError(500, "API_ERROR", "INTERNAL_SERVER_ERROR"),
        Reply.plaidError(429, "RATE_LIMIT_EXCEEDED", "RATE_LIMIT"));
    client(
        fast()
            .deadline(Duration.ofMillis(300))
            .maxAttempts(10_000)
            .backoff(Duration.ofMillis(5), Duration.ofMillis(20))
            .build());

    // when
    PlaidResult result = call(client, request("t"));

    // then
    assertThat(result).isInstanceOf(Exhausted.class);
    Exhausted exhausted = (Exhausted) result;
    assertThat(exhausted.attempts()).isGreaterThan(2).isEqualTo((int) stub.hits("t"));
    assertThat(exhausted.last()).isInstanceOf(ErrorAnswer.class);
    assertThat(((ErrorAnswer) exhausted.last()).error().errorCode()).isEqualTo("RATE_LIMIT");
    assertThat(exhausted.last().attempts()).isEqualTo(exhausted.attempts());
  }

  @Test
  void shouldReturnExhaustedWhenMaxAttemptsIsReached() {
    // given
    stub.script("t", Reply.status(503));
    client(fast().maxAttempts(3).build());

    // when
    PlaidResult result = call(client, request("t"));

    // then
    assertThat(result).isInstanceOf(Exhausted.class);
    assertThat(result.attempts()).isEqualTo(3);
    assertThat(((Exhausted) result).last()).isInstanceOf(TransportFailure.class);
    assertThat(stub.hits("t")).isEqualTo(3);
  }

  @Test
  void shouldKeepTheRequestRateUnderTheLimitDuringA429Storm() {
    // given 2,400 requests per minute (one per 25 ms) and ten requests rejected with 429 each time
    int perMinute = 2400;
    long periodNanos = 60_000_000_000L / perMinute;
    client(fast().requestsPerMinute(perMinute).maxAttempts(3).build());
    List<CompletableFuture<PlaidResult>> futures = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      stub.script("t" + i, Reply.plaidError(429, "RATE_LIMIT_EXCEEDED", "RATE_LIMIT"));
    }

    // when
    for (int i = 0; i < 10; i++) {
      futures.add(client.identityDocumentsUploadsGet(request("t" + i)).toCompletableFuture());
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> futures.stream().allMatch(CompletableFuture::isDone));

    // then every request tried three times, and the server never saw more than the limit allows
    assertThat(futures)
        .allSatisfy(
            f -> {
              assertThat(f.join()).isInstanceOf(Exhausted.class);
              assertThat(f.join().attempts()).isEqualTo(3);
            });
    List<StubPlaidServer.Received> received = stub.received();
    assertThat(received).hasSize(30);
    long span = received.get(received.size() - 1).arrivalNanos() - received.get(0).arrivalNanos();
    // (+4: on a loaded machine permitted requests can reach the server a little bunched; without
    // the
    // limiter all 30 would arrive within a few periods)
    assertThat((double) received.size()).isLessThanOrEqualTo((double) span / periodNanos + 4);
    assertThat(listener.rateWaits).hasPositiveValue();
  }

  @Test
  void shouldOpenTheBreakerWaitThenHalfOpenCloseAndCompleteWaitingRequests() {
    // given a breaker opening after 4 failures for 1.5 s, longer than the 1 s deadline; after the
    // wait a 429 (retried, not a breaker failure) makes the client check the deadline again
    stub.script(
        "t-down",
        Reply.status(503),
        Reply.status(503),
        Reply.status(503),
        Reply.status(503),
        Reply.plaidError(429, "RATE_LIMIT_EXCEEDED", "RATE_LIMIT"),
        Reply.ok());
    client(
        fast()
            .deadline(Duration.ofSeconds(1))
            .maxAttempts(100)
            .breakerWindow(4, 4)
            .breakerFailureRatePercent(50)
            .breakerHalfOpenCalls(1)
            .breakerOpenDuration(Duration.ofMillis(1500))
            .build());

    // when the first request fails four times, the breaker opens and later requests arrive
    logs = LogCapture.start("dev.identitystream.plaid");
    CompletableFuture<PlaidResult> first =
        client.identityDocumentsUploadsGet(request("t-down")).toCompletableFuture();
    await().atMost(Duration.ofSeconds(5)).until(() -> listener.breakerState() == State.OPEN);
    List<CompletableFuture<PlaidResult>> waiting = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      waiting.add(client.identityDocumentsUploadsGet(request("t-up")).toCompletableFuture());
    }
    assertThat(waiting).noneMatch(CompletableFuture::isDone);

    // then all complete successfully once the breaker closes again
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> first.isDone() && waiting.stream().allMatch(CompletableFuture::isDone));
    assertThat(first.join()).isInstanceOf(Success.class);
    assertThat(first.join().attempts()).isEqualTo(6);
    assertThat(waiting).allSatisfy(f -> assertThat(f.join()).isInstanceOf(Success.class));
    assertThat(listener.transitions)
        .extracting(Transition::to)
        .containsExactly(State.OPEN, State.HALF_OPEN, State.CLOSED);
    long openedAt = listener.transitions.get(0).atNanos();
    long halfOpenAt = listener.transitions.get(1).atNanos();
    assertThat(stub.received())
        .noneMatch(r -> r.arrivalNanos() > openedAt && r.arrivalNanos() < halfOpenAt);
    assertThat(stub.hits("t-up")).isEqualTo(3);
    assertThat(listener.breakerWaits).hasPositiveValue();
    // and the log has one line per breaker transition, none per attempt or per waiting call
    logs.close();
    assertThat(
            logs.events().stream()
                .filter(e -> e.getLevel().isGreaterOrEqual(Level.INFO))
                .map(e -> e.getLevel() + " " + e.getFormattedMessage()))
        .containsExactly(
            "WARN Plaid circuit breaker CLOSED -> OPEN: calls wait for PT1.5S",
            "INFO Plaid circuit breaker OPEN -> HALF_OPEN",
            "INFO Plaid circuit breaker HALF_OPEN -> CLOSED");
  }

  @Test
  void shouldReturnAtOnceWhileRequestsWaitForRatePermits() {
    // given one permit per second
    client(fast().requestsPerMinute(60).build());

    // when five requests are made from this thread
    List<CompletableFuture<PlaidResult>> futures = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      futures.add(client.identityDocumentsUploadsGet(request("t" + i)).toCompletableFuture());
    }

    // then the calls returned without waiting their turn: at most the first one has been sent
    assertThat(futures.stream().filter(CompletableFuture::isDone).count()).isLessThanOrEqualTo(1);
    await().atMost(Duration.ofSeconds(5)).until(() -> futures.get(0).isDone());
    assertThat(futures.get(0).join()).isInstanceOf(Success.class);
    assertThat(stub.received()).hasSize(1);
  }

  @Test
  void shouldIgnoreAListenerThatThrows() {
    // given
    stub.script("t", Reply.status(503), Reply.ok());
    ResilienceListener throwing =
        new ResilienceListener() {
          @Override
          public void onAttempt(PlaidResult outcome, long durationNanos) {
            throw new IllegalStateException("listener bug");
          }
        };
    PlaidClientConfig http = HttpPlaidClientTest.config(stub).build();
    client = new ResilientPlaidClient(new HttpPlaidClient(http), fast().build(), throwing);

    // when
    PlaidResult result = call(client, request("t"));

    // then
    assertThat(result).isInstanceOf(Success.class);
    assertThat(result.attempts()).isEqualTo(2);
  }

  @Test
  void shouldJudgeAnAttemptThatCompletedAtOnceOnTheClientsThreadNotTheCallers() {
    // given a delegate whose stage is complete before it returns (an immediate connection refusal,
    // a cassette), failing transiently, then a refusal of the client
    List<String> threads = new CopyOnWriteArrayList<>();
    ResilienceListener threadsSeen =
        new ResilienceListener() {
          @Override
          public void onAttempt(PlaidResult outcome, long durationNanos) {
            threads.add("attempt " + Thread.currentThread().getName());
          }

          @Override
          public void onRetry(int failedAttempts, long delayMillis, PlaidResult cause) {
            threads.add("retry " + Thread.currentThread().getName());
          }

          @Override
          public void onClientErrorPause(PlaidResult cause) {
            threads.add("pause " + Thread.currentThread().getName());
          }
        };
    AtomicInteger sent = new AtomicInteger();
    PlaidClient immediate =
        request ->
            CompletableFuture.completedFuture(
                sent.incrementAndGet() < 3
                    ? new TransportFailure(FailureKind.CONNECTION, 0, "connection refused", 1)
                    : new TransportFailure(FailureKind.REFUSED, 403, "HTTP 403 page", 1));
    client = new ResilientPlaidClient(immediate, fast().build(), threadsSeen);

    // when the caller's thread starts a call
    String caller = Thread.currentThread().getName();
    CompletableFuture<PlaidResult> call =
        client.identityDocumentsUploadsGet(request("t")).toCompletableFuture();
    await().atMost(Duration.ofSeconds(5)).until(() -> threads.size() >= 6);

    // then every answer was judged (counted, retried, paused on) on the client's scheduler, none
    // on the caller's thread, which only started the call
    assertThat(threads)
        .extracting(t -> t.substring(0, t.indexOf(' ')))
        .containsExactly("attempt", "retry", "attempt", "retry", "attempt", "pause");
    assertThat(threads)
        .allSatisfy(t -> assertThat(t).contains(" plaid-resilience-").doesNotEndWith(" " + caller));
    assertThat(call).isNotDone();
  }

  record Transition(State from, State to, long atNanos) {}

  @Test
  void shouldMakeNoFurtherAttemptOnceTheCallerCancels() {
    // given a request failing transiently with backoffs, and one waiting on the open breaker
    stub.script("t-retrying", Reply.status(503));
    stub.script("t-open", Reply.status(503));
    client(
        fast()
            .deadline(Duration.ofSeconds(30))
            .backoff(Duration.ofMillis(200), Duration.ofMillis(200))
            .breakerWindow(4, 4)
            .breakerFailureRatePercent(50)
            .breakerHalfOpenCalls(1)
            .breakerOpenDuration(Duration.ofMillis(300))
            .build());
    CompletableFuture<PlaidResult> retrying =
        client.identityDocumentsUploadsGet(request("t-retrying")).toCompletableFuture();
    await().atMost(Duration.ofSeconds(5)).until(() -> stub.hits("t-retrying") >= 1);
    await().atMost(Duration.ofSeconds(5)).until(() -> listener.breakerState() == State.OPEN);
    CompletableFuture<PlaidResult> waiting =
        client.identityDocumentsUploadsGet(request("t-open")).toCompletableFuture();

    // when both callers give up
    retrying.cancel(false);
    waiting.cancel(false);
    long retryingHits = stub.hits("t-retrying");

    // then: no further attempt for either, through backoffs and half-open breakers
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(2))
        .until(() -> stub.hits("t-retrying") <= retryingHits + 1 && stub.hits("t-open") == 0);
  }

  static final class RecordingListener implements ResilienceListener {
    final AtomicInteger attempts = new AtomicInteger();
    final AtomicInteger retries = new AtomicInteger();
    final AtomicInteger rateWaits = new AtomicInteger();
    final AtomicInteger breakerWaits = new AtomicInteger();
    final List<Transition> transitions = new CopyOnWriteArrayList<>();

    /** The breaker's state as its transitions tell it (CLOSED before the first). */
    State breakerState() {
      return transitions.isEmpty() ? State.CLOSED : transitions.get(transitions.size() - 1).to();
    }

    @Override
    public void onAttempt(PlaidResult outcome, long durationNanos) {
      attempts.incrementAndGet();
    }

    @Override
    public void onRetry(int failedAttempts, long delayMillis, PlaidResult cause) {
      retries.incrementAndGet();
    }

    @Override
    public void onRateLimiterWait(long nanos) {
      rateWaits.incrementAndGet();
    }

    @Override
    public void onBreakerWait(long nanos) {
      breakerWaits.incrementAndGet();
    }

    @Override
    public void onBreakerTransition(State from, State to) {
      transitions.add(new Transition(from, to, System.nanoTime()));
    }
  }
}
