package dev.identitystream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.identitystream.LogCapture;
import dev.identitystream.app.config.AppConfig;
import dev.identitystream.app.job.PlaidClients;
import dev.identitystream.app.job.StreamingJob;
import dev.identitystream.app.observability.Health;
import dev.identitystream.emulator.EmulatorOptions;
import dev.identitystream.emulator.PlaidEmulator;
import dev.identitystream.local.BrokerOptions;
import dev.identitystream.local.ForkedKafkaBroker;
import dev.identitystream.topology.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.TaskCorruptedException;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The revival path: under {@code exactly_once_v2} the broker goes away while calls are in flight,
 * and Kafka Streams declares the tasks corrupted and revives them (the same processor objects:
 * {@code close()} then {@code init()}), as it does when a commit times out during an outage. Timing
 * decides whether a commit times out before something else happens (a batch that expires first puts
 * the producer in an error state that kills the stream thread, which the job then replaces: {@link
 * ThreadReplacementIT}), so the test drives the revival directly: during the outage the job's
 * clock, read on the stream thread when a call's outputs are built, throws {@code
 * TaskCorruptedException} once, which Kafka Streams handles exactly like a commit that timed out.
 * When the broker is back, the job (never restarted) must finish every request exactly once, as a
 * {@code read_committed} consumer sees it, and be RUNNING.
 *
 * <p>The other tests force, every time, the paths where Kafka Streams 4.4 revives <em>one</em> task
 * while the thread's other tasks run on (one producer, one transaction under {@code
 * exactly_once_v2}): input is written at a steady rate, and the clock throws {@code
 * TaskCorruptedException([0_0])} at a moment it picks on the stream thread ({@link
 * StreamThreadState}): during a rebalance, with no rebalance, from a record's processing.
 */
class TaskRevivalIT {

  private static final Logger LOG = LoggerFactory.getLogger(TaskRevivalIT.class);

  private static final int REQUESTS = 2_000;
  private static final int PARTITIONS = 3;
  private static final double STOP_AT = 0.2;
  private static final Duration PLAID_LATENCY = Duration.ofMillis(50);
  private static final Duration PROGRESS_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration REVIVAL_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration COMPLETE_TIMEOUT = Duration.ofSeconds(150);
  private static final Duration QUIET_PERIOD = Duration.ofSeconds(3);
  private static final int FLOW_REQUESTS = 2_400;
  private static final int FLOW_PER_SECOND = 100;
  private static final Duration FIRE_TIMEOUT = Duration.ofSeconds(20);
  private static final Duration FLOW_COMPLETE_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration IDLE_PERIOD = Duration.ofSeconds(3);
  private static final Duration REBALANCE_EVERY = Duration.ofMillis(150);
  private static final TaskId VICTIM = new TaskId(0, 0);
  private static final int OTHERS_ANSWERS = 3;
  private static final Set<KafkaStreams.State> FAILED =
      Set.of(
          KafkaStreams.State.PENDING_ERROR,
          KafkaStreams.State.ERROR,
          KafkaStreams.State.PENDING_SHUTDOWN,
          KafkaStreams.State.NOT_RUNNING);

  @TempDir Path tempDir;

  private ForkedKafkaBroker broker;
  private PlaidEmulator emulator;
  private StreamingJob job;
  private OutputWatch outputs;
  private LogCapture logs;
  private final ArmedClock clock = new ArmedClock();
  private Topics topics;
  private CrashFeed feed;
  private PacedFeed paced;
  private AppConfig config;
  private ch.qos.logback.classic.Level savedStreamsLevel;

