package dev.identitystream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka Streams re-uses a processor: {@code close()} then {@code init()} on the same object (a task
 * revived after {@code TaskCorruptedException}, a suspended task resumed). Nothing of the earlier
 * life may leak into the next, and its late answers must never be forwarded.
 */
class StageLifecycleTest {

  private static final int CAP = 3;

  @TempDir Path stateDir;

  private final InFlightLimiter limiter = new InFlightLimiter(CAP);
  private final FakePlaidClient client = new FakePlaidClient().ignoringCancellation();
  private final Function<String, dev.identitystream.plaid.PlaidResult> answer =
      id -> Answers.success("item-" + id, 1);

  private PlaidCallProcessor newProcessor() {
    return new PlaidCallProcessor(
        TopologyHarness.settings().withMaxInFlight(CAP),
        client,
        limiter,
        new OutcomeMapper(Clock.fixed(TopologyHarness.NOW, ZoneOffset.UTC)));
  }

  @Test
  void shouldStartEachLifeCleanAndNeverForwardALateAnswerOfAnEarlierOne() {
    // given: six requests on four keys, three calls in flight, r0 answered
    StageTask task = new StageTask(newProcessor(), 0, stateDir);
    task.init();
    String[][] requests = {
      {"A", "r0"}, {"A", "r1"}, {"B", "r2"}, {"C", "r3"}, {"C", "r4"}, {"D", "r5"}
    };
    for (int i = 0; i < requests.length; i++) {
      task.process(i, requests[i][0], requests[i][1]);
    }
    assertThat(client.openRequestIds()).containsExactly("r0", "r2", "r3");
    client.complete("r0", answer.apply("r0"));
    task.punctuate();
    assertThat(client.openRequestIds())
        .as("r0's slot goes to r5, ready longer than r1")
        .containsExactly("r2", "r3", "r5");

    // when: the task is closed with three calls in flight
    task.close();

    // then: their slots are back at once, and the closed life no longer counts as a task waiting
    // for slots (r1 and r4 were ready): another task gets every slot, not a fair share beside it
    assertThat(limiter.available()).isEqualTo(CAP);
    assertThat(limiter.inFlight()).isZero();
    InFlightLimiter.Share other = limiter.register();
    int taken = 0;
    while (limiter.tryAcquire(other, Lane.LIVE)) {
      taken++;
    }
    assertThat(taken).as("slots another task may take").isEqualTo(CAP);
    for (int i = 0; i < taken; i++) {
      limiter.release(other, Lane.LIVE);
    }

    // when: a late answer of the first life arrives before the second init, another during it (on
    // the first call the new life makes), and the last after it
    client.complete("r2", answer.apply("r2"));
    AtomicBoolean once = new AtomicBoolean();
    client.onCall(
        request -> {
          if (once.compareAndSet(false, true)) {
            client.complete("r3", answer.apply("r3"));
          }
        });
    task.init();
    client.complete("r5", answer.apply("r5"));
    task.punctuate();

    // then: nothing of the first life was forwarded; the second life calls what the store holds
    assertThat(task.answered()).containsExactly("r0");
    assertThat(client.openRequestIds()).containsExactly("r1", "r2", "r3");

    // and when every call of the second life is answered
    while (!client.openRequestIds().isEmpty()) {
      client.openRequestIds().forEach(id -> client.complete(id, answer.apply(id)));
      task.punctuate();
    }

    // then: every request answered exactly once, per-key order kept, nothing pending, slots back
    List<String> answered = task.answered();
    Map<String, Long> counts =
        answered.stream().collect(Collectors.groupingBy(id -> id, Collectors.counting()));
    assertThat(counts).containsOnlyKeys("r0", "r1", "r2", "r3", "r4", "r5");
    assertThat(counts.values()).containsOnly(1L);
    assertThat(answered.indexOf("r0")).isLessThan(answered.indexOf("r1"));
    assertThat(answered.indexOf("r3")).isLessThan(answered.indexOf("r4"));
    assertThat(task.processor.pending()).isZero();
    assertThat(task.store.approximateNumEntries()).isZero();
    assertThat(limiter.available()).isEqualTo(CAP);
    assertThat(limiter.inFlight()).isZero();
  }

  @Test
  void shouldRunAgainAfterCloseAndInitWithNothingInFlight() {
    // given: a task that was closed with every request pending but none called (no slot free)
    InFlightLimiter busy = new InFlightLimiter(1);
    PlaidCallProcessor processor =
        new PlaidCallProcessor(
            TopologyHarness.settings().withMaxInFlight(1),
            client,
            busy,
            new OutcomeMapper(Clock.fixed(TopologyHarness.NOW, ZoneOffset.UTC)));
    StageTask task = new StageTask(processor, 1, stateDir);
    task.init();
    task.process(0, "A", "a0");
    task.process(1, "B", "b0");
    assertThat(client.openRequestIds()).containsExactly("a0");

    // when: closed and initialized again, three times (a revival loop during an outage)
    for (int life = 0; life < 3; life++) {
      task.close();
      task.init();
    }

    // then: the last life calls, with the one slot, and finishes both
    while (task.processor.pending() > 0) {
      client.openRequestIds().forEach(id -> client.complete(id, answer.apply(id)));
      task.punctuate();
    }
    assertThat(task.answered()).containsExactly("a0", "b0");
    assertThat(busy.available()).isEqualTo(1);
  }

  @Test
  void shouldKeepARequestPendingAndCallItAgainWhenTheClientFailsWithoutAResult() {
    // given: a client that fails its first call with an exception (closing, or a bug)
    java.util.concurrent.atomic.AtomicInteger calls =
        new java.util.concurrent.atomic.AtomicInteger();
    dev.identitystream.plaid.PlaidClient flaky =
        request ->
            calls.incrementAndGet() == 1
                ? java.util.concurrent.CompletableFuture.failedFuture(
                    new IllegalStateException("client is closed"))
                : java.util.concurrent.CompletableFuture.completedFuture(
                    answer.apply(request.requestId()));
    PlaidCallProcessor processor =
        new PlaidCallProcessor(
            TopologyHarness.settings().withMaxInFlight(CAP),
            flaky,
            limiter,
            new OutcomeMapper(Clock.fixed(TopologyHarness.NOW, ZoneOffset.UTC)));
    StageTask task = new StageTask(processor, 2, stateDir);
    task.init();

    // when
    task.process(0, "A", "f0");
    task.process(1, "A", "f1");
    task.punctuate();

    // then: nothing is forwarded for it (no DLQ), it stays pending, and the key waits behind it
    assertThat(task.context.forwarded()).isEmpty();
    assertThat(task.processor.pending()).isEqualTo(2);
    assertThat(calls).hasValue(1);

    // and a second later it is called again and both complete, in order
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              task.punctuate();
              assertThat(task.answered()).containsExactly("f0", "f1");
            });
    assertThat(task.context.forwarded())
        .noneMatch(f -> StageOutput.Kind.DLQ.sink().equals(f.childName().orElse(null)));
    assertThat(limiter.available()).isEqualTo(CAP);
  }
}
