package dev.identitystream.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.TaskCorruptedException;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guard against Kafka Streams 4.4's unsafe commits under {@code exactly_once_v2}, driven with
 * the calls Kafka Streams makes, in its order: {@code TaskManager.handleCorruption} commits the
 * non-corrupted tasks (or skips that while a rebalance is in progress), then {@code
 * closeDirtyAndRevive} closes each corrupted task's processors ({@code suspend}) before its record
 * collector aborts the thread's transaction ({@code closeDirty}); a revived task's processors are
 * initialized again once it is restored.
 */
class TransactionGuardTest {

  private static final String INPUT = "identity-requests";
  private static final String BULK = "identity-backfill-requests";

  private final AtomicLong now = new AtomicLong();
  private final TransactionGuard guard = new TransactionGuard(now::get);

  private static TaskId task(int partition) {
    return new TaskId(0, partition);
  }

  private static Map<TopicPartition, OffsetAndMetadata> offsets(Object... topicPartitionOffset) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (int i = 0; i < topicPartitionOffset.length; i += 3) {
      offsets.put(
          new TopicPartition(
              (String) topicPartitionOffset[i], (Integer) topicPartitionOffset[i + 1]),
          new OffsetAndMetadata((Long) topicPartitionOffset[i + 2]));
    }
    return offsets;
  }

  /** A commit as Kafka Streams' thread producer makes it. */
  private void commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
    guard.beforeCommit(offsets);
    guard.beforeCommit(Map.of());
    guard.committed();
  }

  @Test
  void shouldLetEveryCommitOfEveryRunningTaskThrough() {
    // given
    TransactionGuard.Participant p0 = guard.join(task(0), true);
    TransactionGuard.Participant p1 = guard.join(task(1), true);
    p0.consumed(INPUT, 0, 10);
    p0.consumed(INPUT, 0, 11);
    p0.wrote();
    p1.consumed(INPUT, 1, 20);

    // then
    assertThatCode(() -> commit(offsets(INPUT, 0, 12L, INPUT, 1, 21L))).doesNotThrowAnyException();
    p1.wrote(); // a punctuation's outputs: no offsets to commit with them
    assertThatCode(() -> commit(offsets())).doesNotThrowAnyException();
  }

  @Test
  void shouldRefuseTheCommitAfterAnAbortThatThrewAwayTheWorkOfTasksThatRunOn() {
    // given: three tasks with uncommitted work; 0_0 is corrupted while a rebalance is in progress,
    // so Kafka Streams skips the commit of 0_1 and 0_2 and aborts when it closes 0_0
    TransactionGuard.Participant p0 = guard.join(task(0), true);
    TransactionGuard.Participant p1 = guard.join(task(1), true);
    TransactionGuard.Participant p2 = guard.join(task(2), true);
    p0.consumed(INPUT, 0, 10);
    p1.consumed(INPUT, 1, 20);
    p2.wrote();
    p0.leave();
    guard.aborted();

    // when: 0_1 and 0_2 run on and their next commit comes
    p1.consumed(INPUT, 1, 21);
    TransactionGuard.Participant revived = guard.join(task(0), true);
    revived.consumed(INPUT, 0, 10);

    // then
    assertThatThrownBy(() -> guard.beforeCommit(offsets(INPUT, 0, 11L, INPUT, 1, 22L)))
        .isInstanceOf(TransactionGuard.UnsafeCommitException.class)
        .hasMessageContaining("transaction while task 0_1,")
        .hasMessageContaining("transaction while task 0_2,")
        .hasMessageNotContaining("task 0_0")
        .hasMessageContaining("Replacing the stream thread");
    assertThatCode(() -> guard.beforeCommit(offsets()))
        .as("refused until the thread is replaced")
        .isInstanceOf(TransactionGuard.UnsafeCommitException.class);
  }

  @Test
  void shouldLetTheCommitThroughWhenKafkaStreamsRevivesEveryTaskWhoseWorkWasAborted() {
    // given: a commit times out during a broker outage; Kafka Streams revives every task (the
    // first dirty close aborts, the next ones find no transaction to abort)
    TransactionGuard.Participant p0 = guard.join(task(0), true);
    TransactionGuard.Participant p1 = guard.join(task(1), true);
    p0.consumed(INPUT, 0, 10);
    p0.wrote();
    p1.consumed(INPUT, 1, 20);
    p0.leave();
    guard.aborted();
    p1.leave();

    // when: both come back, reset to their committed offsets
    TransactionGuard.Participant q0 = guard.join(task(0), true);
    TransactionGuard.Participant q1 = guard.join(task(1), true);
    q0.consumed(INPUT, 0, 9);
    q1.consumed(INPUT, 1, 20);

    // then
    assertThatCode(() -> commit(offsets(INPUT, 0, 11L, INPUT, 1, 21L))).doesNotThrowAnyException();
  }

  @Test
  void shouldRefuseACommitThatCarriesARunningTasksOutputsWithoutItsOffsets() {
    // given: 0_0 consumed since the last commit and is declared corrupted; Kafka Streams commits
    // the other tasks first, in the transaction that holds 0_0's outputs
    TransactionGuard.Participant p0 = guard.join(task(0), true);
    TransactionGuard.Participant p1 = guard.join(task(1), true);
    p0.consumed(INPUT, 0, 10);
    p0.consumed(BULK, 0, 3);
    p0.wrote();
    p1.consumed(INPUT, 1, 20);

    // then
    assertThatThrownBy(() -> guard.beforeCommit(offsets(INPUT, 1, 21L)))
        .isInstanceOf(TransactionGuard.UnsafeCommitException.class)
        .hasMessageContaining("0_0 (" + INPUT + "-0 from offset 10)")
        .hasMessageContaining("0_0 (" + BULK + "-0 from offset 3)")
        .hasMessageNotContaining("0_1");
    assertThatThrownBy(() -> guard.beforeCommit(offsets(INPUT, 0, 11L, INPUT, 1, 21L)))
        .as("the bulk topic's offsets are missing still")
        .isInstanceOf(TransactionGuard.UnsafeCommitException.class);
  }

  @Test
  void shouldLetAPunctuationsOutputsCommitWithoutOffsets() {
    // given: 0_0 only forwarded answers since the last commit (no input consumed)
    TransactionGuard.Participant p0 = guard.join(task(0), true);
    TransactionGuard.Participant p1 = guard.join(task(1), true);
    p0.wrote();
    p1.consumed(INPUT, 1, 20);

    // then: committing them with the others' offsets is consistent
    assertThatCode(() -> commit(offsets(INPUT, 1, 21L))).doesNotThrowAnyException();
  }

  @Test
  void shouldRefuseTheCommitOfARevivedTaskThatDidNotRewindToItsAbortedRecords() {
    // given: 0_0's records from offset 10 were aborted with it (0_1 had nothing uncommitted)
    TransactionGuard.Participant p0 = guard.join(task(0), true);
    TransactionGuard.Participant p1 = guard.join(task(1), true);
    p0.consumed(INPUT, 0, 10);
    p0.consumed(INPUT, 0, 15);
    p0.wrote();
    p0.leave();
    guard.aborted();
    p1.consumed(INPUT, 1, 20);

    // when: the rebalance after the corruption replaced the revived task by a new one, which
    // resumed at the consumer's position
    TransactionGuard.Participant replacement = guard.join(task(0), true);
    replacement.consumed(INPUT, 0, 16);

    // then
    assertThatThrownBy(() -> guard.beforeCommit(offsets(INPUT, 0, 17L, INPUT, 1, 21L)))
        .isInstanceOf(TransactionGuard.UnsafeCommitException.class)
        .hasMessageContaining(
            "Task 0_0 began its new life at " + INPUT + "-0 offset 16, past offset 10");
  }

  @Test
  void shouldNotCheckTheRewindOfATaskThatComesBackLongAfterTheAbort() {
    // given
    TransactionGuard.Participant p0 = guard.join(task(0), true);
    p0.consumed(INPUT, 0, 10);
    p0.leave();
    guard.aborted();

    // when: 0_0 returns after the window (another thread may have run and committed it meanwhile)
    now.addAndGet(TransactionGuard.REWIND_WINDOW.toNanos() + 1);
    TransactionGuard.Participant later = guard.join(task(0), true);
    later.consumed(INPUT, 0, 500);

    // then
    assertThatCode(() -> commit(offsets(INPUT, 0, 501L))).doesNotThrowAnyException();
  }

  @Test
  void shouldForgetATaskThatClosedWithUncommittedWorkWhenTheTransactionCommits() {
    // given: 0_0 consumed records that wrote nothing (delivered again while pending) and closed
    // without a transaction to abort; the thread commits next
    TransactionGuard.Participant p0 = guard.join(task(0), true);
    TransactionGuard.Participant p1 = guard.join(task(1), true);
    p0.consumed(INPUT, 0, 10);
    p0.leave();
    p1.consumed(INPUT, 1, 20);
    commit(offsets(INPUT, 1, 21L));

    // when: an abort follows (another corruption), then 0_0's next life
    guard.aborted();
    TransactionGuard.Participant again = guard.join(task(0), true);
    again.consumed(INPUT, 0, 30);

    // then
    assertThatCode(() -> commit(offsets(INPUT, 0, 31L))).doesNotThrowAnyException();
  }

  @Test
  void shouldRefuseTheCommitOfATaskThatRunsOnAfterKafkaStreamsDroppedItsRecord(
      @TempDir Path stateDir) {
    // given: the stage on task 0_1, with an answer to forward when the next record comes
    FakePlaidClient client = new FakePlaidClient().ignoringCancellation();
    AtomicBoolean armed = new AtomicBoolean();
    StageTask task =
        new StageTask(
            stage(client, TopologyHarness.signalWhenArmed(armed, task(0))),
            1,
            stateDir,
            StreamsConfig.EXACTLY_ONCE_V2);
    task.init();
    task.process(4, "A", "r0");
    commit(offsets(INPUT, 1, 5L));
    client.complete("r0", Answers.success("item-r0", 1));

    // when: building its outputs throws Kafka Streams' signal about task 0_0 (as a send does when
    // a send of 0_0 failed); Kafka Streams drops record 5 and keeps 0_1 running
    armed.set(true);
    assertThatThrownBy(() -> task.process(5, "B", "r1")).isInstanceOf(TaskCorruptedException.class);
    task.process(6, "C", "r2");

    // then
    assertThatThrownBy(() -> guard.beforeCommit(offsets(INPUT, 1, 7L)))
        .isInstanceOf(TransactionGuard.UnsafeCommitException.class)
        .hasMessageContaining(
            "Kafka Streams dropped the record task 0_1 was processing (" + INPUT + "-1 offset 5)");
  }

  /** The stage wired to the guard as the topology wires it. */
  private PlaidCallProcessor stage(FakePlaidClient client, Clock clock) {
    return new PlaidCallProcessor(
        TopologyHarness.settings().withMaxBlock(Duration.ofMillis(1)),
        client,
        new InFlightLimiter(8),
        new OutcomeMapper(clock),
        new PendingGauge(),
        WaitBudget.perThread(),
        StageMetrics.NONE,
        new FleetShare(),
        guard);
  }

  @Test
  void shouldGuardNothingUnderAtLeastOnce(@TempDir Path stateDir) {
    // given: the stage of an at_least_once application (no transactions, no commit events)
    FakePlaidClient client = new FakePlaidClient().ignoringCancellation();
    StageTask task =
        new StageTask(
            stage(client, Clock.fixed(TopologyHarness.NOW, ZoneOffset.UTC)),
            2,
            stateDir,
            StreamsConfig.AT_LEAST_ONCE);
    task.init();

    // when
    task.process(1, "A", "r0");

    // then: nothing recorded (under exactly_once_v2 both would be refused), nothing kept
    assertThatCode(() -> commit(offsets())).doesNotThrowAnyException();
    guard.aborted();
    assertThatCode(() -> commit(offsets())).doesNotThrowAnyException();
  }

  @Test
  void shouldKeepEachStreamThreadsTransactionsApart() throws Exception {
    // given: a task of another thread with work its thread has not committed
    CompletableFuture<TransactionGuard.Participant> other =
        CompletableFuture.supplyAsync(
            () -> {
              TransactionGuard.Participant participant = guard.join(task(1), true);
              participant.consumed(INPUT, 1, 20);
              return participant;
            });
    other.get();
    TransactionGuard.Participant p0 = guard.join(task(0), true);
    p0.consumed(INPUT, 0, 10);

    // then: this thread's commit and abort are about this thread's tasks only
    assertThatCode(() -> commit(offsets(INPUT, 0, 11L))).doesNotThrowAnyException();
    guard.aborted();
    assertThatCode(() -> commit(offsets())).doesNotThrowAnyException();
  }

  @Test
  void shouldReportWhatTheStageConsumesWritesAndClosesToTheGuard(@TempDir Path stateDir) {
    // given: the stage on task 0_3, wired to the guard as the topology wires it
    FakePlaidClient client = new FakePlaidClient().ignoringCancellation();
    PlaidCallProcessor processor = stage(client, Clock.fixed(TopologyHarness.NOW, ZoneOffset.UTC));
    StageTask task = new StageTask(processor, 3, stateDir, StreamsConfig.EXACTLY_ONCE_V2);
    task.init();

    // when: a record consumed
    task.process(7, "A", "r0");

    // then: a commit without its offsets is refused, one with them passes
    assertThatThrownBy(() -> guard.beforeCommit(offsets()))
        .isInstanceOf(TransactionGuard.UnsafeCommitException.class)
        .hasMessageContaining("0_3 (" + INPUT + "-3 from offset 7)");
    commit(offsets(INPUT, 3, 8L));

    // when: its answer forwarded by the punctuator, and the transaction aborted under it
    client.complete("r0", Answers.success("item-r0", 1));
    task.punctuate();
    assertThat(task.answered()).containsExactly("r0");
    guard.aborted();

    // then: its next commit is refused, until the task is closed (and revived from its commit)
    assertThatThrownBy(() -> guard.beforeCommit(offsets()))
        .isInstanceOf(TransactionGuard.UnsafeCommitException.class)
        .hasMessageContaining("transaction while task 0_3,");
    task.close();
    assertThatCode(() -> commit(offsets())).doesNotThrowAnyException();
  }
}
