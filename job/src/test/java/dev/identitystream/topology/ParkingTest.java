package dev.identitystream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task holds at most its cap of requests in memory; what backpressure admits beyond it waits
 * parked in the pending store and is read back in offset order when there is room, also after a
 * restart.
 */
class ParkingTest {

  private static final int CAP = 3;

  @TempDir Path stateDir;

  private final FakePlaidClient client = new FakePlaidClient();
  private final PendingGauge gauge = new PendingGauge();

  private StageTask task(String name) {
    PlaidCallProcessor processor =
        new PlaidCallProcessor(
            TopologyHarness.settings()
                .withMaxPendingPerTask(CAP)
                .withMaxBlock(Duration.ofMillis(1)),
            client,
            new InFlightLimiter(100),
            new OutcomeMapper(Clock.fixed(TopologyHarness.NOW, ZoneOffset.UTC)),
            gauge,
            WaitBudget.perThread(),
            StageMetrics.NONE,
            new FleetShare(),
            new TransactionGuard());
    return new StageTask(processor, 0, stateDir.resolve(name));
  }

  private void answerAll(StageTask task, List<String> answered) {
    while (task.processor.pending() > 0) {
      List<String> open = client.openRequestIds();
      assertThat(open).as("calls in flight").hasSizeLessThanOrEqualTo(CAP).isNotEmpty();
      client.complete(open.get(0), Answers.success("item", 1));
      task.punctuate();
    }
    answered.addAll(task.answered());
  }

  @Test
  void shouldHoldAtMostTheCapInMemoryAndAnswerParkedRequestsInOffsetOrder() {
    // given: ten requests, two keys, while Plaid is silent
    StageTask task = task("a");
    task.init();
    for (int i = 0; i < 10; i++) {
      task.process(i, i % 2 == 0 ? "A" : "B", "r" + i);
    }
    assertThat(task.processor.pending()).isEqualTo(10);
    assertThat(task.store.approximateNumEntries()).isEqualTo(10);

    // when: Plaid answers one call at a time
    List<String> answered = new ArrayList<>();
    answerAll(task, answered);

    // then: every request answered once, each key's in offset order, never more than the cap held
    assertThat(answered)
        .containsExactlyInAnyOrder("r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9");
    assertThat(answered.stream().filter(id -> Integer.parseInt(id.substring(1)) % 2 == 0))
        .containsExactly("r0", "r2", "r4", "r6", "r8");
    assertThat(gauge.peakInMemoryPerTask()).isEqualTo(CAP);
    assertThat(gauge.peakPerTask()).isEqualTo(10);
    assertThat(task.store.approximateNumEntries()).isZero();
  }

  @Test
  void shouldRestoreOnlyTheCapIntoMemoryAndTheRestFromTheStoreLater() {
    // given: a task closed with eight requests pending, none answered
    StageTask task = task("b");
    task.init();
    for (int i = 0; i < 8; i++) {
      task.process(i, "K" + (i % 3), "r" + i);
    }
    task.close();

    // when: it starts again
    task.init();

    // then: the cap is in memory (called), the rest parked; all are answered in the end
    assertThat(task.processor.pending()).isEqualTo(8);
    List<String> answered = new ArrayList<>();
    answerAll(task, answered);
    assertThat(answered).hasSize(8).doesNotHaveDuplicates();
    assertThat(answered.stream().filter(id -> Integer.parseInt(id.substring(1)) % 3 == 0))
        .containsExactly("r0", "r3", "r6");
  }
}
