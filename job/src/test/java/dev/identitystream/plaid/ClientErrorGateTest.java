package dev.identitystream.plaid;

import static dev.identitystream.plaid.HttpPlaidClientTest.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.identitystream.LogCapture;
import dev.identitystream.plaid.PlaidResult.Success;
import dev.identitystream.plaid.StubPlaidServer.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The pause of {@link ResilientPlaidClient} while Plaid refuses the job's own client, against a
 * stub over real HTTP: calls wait without a result, Plaid is asked once per probe interval, and
 * everything completes once a probe is answered otherwise, however long the pause (deadline aside).
 */
class ClientErrorGateTest {

  private static final Duration PROBE = Duration.ofMillis(100);
  private static final Reply INVALID_API_KEYS =
      Reply.plaidError(400, "INVALID_INPUT", "INVALID_API_KEYS");

  private final StubPlaidServer stub = StubPlaidServer.start();
  private final Listener listener = new Listener();
  private ResilientPlaidClient client;

  /**
   * A deadline much shorter than the pauses below: waiting at the gate must not be charged to it.
   */
  private ResilientPlaidClient client(Duration attemptTimeout) {
    return client(attemptTimeout, Duration.ofSeconds(1));
  }

  private ResilientPlaidClient client(Duration attemptTimeout, Duration deadline) {
    PlaidClientConfig http =
        HttpPlaidClientTest.config(stub).attemptTimeout(attemptTimeout).build();
    ResilienceConfig resilience =
        ResilienceConfig.builder()
            .deadline(deadline)
            .maxAttempts(10)
            .backoff(Duration.ofMillis(1), Duration.ofMillis(5))
            .breakerWindow(1000, 1000)
            .clientErrorProbeInterval(PROBE)
            .build();
    client = new ResilientPlaidClient(new HttpPlaidClient(http), resilience, listener);
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
  void shouldPauseEveryCallWhilePlaidRefusesTheClientThenCompleteThemAll() {
    // given Plaid refuses the keys, for longer than the deadline
    stub.answerEveryone(INVALID_API_KEYS);
    client(Duration.ofSeconds(2));

    // when calls are made
    logs = LogCapture.start("dev.identitystream.plaid");
    List<CompletableFuture<PlaidResult>> calls = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      calls.add(client.identityDocumentsUploadsGet(request("t-" + i)).toCompletableFuture());
    }
    await().atMost(Duration.ofSeconds(5)).until(listener::paused);

    // then nothing completes, and Plaid is asked about once per probe interval, not per retry:
    // the calls' first attempts arrive before the first probe can be sent (a probe interval after
    // the pause), told apart by arrival time rather than by when this thread happens to look
    await()
        .during(Duration.ofMillis(1_500))
        .atMost(Duration.ofSeconds(3))
        .until(() -> calls.stream().noneMatch(CompletableFuture::isDone));
    long firstProbeNotBefore = listener.pausedAtNanos.get() + PROBE.toNanos();
    List<StubPlaidServer.Received> received = stub.received();
    long firstHits = received.stream().filter(r -> r.arrivalNanos() < firstProbeNotBefore).count();
    long probes = received.size() - firstHits;
    assertThat(firstHits).isBetween(1L, 5L);
    assertThat(probes).isBetween(5L, 25L);
    assertThat(listener.pauses)
        .singleElement()
        .satisfies(
            cause ->
                assertThat(cause.describe()).isEqualTo("HTTP 400 INVALID_INPUT/INVALID_API_KEYS"));

    // when Plaid accepts the client again
    stub.answerEveryone(null);

    // then every call completes for real, and the pause is over
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> calls.stream().allMatch(CompletableFuture::isDone));
    assertThat(calls).allSatisfy(call -> assertThat(call.join()).isInstanceOf(Success.class));
    assertThat(listener.paused()).isFalse();
    assertThat(listener.resumes).hasValue(1);
    // and the log has one ERROR line when the pause starts and one INFO line when it ends: none
    // per call and none per probe (those are DEBUG)
    logs.close();
    List<String> lines =
        logs.events().stream()
            .filter(e -> e.getLevel().isGreaterOrEqual(Level.INFO))
            .map(e -> e.getLevel() + " " + e.getFormattedMessage())
            .toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0))
        .startsWith(
            "ERROR Plaid refuses this job's client: HTTP 400 INVALID_INPUT/INVALID_API_KEYS.");
    assertThat(lines.get(1))
        .matches(
            "INFO Plaid accepts this job's client again after \\d+ ms; [45] paused call\\(s\\) resume");
    assertThat(logs.events())
        .filteredOn(e -> e.getFormattedMessage().startsWith("Probing whether"))
        .hasSizeGreaterThanOrEqualTo(5);
  }

  @Test
  void shouldProbeTheWaitingCallsInTurnOneAtATime() {
    // given three calls waiting at the gate
    stub.answerEveryone(INVALID_API_KEYS);
    client(Duration.ofSeconds(2));
    for (int i = 0; i < 3; i++) {
      client.identityDocumentsUploadsGet(request("t-" + i));
    }
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> stub.received().size() >= 3 && listener.paused());

    // when nine more probes have been sent
    int before = stub.received().size();
    await().atMost(Duration.ofSeconds(5)).until(() -> stub.received().size() >= before + 9);

    // then each waiting call was the probe about as often as the others (none blocks the gate)
    for (int i = 0; i < 3; i++) {
      assertThat(stub.hits("t-" + i)).as("t-" + i).isGreaterThanOrEqualTo(3);
    }
  }

  @Test
  void shouldPauseOnAnAnswerThatIsNotPlaidsAndRetryOnesThatMayHeal() {
    // given a wrong base URL (a 404 page), then a 502 page from a proxy for one call
    stub.answerEveryone(Reply.raw(404, "text/html", "<html>Not Found</html>"));
    client(Duration.ofSeconds(2));

    // when
    CompletableFuture<PlaidResult> call =
        client.identityDocumentsUploadsGet(request("t")).toCompletableFuture();
    await().atMost(Duration.ofSeconds(5)).until(listener::paused);
    // (the script first: the 404 answers everyone until it is lifted, so no probe can slip
    // between the two and find neither)
    stub.script("t", Reply.raw(502, "text/html", "<html>Bad Gateway</html>"), Reply.ok())
        .answerEveryone(null);

    // then the 502 answer resumes the calls (something answered other than a refusal) and is
    // retried
    await().atMost(Duration.ofSeconds(5)).until(call::isDone);
    assertThat(call.join()).isInstanceOf(Success.class);
    assertThat(listener.pauses)
        .singleElement()
        .satisfies(
            cause ->
                assertThat(((PlaidResult.TransportFailure) cause).kind())
                    .isEqualTo(FailureKind.REFUSED));
    assertThat(stub.hits("t")).isGreaterThanOrEqualTo(3);
  }

  @Test
  void shouldStayPausedWhenAProbeGetsNoAnswerAtAll() {
    // given a pause, then a Plaid that does not answer within the attempt timeout
    // (each probe that times out is an attempt of its call, charged to the call's deadline like
    // any attempt, unlike the wait at the gate: the deadline outlasts the probes watched here)
    stub.answerEveryone(INVALID_API_KEYS);
    client(Duration.ofMillis(200), Duration.ofSeconds(30));
    CompletableFuture<PlaidResult> call =
        client.identityDocumentsUploadsGet(request("t")).toCompletableFuture();
    await().atMost(Duration.ofSeconds(5)).until(listener::paused);
    stub.answerEveryone(Reply.delayed(Duration.ofSeconds(5), Reply.ok()));

    // when a probe times out
    int before = stub.received().size();
    await().atMost(Duration.ofSeconds(5)).until(() -> stub.received().size() >= before + 2);

    // then the calls stay paused
    assertThat(listener.paused()).isTrue();
    assertThat(call).isNotDone();
    stub.answerEveryone(null);
    await().atMost(Duration.ofSeconds(5)).until(call::isDone);
    assertThat(call.join()).isInstanceOf(Success.class);
  }

  @Test
  void shouldDropAWaitingCallWhoseAttemptWasAbandoned() {
    // given a pause, and a second call parked at the gate whose caller then gives up on it
    stub.answerEveryone(INVALID_API_KEYS);
    client(Duration.ofSeconds(2));
    CompletableFuture<PlaidResult> kept =
        client.identityDocumentsUploadsGet(request("t-kept")).toCompletableFuture();
    await().atMost(Duration.ofSeconds(5)).until(listener::paused);
    CompletableFuture<PlaidResult> abandoned =
        client.identityDocumentsUploadsGet(request("t-abandoned")).toCompletableFuture();
    abandoned.cancel(false);

    // when Plaid accepts the client again
    stub.answerEveryone(null);

    // then the kept call completes and the abandoned one is never sent
    await().atMost(Duration.ofSeconds(5)).until(kept::isDone);
    assertThat(kept.join()).isInstanceOf(Success.class);
    await().during(Duration.ofMillis(300)).until(() -> stub.hits("t-abandoned") == 0);
  }

  static final class Listener implements ResilienceListener {
    final List<PlaidResult> pauses = new CopyOnWriteArrayList<>();
    final AtomicInteger resumes = new AtomicInteger();
    final AtomicLong pausedAtNanos = new AtomicLong();

    /** Whether calls are paused, as the pauses and resumes reported tell it. */
    boolean paused() {
      return pauses.size() > resumes.get();
    }

    @Override
    public void onClientErrorPause(PlaidResult cause) {
      pausedAtNanos.set(System.nanoTime());
      pauses.add(cause);
    }

    @Override
    public void onClientErrorResume(long pausedNanos) {
      resumes.incrementAndGet();
    }
  }
}
