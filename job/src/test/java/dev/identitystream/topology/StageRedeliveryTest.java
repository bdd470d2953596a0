package dev.identitystream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A life that starts from a store <em>ahead</em> of the input offsets: records the store already
 * holds, or already answered, are delivered again. Under {@code at_least_once} that is every
 * restart after a crash (the changelog and the offsets are not committed together); under {@code
 * exactly_once_v2} it follows when Kafka Streams commits the thread's transaction for the other
 * tasks while reviving a corrupted one ({@code TaskManager.handleCorruption}), which commits the
 * corrupted task's store writes but not its offsets. A request delivered again while it is pending
 * is called once, and a request delivered again below the parked ones is read back, never left in
 * the store.
 */
class StageRedeliveryTest {

  @TempDir Path stateDir;

  private final FakePlaidClient client = new FakePlaidClient().ignoringCancellation();
  private final Function<String, dev.identitystream.plaid.PlaidResult> answer =
      id -> Answers.success("item-" + id, 1);

  private StageTask task(int maxPending, InFlightLimiter limiter) {
    PlaidCallProcessor processor =
        new PlaidCallProcessor(
            TopologyHarness.settings()
                .withMaxInFlight(limiter.capacity())
                .withMaxPendingPerTask(maxPending)
                .withMaxBlock(Duration.ofMillis(1)),
            client,
            limiter,
            new OutcomeMapper(Clock.fixed(TopologyHarness.NOW, ZoneOffset.UTC)));
    return new StageTask(processor, 0, stateDir);
  }

  /** Answers every open call until none is left (bounded: a stalled task fails the test). */
  private void answerAll(StageTask task) {
    for (int round = 0; round < 100 && !client.openRequestIds().isEmpty(); round++) {
      client.openRequestIds().forEach(id -> client.complete(id, answer.apply(id)));
      task.punctuate();
    }
    assertThat(client.openRequestIds()).as("calls still open").isEmpty();
  }

  private static Map<String, Long> counts(List<String> ids) {
    return ids.stream().collect(Collectors.groupingBy(id -> id, Collectors.counting()));
  }

  @Test
  void shouldCallARequestDeliveredAgainWhileItIsPendingOnlyOnce() {
    // given: a first life that answered r0 and holds r1..r3 in its store
    InFlightLimiter limiter = new InFlightLimiter(8);
    StageTask task = task(100, limiter);
    task.init();
    for (int i = 0; i < 4; i++) {
      task.process(i, "K" + i, "r" + i);
    }
    client.complete("r0", answer.apply("r0"));
    task.punctuate();
    assertThat(task.answered()).containsExactly("r0");

    // when: the task restarts from that store and its input from offset 0 (nothing committed)
    task.close();
    int before = task.answered().size();
    List<String> calls = new ArrayList<>();
    client.onCall(request -> calls.add(request.requestId()));
    task.init();
    for (int i = 0; i < 4; i++) {
      task.process(i, "K" + i, "r" + i);
    }
    answerAll(task);

    // then: r0 again (its outputs were not committed with its offset), r1..r3 once each
    List<String> secondLife = task.answered().subList(before, task.answered().size());
    assertThat(counts(calls))
        .as("calls of the second life")
        .containsOnlyKeys("r0", "r1", "r2", "r3");
    assertThat(counts(calls).values()).as("calls per request").containsOnly(1L);
    assertThat(counts(secondLife).values()).as("answers per request").containsOnly(1L);
    assertThat(secondLife).containsExactlyInAnyOrder("r0", "r1", "r2", "r3");
    assertThat(task.processor.pending()).isZero();
    assertThat(task.store.approximateNumEntries()).isZero();
    assertThat(limiter.inFlight()).isZero();
  }

  @Test
  void shouldReadBackARequestDeliveredAgainBelowTheParkedOnes() {
    // given: a task that holds two requests in memory; the first life answered r0..r2, and its
    // store holds r3..r5 (r5 parked)
    InFlightLimiter limiter = new InFlightLimiter(2);
    StageTask task = task(2, limiter);
    task.init();
    for (int i = 0; i < 6; i++) {
      task.process(i, "K" + i, "r" + i);
    }
    for (String id : List.of("r0", "r1", "r2")) {
      assertThat(client.openRequestIds()).contains(id);
      client.complete(id, answer.apply(id));
      task.punctuate();
    }
    assertThat(task.answered()).containsExactly("r0", "r1", "r2");
    assertThat(task.store.approximateNumEntries()).isEqualTo(3);

    // when: the task restarts from that store (r3, r4 in memory, r5 parked) and its input from
    // offset 1: r1 and r2 come again below the parked r5, r3..r5 come again while pending
    task.close();
    int before = task.answered().size();
    task.init();
    for (int i = 1; i < 6; i++) {
      task.process(i, "K" + i, "r" + i);
    }
    answerAll(task);

    // then: every request delivered again is answered once, and nothing is left in the store
    List<String> secondLife = task.answered().subList(before, task.answered().size());
    assertThat(secondLife).containsExactlyInAnyOrder("r1", "r2", "r3", "r4", "r5");
    assertThat(task.store.approximateNumEntries()).as("requests left in the store").isZero();
    assertThat(task.processor.pending()).isZero();
    assertThat(limiter.inFlight()).isZero();
  }

  /**
   * Under {@code exactly_once_v2} a failed send of one task surfaces in the next send of any task
   * of the thread, as a {@code TaskCorruptedException} naming the first; Kafka Streams revives that
   * one and runs this one on. An answer whose outputs were interrupted so is finished at the next
   * drain, once, and its key's next request is called (before: the key stayed blocked for ever).
   */
  @Test
  void shouldFinishAnAnswerInterruptedByASignalAboutAnotherTaskAndCallTheKeysNextRequest() {
    // given: two requests of one key, the first answered; building its outputs throws a signal
    // about another task once
    java.util.concurrent.atomic.AtomicBoolean armed =
        new java.util.concurrent.atomic.AtomicBoolean();
    Clock clock =
        TopologyHarness.signalWhenArmed(armed, new org.apache.kafka.streams.processor.TaskId(0, 9));
    InFlightLimiter limiter = new InFlightLimiter(8);
    StageTask task =
        new StageTask(
            new PlaidCallProcessor(
                TopologyHarness.settings()
                    .withMaxInFlight(limiter.capacity())
                    .withMaxPendingPerTask(100)
                    .withMaxBlock(Duration.ofMillis(1)),
                client,
                limiter,
                new OutcomeMapper(clock)),
            0,
            stateDir);
    task.init();
    task.process(0, "K", "r0");
    task.process(1, "K", "r1");
    client.complete("r0", answer.apply("r0"));
    armed.set(true);
    org.assertj.core.api.Assertions.assertThatThrownBy(task::punctuate)
        .isInstanceOf(org.apache.kafka.streams.errors.TaskCorruptedException.class);

    // when: Kafka Streams runs this task on
    task.punctuate();
    answerAll(task);

    // then
    assertThat(task.answered()).containsExactly("r0", "r1");
    assertThat(task.processor.pending()).isZero();
    assertThat(task.store.approximateNumEntries()).isZero();
    assertThat(limiter.inFlight()).isZero();
  }
}