  @AfterEach
  void cleanUp() {
    streamsInternals().setLevel(savedStreamsLevel);
    if (paced != null) {
      paced.close();
    }
    if (job != null) {
      job.close();
    }
    if (logs != null) {
      logs.close();
    }
    if (outputs != null) {
      outputs.close();
    }
    if (emulator != null) {
      emulator.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void shouldFinishEveryRequestExactlyOnceAfterKafkaStreamsRevivesTheTasksDuringABrokerOutage() {
    reviveAroundABrokerOutage(allTasks(), false);
  }

  /**
   * The path of the CI stall (one run in about a dozen), left to Kafka Streams' timing: the broker
   * is back when the clock declares <em>one</em> task corrupted (in CI, a send from the stage's
   * punctuator had timed out on metadata while the broker restarted). Before reviving it Kafka
   * Streams commits the thread's other tasks, in the transaction that also carries the corrupted
   * task's outputs (duplicates), or skips that commit during a rebalance and aborts their work
   * (loss). The transaction guard refuses both commits and the thread is replaced: every request's
   * outputs exactly once. The tests below force each path every time.
   */
  @Test
  void shouldFinishEveryRequestWhenKafkaStreamsRevivesOneTaskAndCommitsTheOthers() {
    reviveAroundABrokerOutage(Set.of(new TaskId(0, 0)), true);
  }

  /**
   * Forces the path where Kafka Streams revives one task <em>during a rebalance</em>: {@code
   * handleCorruption} then skips the commit of the other tasks (commits wait for the rebalance's
   * end), and the dirty close of the corrupted task aborts the thread's one transaction, which
   * holds the other tasks' outputs and store writes since the last commit, while they run on and
   * later commit their offsets past that work. Input flows at a steady rate; the test asks the
   * stream thread for the follow-up rebalance Kafka Streams schedules itself (probing rebalances),
   * again and again, and the clock throws {@code TaskCorruptedException([0_0])} from the
   * punctuation of another task of the same thread while its task manager has a rebalance in
   * progress.
   */
  @Test
  void shouldFinishEveryRequestExactlyOnceWhenATaskIsRevivedDuringARebalance() {
    AnswersSinceCommit others = new AnswersSinceCommit(task -> !task.equals(VICTIM));
    reviveWhileInputFlows(
        "in another task's punctuation during a rebalance, after "
            + OTHERS_ANSWERS
            + " answers of the other tasks since the last commit",
        Map.of(),
        true,
        thread ->
            others.countedBefore(thread) >= OTHERS_ANSWERS
                && thread.rebalanceInProgress()
                && thread.runs(VICTIM)
                && thread.punctuatingTask().filter(task -> !task.equals(VICTIM)).isPresent());
  }

  /**
   * Forces the path where Kafka Streams revives one task and first commits the others: under {@code
   * exactly_once_v2} that commit is of the thread's one transaction, so it also carries the
   * corrupted task's outputs and store writes since the last commit, but not its input offsets; the
   * revived task is handed those input records again. The clock throws {@code
   * TaskCorruptedException([0_0])} from a punctuation on 0_0's thread while no rebalance is in
   * progress and 0_0 has processed input (and, {@code commit.interval.ms} being 1 s here, had time
   * to answer it) for at least half a second since the last commit.
   */
  @Test
  void shouldFinishEveryRequestExactlyOnceWhenATaskIsRevivedAndTheOthersCommitted() {
    reviveWhileInputFlows(
        "with no rebalance in progress, 0_0 having processed input since the last commit",
        Map.of("commit.interval.ms", "1000"),
        false,
        thread ->
            !thread.rebalanceInProgress()
                && thread.runs(VICTIM)
                && thread.processedSinceCommit(VICTIM) > 0
                && thread.millisSinceLastCommit() >= 500
                && thread.punctuatingTask().isPresent());
  }

  /**
   * A third path, found while forcing the first two: Kafka Streams keeps a thread's send error in
   * one place for all its tasks and throws it at the next send of <em>any</em> task, also from a
   * record's processing ({@code RecordCollectorImpl.checkForException}); {@code StreamTask.process}
   * then drops the record it was processing ({@code record = null}) and, the signal naming another
   * task, this task runs on and later commits its offsets past that record, which is never
   * processed. The clock throws {@code TaskCorruptedException([0_0])} from the stage's drain at the
   * start of another task's {@code process()}, with no rebalance in progress and 0_0 having nothing
   * in the open transaction (no input processed, no answer built since the last commit), so that
   * neither of the two paths above is taken.
   */
  @Test
  void shouldFinishEveryRequestExactlyOnceWhenASignalAboutAnotherTaskInterruptsARecord() {
    AnswersSinceCommit victims = new AnswersSinceCommit(VICTIM::equals);
    reviveWhileInputFlows(
        "in another task's record processing with no rebalance in progress, 0_0 having nothing in"
            + " the open transaction",
        Map.of(),
        false,
        thread ->
            victims.countedBefore(thread) == 0
                && !thread.rebalanceInProgress()
                && thread.runs(VICTIM)
                && thread.processedSinceCommit(VICTIM) == 0
                && thread.punctuatingTask().isEmpty()
                && thread.currentTask().filter(task -> !task.equals(VICTIM)).isPresent());
  }

  /**
   * Per stream thread, the answers whose outputs some tasks built since the thread's last commit,
   * i.e. in its open transaction: each is one read of the clock. Every read must be counted, so
   * {@link #countedBefore} comes first in the clock's condition.
   *
   * <p>Threading: stream threads (each counts its own).
   */
  private static final class AnswersSinceCommit {
    private final Predicate<TaskId> tasks;
    private final ThreadLocal<long[]> commitAndCount =
        ThreadLocal.withInitial(() -> new long[] {Long.MIN_VALUE, 0});

    /** Counts the answers of the tasks that {@code tasks} accepts. */
    AnswersSinceCommit(Predicate<TaskId> tasks) {
      this.tasks = tasks;
    }

    /** Counts the answer being built now; returns the count before it. */
    long countedBefore(StreamThreadState thread) {
      long[] state = commitAndCount.get();
      long lastCommit = thread.lastCommitMs();
      if (state[0] != lastCommit) {
        state[0] = lastCommit;
        state[1] = 0;
      }
      long before = state[1];
      if (thread.currentTask().filter(tasks).isPresent()) {
        state[1]++;
      }
      return before;
    }
  }

  private static Set<TaskId> allTasks() {
    return IntStream.range(0, PARTITIONS)
        .mapToObj(p -> new TaskId(0, p))
        .collect(Collectors.toSet());
  }

  /**
   * @param corrupted the tasks the job's clock declares corrupted
   * @param afterRestart whether the clock fires once the broker is back (else during the outage)
   */
  private void reviveAroundABrokerOutage(Set<TaskId> corrupted, boolean afterRestart) {
    // given: a job well into its work, with calls in flight
    broker = ForkedKafkaBroker.start(BrokerOptions.defaults());
    emulator = PlaidEmulator.start(EmulatorOptions.builder().latency(PLAID_LATENCY).build());
    topics = CrashFeed.uniqueTopics("revive");
    CrashFeed.createTopics(broker, topics, PARTITIONS);
    feed = CrashFeed.of(REQUESTS);
    feed.produce(broker.bootstrapServers(), topics.requests());
    config = config(topics);
    job = new StreamingJob(config, PlaidClients.create(config), clock);
    outputs =
        new OutputWatch(
            broker.bootstrapServers(), topics, feed, this::jobFailed, this::diagnostics);
    int threshold = (int) (feed.expectedItems().size() * STOP_AT);
    // Kafka Streams' INFO lines about revivals and restorations, kept in memory for the diagnostics
    savedStreamsLevel = streamsInternals().getLevel();
    streamsInternals().setLevel(ch.qos.logback.classic.Level.INFO);
    logs = LogCapture.start();
    job.start();
    outputs.until(
        "at least " + threshold + " Item records",
        PROGRESS_TIMEOUT,
        () -> outputs.progress().itemRecords() >= threshold);
    await("Plaid calls in flight")
        .atMost(PROGRESS_TIMEOUT)
        .pollInterval(Duration.ofMillis(5))
        .until(() -> emulator.stats().inFlight(), calls -> calls >= 4);

    // when: the broker goes away with calls in flight; they are answered during the outage; the
    // tasks are declared corrupted and revived at the stream thread's first drain (as soon as the
    // stream thread, blocked in a commit while the broker is away, gets there); the broker is back
    broker.kill9();
    long stoppedAt = System.nanoTime();
    // Only if Kafka Streams has not declared a task corrupted by itself already (a send that timed
    // out while the broker restarts): the revival path is then under way, and naming a task that is
    // being revived would be a signal Kafka Streams never sends (it fails with "Task unknown").
    java.util.function.Supplier<RuntimeException> corruption =
        () -> {
          if (revivals() > 0) {
            return null;
          }
          return new TaskCorruptedException(corrupted);
        };
    if (!afterRestart) {
      clock.arm(corruption);
    }
    await("the calls in flight at the outage answered")
        .atMost(PROGRESS_TIMEOUT)
        .until(() -> emulator.stats().inFlight() == 0);
    long callsBeforeRestart = emulator.stats().requests();
    broker.restart();
    if (afterRestart) {
      clock.arm(corruption);
    }
    try {
      await("Kafka Streams declares the tasks corrupted and revives them")
          .atMost(REVIVAL_TIMEOUT)
          .pollInterval(Duration.ofMillis(200))
          .failFast(this::jobFailed)
          .until(() -> revivals() > 0);
    } catch (org.awaitility.core.ConditionTimeoutException
        | org.awaitility.core.TerminalFailureException e) {
      throw new AssertionError("no revival: " + diagnostics(), e);
    }
    long revivedAfter = Duration.ofNanos(System.nanoTime() - stoppedAt).toMillis();
    outputs.until("every expected output", COMPLETE_TIMEOUT, outputs.progress()::complete);
    outputs.pollFor(QUIET_PERIOD);

    // then
    OutputTally committed = outputs.readCommitted();
    long revivals = revivals();
    // The same probe a failure prints, for comparison with a healthy run's
    String probe =
        StreamsProbe.describe(
            job.streams(),
            job.built().pending(),
            broker.bootstrapServers(),
            config.kafkaProps().get("application.id").toString(),
            topics.inputs(),
            topics.outputs());
    String timeline = revivalTimeline(80);
    logs.close(); // so that the summary reaches the console
    LOG.info("After the revival, a healthy run:\n{}{}", timeline, probe);
    LOG.info(
        "Tasks revived {} ms after the broker was killed ({} log lines about it, {} stream threads replaced);"
            + " {} Plaid calls before the restart, {} in all; committed: {}",
        revivedAfter,
        revivals,
        job.threadReplacements(),
        callsBeforeRestart,
        emulator.stats().requests(),
        committed.summary());
    assertThat(job.fatalError()).as("the job's fatal error").isNull();
    assertThat(job.streams().state()).as(this::diagnostics).isEqualTo(KafkaStreams.State.RUNNING);
    assertThat(emulator.stats().requests())
        .as("Plaid called again after the broker came back")
        .isGreaterThan(callsBeforeRestart);
    assertThat(committed.complete()).as("every request's outputs committed").isTrue();
    assertThat(committed.itemAnomalies())
        .as("Item status records not exactly once per request")
        .isEmpty();
    assertThat(committed.itemErrorAnomalies())
        .as("Item-error events not exactly once per error request")
        .isEmpty();
    assertThat(committed.deadLetterAnomalies())
        .as("DLQ records not exactly once per malformed record")
        .isEmpty();
    assertThat(committed.accountAnomalies())
        .as("account records not exactly once per request and account")
        .isEmpty();
    assertThat(Health.ready(job.streams().state()).status()).as("readiness").isEqualTo(200);
  }

  /**
   * Runs the job on input written at a steady rate, has the clock throw {@code
   * TaskCorruptedException([0_0])} the first time {@code moment} holds on the stream thread reading
   * it, then checks that every request's outputs are committed exactly once and the job RUNNING.
   *
   * @param settings job settings over the defaults
   * @param rebalances whether to ask for rebalances until the clock has fired
   */
  private void reviveWhileInputFlows(
      String moment,
      Map<String, String> settings,
      boolean rebalances,
      Predicate<StreamThreadState> when) {
    // given: a job working through input that keeps coming
    broker = ForkedKafkaBroker.start(BrokerOptions.defaults());
    emulator = PlaidEmulator.start(EmulatorOptions.builder().latency(PLAID_LATENCY).build());
    topics = CrashFeed.uniqueTopics("revive");
    CrashFeed.createTopics(broker, topics, PARTITIONS);
    feed = CrashFeed.of(FLOW_REQUESTS);
    config = config(topics, settings);
    job = new StreamingJob(config, PlaidClients.create(config), clock);
    outputs =
        new OutputWatch(
            broker.bootstrapServers(), topics, feed, this::jobFailed, this::diagnostics);
    savedStreamsLevel = streamsInternals().getLevel();
    streamsInternals().setLevel(ch.qos.logback.classic.Level.INFO);
    logs = LogCapture.start();
    job.start();
    paced = PacedFeed.start(broker.bootstrapServers(), topics.requests(), feed, FLOW_PER_SECOND);
    int threshold = FLOW_REQUESTS / 10;
    outputs.until(
        "at least " + threshold + " Item records",
        PROGRESS_TIMEOUT,
        () -> outputs.progress().itemRecords() >= threshold);

    // when: the clock throws at the chosen moment, from a call's output building on a stream thread
    AtomicReference<String> fired = new AtomicReference<>();
    AtomicReference<RuntimeException> unreadable = new AtomicReference<>();
    clock.armUntilFired(
        () -> {
          try {
            return StreamThreadState.ofCurrentThread()
                .filter(when)
                .map(
                    thread -> {
                      fired.set(
                          thread.describe()
                              + "; current task "
                              + thread.currentTask().orElseThrow()
                              + (thread.punctuatingTask().isPresent()
                                  ? " (punctuating)"
                                  : " (processing a record)"));
                      return new TaskCorruptedException(Set.of(VICTIM));
                    })
                .orElse(null);
          } catch (RuntimeException e) {
            unreadable.compareAndSet(null, e);
            return null;
          }
        });
    try {
      await("the clock fires " + moment)
          .atMost(FIRE_TIMEOUT)
          .pollInterval(REBALANCE_EVERY)
          .failFast(() -> jobFailed() || unreadable.get() != null)
          .until(
              () -> {
                if (rebalances && fired.get() == null) {
                  StreamThreadState.requestFollowupRebalance(job.streams());
                }
                return fired.get() != null;
              });
    } catch (org.awaitility.core.ConditionTimeoutException
        | org.awaitility.core.TerminalFailureException e) {
      throw new AssertionError(
          "the path was not forced: the clock did not fire "
              + moment
              + " (stream thread state unreadable: "
              + unreadable.get()
              + ") "
              + diagnostics(),
          e);
    }
    int writtenAtFiring = paced.acked();
    LOG.info(
        "The clock threw TaskCorruptedException([{}]) {} after {} of {} requests were written: {}",
        VICTIM,
        moment,
        writtenAtFiring,
        FLOW_REQUESTS,
        fired.get());
    outputs.until("the whole feed written", FLOW_COMPLETE_TIMEOUT, paced::done);
    IdleWatch idle = new IdleWatch();
    outputs.until(
        "every expected output, or a job with nothing left to do",
        FLOW_COMPLETE_TIMEOUT,
        () -> outputs.progress().complete() || idle.idleFor(IDLE_PERIOD));
    outputs.pollFor(QUIET_PERIOD);

    // then
    OutputTally committed = outputs.readCommitted();
    String verdict = "the clock fired: " + fired.get() + "; " + verdict(committed);
    logs.close(); // so that the summary reaches the console (the events stay for the diagnostics)
    LOG.info(
        "Revived {} ({} log lines about corrupted tasks, {} stream threads replaced); {} Plaid"
            + " calls; committed: {}; {}",
        moment,
        revivals(),
        job.threadReplacements(),
        emulator.stats().requests(),
        committed.summary(),
        verdict);
    assertThat(committed.itemAnomalies())
        .as(
            () ->
                "Item status records not exactly once per request: "
                    + verdict
                    + "; "
                    + diagnostics())
        .isEmpty();
    assertThat(committed.complete()).as("every request's outputs committed: " + verdict).isTrue();
    assertThat(committed.itemErrorAnomalies())
        .as("Item-error events not exactly once per error request: " + verdict)
        .isEmpty();
    assertThat(committed.deadLetterAnomalies())
        .as("DLQ records not exactly once per malformed record: " + verdict)
        .isEmpty();
    assertThat(committed.accountAnomalies())
        .as("account records not exactly once per request and account: " + verdict)
        .isEmpty();
    assertThat(job.fatalError()).as("the job's fatal error").isNull();
    assertThat(job.streams().state()).as(this::diagnostics).isEqualTo(KafkaStreams.State.RUNNING);
  }

  /**
   * Lost and duplicated Item status records of a committed read, counted per input partition (the
   * partition a request's key hashes to, so the task that handled it).
   */
  private String verdict(OutputTally committed) {
    Map<Integer, Integer> lost = new TreeMap<>();
    Map<Integer, Integer> duplicated = new TreeMap<>();
    List<String> lostIds = new java.util.ArrayList<>();
    List<String> duplicatedIds = new java.util.ArrayList<>();
    for (String id : feed.expectedItems()) {
      int count = committed.itemCount(id);
      if (count == 0) {
        lost.merge(partitionOf(id), 1, Integer::sum);
        lostIds.add(id);
      } else if (count > 1) {
        duplicated.merge(partitionOf(id), 1, Integer::sum);
        duplicatedIds.add(id + " x" + count);
      }
    }
    return "lost "
        + lostIds.size()
        + " per partition "
        + lost
        + " "
        + lostIds.stream().limit(10).toList()
        + ", duplicated "
        + duplicatedIds.size()
        + " per partition "
        + duplicated
        + " "
        + duplicatedIds.stream().limit(10).toList();
  }

  /**
   * Whether the job has had nothing left to do for a while: the feed written, no call in flight or
   * pending, and the input's committed offsets at its end offsets (what is missing then stays
   * missing).
   */
  private final class IdleWatch {
    private long idleSince = -1;

    boolean idleFor(Duration period) {
      boolean idle =
          paced.done()
              && emulator.stats().inFlight() == 0
              && job.built().pending().total() == 0
              && inputCommitted();
      long now = System.nanoTime();
      if (!idle) {
        idleSince = -1;
        return false;
      }
      if (idleSince < 0) {
        idleSince = now;
      }
      return now - idleSince >= period.toNanos();
    }
  }

  private boolean inputCommitted() {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (int partition = 0; partition < PARTITIONS; partition++) {
      latest.put(new TopicPartition(topics.requests(), partition), OffsetSpec.latest());
    }
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin
              .listConsumerGroupOffsets(config.kafkaProps().get("application.id").toString())
              .partitionsToOffsetAndMetadata()
              .get();
      return admin.listOffsets(latest).all().get().entrySet().stream()
          .allMatch(
              end -> {
                OffsetAndMetadata offset = committed.get(end.getKey());
                return offset != null && offset.offset() >= end.getValue().offset();
              });
    } catch (ExecutionException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Log events of Kafka Streams about corrupted tasks (it revives them). */
  private long revivals() {
    return logs.events().stream()
        .filter(e -> e.getLoggerName().startsWith("org.apache.kafka.streams"))
        .filter(
            e ->
                e.getFormattedMessage().contains("TaskCorruptedException")
                    || (e.getThrowableProxy() != null
                        && e.getThrowableProxy().getClassName().contains("TaskCorruptedException")))
        .count();
  }

  private boolean jobFailed() {
    return job.fatalError() != null || FAILED.contains(job.streams().state());
  }

  private String diagnostics() {
    Throwable cause = job.fatalError();
    StringBuilder causes = new StringBuilder();
    while (cause != null) {
      causes.append(" <- ").append(cause);
      cause = cause.getCause();
    }
    return "Kafka Streams "
        + job.streams().state()
        + ", fatal error"
        + causes
        + ", revivals seen "
        + revivals()
        + ", Plaid calls "
        + emulator.stats().requests()
        + ", in flight "
        + emulator.stats().inFlight()
        + "; requests without an Item status (key, input partition): "
        + missing()
        + "; last warnings:\n"
        + lastWarnings(25)
        + "\nKafka Streams about revivals and restorations:\n"
        + revivalTimeline(60)
        + StreamsProbe.describe(
            job.streams(),
            job.built().pending(),
            broker.bootstrapServers(),
            config.kafkaProps().get("application.id").toString(),
            topics.inputs(),
            topics.outputs());
  }

  /**
   * The first requests still without an Item status, with their key and the input partition the key
   * hashes to: whether one task holds them all.
   */
  private String missing() {
    java.util.List<String> ids = outputs.progress().missingItems();
    return ids.size()
        + " "
        + ids.stream()
            .limit(40)
            .map(
                id ->
                    id + "(" + feed.request(id).orElseThrow().key() + ", p" + partitionOf(id) + ")")
            .toList();
  }

  /** The input partition a request's key hashes to (the default partitioner of a String key). */
  private int partitionOf(String requestId) {
    String key = feed.request(requestId).orElseThrow().key();
    return org.apache.kafka.common.utils.Utils.toPositive(
            org.apache.kafka.common.utils.Utils.murmur2(
                key.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        % PARTITIONS;
  }

  private static ch.qos.logback.classic.Logger streamsInternals() {
    return (ch.qos.logback.classic.Logger)
        LoggerFactory.getLogger("org.apache.kafka.streams.processor.internals");
  }

  /**
   * Kafka Streams' lines (INFO and up) about corrupted tasks, their revival and their restoration:
   * whether a revived task came back to RUNNING, and when. Also the rebalance Kafka Streams
   * enforces after an active task is corrupted under EOS: if its assignment is handled while the
   * revived task still waits for initialization ("Handle new assignment" between the task's "Closed
   * dirty" and its next "Initialized"), Kafka Streams closes that task and creates a new one, which
   * no longer knows that its input partitions must be reset to the committed offsets.
   */
  private String revivalTimeline(int count) {
    java.util.regex.Pattern about =
        java.util.regex.Pattern.compile(
            "corrupt|revive|Restored and ready|restor|state updater|updating tasks|paused"
                + "|TimeoutException|additional tasks|[Aa]bort|record collector dirty|State transition|lock"
                + "|Handle new assignment|Closed (clean|dirty)|Initialized|Triggering a rebalance"
                + "|offset reset|lock exception",
            java.util.regex.Pattern.CASE_INSENSITIVE);
    java.util.List<String> lines =
        logs.events().stream()
            .filter(e -> e.getLoggerName().startsWith("org.apache.kafka.streams"))
            .filter(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.INFO))
            .filter(e -> about.matcher(e.getFormattedMessage()).find())
            .map(
                e ->
                    java.time.Instant.ofEpochMilli(e.getTimeStamp())
                        + " "
                        + e.getLevel()
                        + " "
                        + e.getLoggerName().substring(e.getLoggerName().lastIndexOf('.') + 1)
                        + ": "
                        + abbreviate(e.getFormattedMessage()))
            .toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
  }

  private static String abbreviate(String message) {
    String line = message.replace('\n', ' ');
    return line.length() > 400 ? line.substring(0, 400) + "..." : line;
  }

  private String lastWarnings(int count) {
    java.util.List<String> lines =
        logs.events().stream()
            .filter(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN))
            .filter(e -> !e.getLoggerName().endsWith("NetworkClient"))
            .map(
                e ->
                    e.getThreadName()
                        + " "
                        + e.getLoggerName()
                        + ": "
                        + e.getFormattedMessage()
                        + (e.getThrowableProxy() == null
                            ? ""
                            : " ["
                                + e.getThrowableProxy().getClassName()
                                + ": "
                                + e.getThrowableProxy().getMessage()
                                + "]"))
            .toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
  }

  private AppConfig config(Topics topics) {
    return config(topics, Map.of());
  }

  private AppConfig config(Topics topics, Map<String, String> settings) {
    Map<String, String> props =
        CrashFeed.jobSettings(
            broker.bootstrapServers(),
            emulator.baseUrl(),
            "revive",
            tempDir.resolve("state"),
            topics,
            PARTITIONS,
            32);
    // A revival aborts the open transaction: with the broker away that waits max.block.ms (60 s
    // by default); shorter keeps the test short. Batches must not expire during the outage.
    props.put("producer.max.block.ms", "5000");
    props.putAll(settings);
    return new AppConfig(props);
  }
}
