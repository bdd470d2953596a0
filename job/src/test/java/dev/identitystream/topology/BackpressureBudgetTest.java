package dev.identitystream.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stream thread's wait budget (one {@code maxBlock} per pass between two polls, whatever the
 * number of records and full tasks) and the bound on answers waiting for a busy stream thread.
 */
class BackpressureBudgetTest {

  @TempDir Path stateDir;

  private final FakePlaidClient silent = new FakePlaidClient();
  private final ThreadLocal<WaitBudget> budgets = WaitBudget.perThread();

  private List<StageTask> fullTasks(
      int count, Duration maxBlock, FakePlaidClient client, InFlightLimiter limiter) {
    StageSettings settings =
        TopologyHarness.settings().withMaxPendingPerTask(1).withMaxBlock(maxBlock);
    List<StageTask> tasks = new ArrayList<>();
    for (int t = 0; t < count; t++) {
      PlaidCallProcessor processor =
          new PlaidCallProcessor(
              settings,
              client,
              limiter,
              new OutcomeMapper(Clock.fixed(TopologyHarness.NOW, ZoneOffset.UTC)),
              new PendingGauge(),
              budgets,
              StageMetrics.NONE,
              new FleetShare(),
              new TransactionGuard());
      StageTask task = new StageTask(processor, t, stateDir.resolve("t" + t));
      task.init();
      tasks.add(task);
    }
    return tasks;
  }

  @Test
  void shouldWaitAtMostMaxBlockInTotalForManyRecordsOverManyFullTasksBetweenTwoPolls() {
    // given: four tasks of one thread, each full after one request; Plaid never answers
    Duration maxBlock = Duration.ofMillis(300);
    List<StageTask> tasks = fullTasks(4, maxBlock, silent, new InFlightLimiter(256));
    PollSignal.polled();

    // when: 48 records go round the four tasks with no poll in between
    long start = System.nanoTime();
    for (int i = 0; i < 48; i++) {
      tasks.get(i % 4).process(i / 4, "k" + i, "r" + i);
    }
    Duration waited = Duration.ofNanos(System.nanoTime() - start);

    // then: the thread waited about maxBlock in all (a per-task or per-record wait would be
    // 12x-48x)
    assertThat(waited).isGreaterThanOrEqualTo(maxBlock).isLessThan(maxBlock.multipliedBy(2));
    assertThat(tasks).allSatisfy(task -> assertThat(task.processor.pending()).isEqualTo(12));
    tasks.forEach(StageTask::close);
  }

  @Test
  void shouldRenewTheBudgetAfterEachPoll() {
    // given
    Duration maxBlock = Duration.ofMillis(40);
    List<StageTask> tasks = fullTasks(2, maxBlock, silent, new InFlightLimiter(256));

    // when: five passes over the full tasks, each after a poll
    long start = System.nanoTime();
    for (int pass = 0; pass < 5; pass++) {
      PollSignal.polled();
      for (int t = 0; t < 2; t++) {
        tasks.get(t).process(pass, "k" + pass, "r" + pass + "-" + t);
      }
    }
    Duration waited = Duration.ofNanos(System.nanoTime() - start);

    // then: one budget per pass
    assertThat(waited)
        .isGreaterThanOrEqualTo(maxBlock.multipliedBy(5))
        .isLessThan(maxBlock.multipliedBy(5).plusMillis(400));
    tasks.forEach(StageTask::close);
  }

  @Test
  void shouldNeverQueueMoreAnswersThanTheCapWhileTheStreamThreadIsStalled() throws Exception {
    // given: 8 slots, 60 requests on 60 keys, answered at once on another thread
    int cap = 8;
    FakePlaidClient client = new FakePlaidClient();
    InFlightLimiter limiter = new InFlightLimiter(cap);
    PlaidCallProcessor processor =
        new PlaidCallProcessor(
            TopologyHarness.settings().withMaxInFlight(cap),
            client,
            limiter,
            new OutcomeMapper(Clock.fixed(TopologyHarness.NOW, ZoneOffset.UTC)));
    StageTask stage = new StageTask(processor, 9, stateDir.resolve("stalled"));
    stage.init();
    for (int i = 0; i < 60; i++) {
      stage.process(i, "k" + i, "r" + i);
    }
    ExecutorService http = Executors.newFixedThreadPool(4);
    try {
      for (int round = 0; round < 7; round++) {
        // when: the client answers everything it was asked while the stream thread does nothing
        List<String> open = client.openRequestIds();
        open.forEach(
            id -> http.execute(() -> client.complete(id, Answers.success("item-" + id, 1))));
        await().atMost(Duration.ofSeconds(5)).until(() -> client.openRequestIds().isEmpty());

        // then: no call started meanwhile: calls made = answers forwarded + at most the cap
        int forwarded = stage.answered().size();
        assertThat(client.calls().size() - forwarded).isLessThanOrEqualTo(cap);
        assertThat(limiter.available()).isZero();

        // and the stream thread's next drain forwards them and starts the next calls
        stage.punctuate();
      }
      assertThat(stage.answered()).hasSize(56);
    } finally {
      http.shutdownNow();
      stage.close();
    }
  }
}
