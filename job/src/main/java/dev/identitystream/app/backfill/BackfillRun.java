package dev.identitystream.app.backfill;

import dev.identitystream.app.ErrorText;
import dev.identitystream.app.ExitCodes;
import dev.identitystream.app.config.AppConfig;
import dev.identitystream.app.job.JobLifecycle;
import dev.identitystream.app.job.KafkaReachability;
import dev.identitystream.app.job.StreamingJob;
import dev.identitystream.plaid.PlaidClient;
import dev.identitystream.topology.PendingGauge;
import dev.identitystream.topology.Topics;
import java.io.Console;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * One run of the job until it has consumed both input topics (the bulk topic {@code
 * topic.backfill-requests}, where {@code enqueue} writes, and the live {@code topic.requests}) up
 * to the end offsets seen at start and nothing is pending; then it stops cleanly and prints what it
 * wrote. The loop of {@code backfill}, shared by {@code record} (which only wraps the Plaid
 * client).
 *
 * <p>Caught up means, on two checks in a row: the application's committed offsets (read with {@code
 * requireStable}, so transactional commits are settled) reach the start's end offsets on every
 * input partition; Kafka Streams is RUNNING; every local active task's call stage is open (so
 * restored); and no request is pending. It is meant to be the group's only instance: tasks held by
 * other instances are not seen. The outputs are counted by reading the output topics ({@code
 * read_committed}) from their end offsets at launch to their end offsets at the finish, so another
 * writer to those topics meanwhile would be counted too.
 *
 * <p>Ctrl-C or SIGTERM ({@link JobLifecycle}) closes the job cleanly, leaving the group, and the
 * run returns {@link ExitCodes#OK} after saying how far it got: a clean stop, as for {@code run};
 * the next backfill finishes the rest.
 *
 * <p>Threading: {@link #run} on one thread (the command's); the signal handler only sets a flag.
 */
public final class BackfillRun {

  private static final long TIMEOUT_S = 30;

  private final AppConfig config;
  private final PrintWriter out;
  private final PrintWriter err;
  private final Duration progressEvery;

  /** Input records consumed so far (committed offsets minus the start's). */
  private long done;

  private long pendingAtStop;

  public BackfillRun(AppConfig config, PrintWriter out, PrintWriter err, Duration progressEvery) {
    this.config = config;
    this.out = out;
    this.err = err;
    this.progressEvery = progressEvery;
  }

  /**
   * Runs the job until caught up, then prints the summary.
   *
   * @param client builds the job's Plaid client once the topics are known to exist; the job closes
   *     it
   * @param abortReason checked about twice a second; a non-null reason stops the run (exit 1)
   * @return {@link ExitCodes#OK} when caught up or stopped by a signal, {@link ExitCodes#FAILURE}
   *     when the job stopped by itself or {@code abortReason} stopped it
   */
  public int run(Supplier<PlaidClient> client, Supplier<String> abortReason) throws Exception {
    try (JobLifecycle lifecycle = JobLifecycle.install()) {
      return run(client, abortReason, lifecycle);
    }
  }

  private int run(
      Supplier<PlaidClient> client, Supplier<String> abortReason, JobLifecycle lifecycle)
      throws Exception {
    Topics topics = config.topics();
    String groupId =
        StreamingJob.streamsProperties(config).getProperty(StreamsConfig.APPLICATION_ID_CONFIG);
    StreamingJob.ensureTopics(config);
    long started = System.nanoTime();
    try (Admin admin = KafkaReachability.createAdmin(StreamingJob.adminProps(config))) {
      List<TopicPartition> inputs =
          partitions(admin, List.of(topics.bulkRequests(), topics.requests()));
      List<TopicPartition> outputs = partitions(admin, topics.outputs());
      Map<TopicPartition, Long> inputEnds =
          offsets(admin, inputs, OffsetSpec.latest(), IsolationLevel.READ_UNCOMMITTED);
      Map<TopicPartition, Long> inputStarts =
          new HashMap<>(
              offsets(admin, inputs, OffsetSpec.earliest(), IsolationLevel.READ_UNCOMMITTED));
      inputStarts.putAll(committed(admin, groupId, inputs));
      Map<TopicPartition, Long> outputStarts =
          offsets(admin, outputs, OffsetSpec.latest(), IsolationLevel.READ_COMMITTED);
      long total =
          inputs.stream().mapToLong(p -> Math.max(0, inputEnds.get(p) - inputStarts.get(p))).sum();
      err.println(
          "Backfill of "
              + topics.bulkRequests()
              + " (and "
              + topics.requests()
              + "): "
              + total
              + " request(s) to consume (group "
              + groupId
              + ")");
      if (total == 0) {
        err.println(
            nothingToConsume(
                groupId, inputEnds.values().stream().mapToLong(Long::longValue).sum()));
      }
      err.flush();
      BackfillProgress progress = new BackfillProgress(err, isTerminal(), total, progressEvery);
      try (StreamingJob job = new StreamingJob(config, client.get(), Clock.systemUTC())) {
        job.start();
        Integer stopped =
            awaitCaughtUp(
                job,
                admin,
                groupId,
                inputs,
                inputStarts,
                inputEnds,
                progress,
                abortReason,
                lifecycle);
        if (stopped != null) {
          if (lifecycle.stopRequested()) {
            err.println(
                "Stopped by "
                    + lifecycle.signalName()
                    + " before catching up: "
                    + done
                    + " of "
                    + total
                    + " request(s) consumed, "
                    + pendingAtStop
                    + " of them still pending (not yet answered by Plaid); the job closed cleanly"
                    + " and keeps them. Run backfill again to finish the rest.");
            err.flush();
          }
          return stopped;
        }
        progress.finish(done);
        job.closeAndLeaveGroup(); // the try's close() then finds it closed
      }
      Map<TopicPartition, Long> outputEnds =
          offsets(admin, outputs, OffsetSpec.latest(), IsolationLevel.READ_COMMITTED);
      BackfillSummary.Outputs written =
          BackfillSummary.Outputs.read(config, outputStarts, outputEnds, Duration.ofSeconds(60));
      new BackfillSummary(done, written, Duration.ofNanos(System.nanoTime() - started)).print(out);
      return ExitCodes.OK;
    }
  }

  /**
   * Polls until caught up (returns null), or returns the exit code when the job stopped by itself,
   * {@code abortReason} gave a reason, or a signal asked to stop (the job then closed, leaving the
   * group, so the next backfill is assigned the partitions at once).
   */
  private Integer awaitCaughtUp(
      StreamingJob job,
      Admin admin,
      String groupId,
      List<TopicPartition> inputs,
      Map<TopicPartition, Long> inputStarts,
      Map<TopicPartition, Long> inputEnds,
      BackfillProgress progress,
      Supplier<String> abortReason,
      JobLifecycle lifecycle)
      throws Exception {
    int[] caughtUpChecks = {0};
    String[] abort = {null};
    Map<TopicPartition, Long> committed = new HashMap<>();
    JobLifecycle.Outcome outcome =
        lifecycle.await(
            job,
            Duration.ofMillis(500),
            () -> {
              abort[0] = abortReason.get();
              if (abort[0] != null) {
                return true;
              }
              // A partition whose offsets are in an open transaction may be missing from one
              // answer:
              // keep the highest offset seen (they only grow) so progress never goes backwards.
              committed(admin, groupId, inputs)
                  .forEach((p, offset) -> committed.merge(p, offset, Math::max));
              done =
                  inputs.stream()
                      .mapToLong(
                          p ->
                              Math.max(
                                  0,
                                  Math.min(
                                          committed.getOrDefault(p, inputStarts.get(p)),
                                          inputEnds.get(p))
                                      - inputStarts.get(p)))
                      .sum();
              progress.update(done, job.built().pending().total());
              boolean offsetsReached =
                  inputs.stream()
                      .allMatch(
                          p -> committed.getOrDefault(p, inputStarts.get(p)) >= inputEnds.get(p));
              caughtUpChecks[0] = offsetsReached && idle(job) ? caughtUpChecks[0] + 1 : 0;
              return caughtUpChecks[0] >= 2;
            });
    switch (outcome) {
      case SIGNAL -> {
        pendingAtStop = job.built().pending().total();
        job.closeAndLeaveGroup();
        err.println();
        return ExitCodes.OK;
      }
      case JOB_STOPPED -> {
        err.println();
        err.println("The job stopped before catching up: " + describe(job.fatalError()));
        return ExitCodes.FAILURE;
      }
      default -> {
        if (abort[0] != null) {
          err.println();
          err.println("Stopping before catching up: " + abort[0]);
          return ExitCodes.FAILURE;
        }
        return null;
      }
    }
  }

  /** The error and what caused it, in words (Kafka Streams wraps what failed). */
  private static String describe(Throwable error) {
    return error == null ? "no error reported" : ErrorText.describe(error);
  }

  /** Why a run consumes nothing, and what to do about it. */
  private String nothingToConsume(String groupId, long inputRecords) {
    String topic = config.topics().bulkRequests() + " and " + config.topics().requests();
    return inputRecords == 0
        ? "Nothing new to consume: "
            + topic
            + " are empty. Enqueue requests first (enqueue --config FILE --input tokens.csv)."
        : "Nothing new to consume: the group "
            + groupId
            + " has already consumed "
            + topic
            + " to its end ("
            + inputRecords
            + " record(s) in it); a backfill, record or run of this application.id did. Enqueue new requests, or"
            + " process these again under another application.id (--set application.id=NEW-ID; it starts from the"
            + " beginning of the topic). Requests a stopped run left pending, if any, are completed first.";
  }

  /** RUNNING, every local active task's stage open, and nothing pending. */
  private static boolean idle(StreamingJob job) {
    if (job.streams().state() != KafkaStreams.State.RUNNING) {
      return false;
    }
    int active =
        job.streams().metadataForLocalThreads().stream()
            .mapToInt(t -> t.activeTasks().size())
            .sum();
    PendingGauge pending = job.built().pending();
    return active > 0 && pending.openTasks() >= active && pending.total() == 0;
  }

  private static List<TopicPartition> partitions(Admin admin, List<String> topics)
      throws Exception {
    List<TopicPartition> partitions = new ArrayList<>();
    admin
        .describeTopics(topics)
        .allTopicNames()
        .get(TIMEOUT_S, TimeUnit.SECONDS)
        .forEach(
            (name, description) ->
                description
                    .partitions()
                    .forEach(p -> partitions.add(new TopicPartition(name, p.partition()))));
    return partitions;
  }

  private static Map<TopicPartition, Long> offsets(
      Admin admin, List<TopicPartition> partitions, OffsetSpec spec, IsolationLevel isolation)
      throws Exception {
    Map<TopicPartition, OffsetSpec> request =
        partitions.stream().collect(Collectors.toMap(Function.identity(), p -> spec));
    return admin
        .listOffsets(request, new ListOffsetsOptions(isolation))
        .all()
        .get(TIMEOUT_S, TimeUnit.SECONDS)
        .entrySet()
        .stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
  }

  /** The group's committed offsets on the given partitions (absent where it has none). */
  private static Map<TopicPartition, Long> committed(
      Admin admin, String groupId, List<TopicPartition> partitions)
      throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
    Map<TopicPartition, OffsetAndMetadata> offsets =
        admin
            .listConsumerGroupOffsets(
                groupId, new ListConsumerGroupOffsetsOptions().requireStable(true))
            .partitionsToOffsetAndMetadata()
            .get(TIMEOUT_S, TimeUnit.SECONDS);
    Map<TopicPartition, Long> result = new HashMap<>();
    for (TopicPartition partition : partitions) {
      OffsetAndMetadata offset = offsets.get(partition);
      if (offset != null) {
        result.put(partition, offset.offset());
      }
    }
    return result;
  }

  /**
   * Whether the process runs attached to a terminal. {@code System.console() != null} tells only up
   * to JDK 21: from JDK 22 on (the image runs JDK 25) the console is there even when the streams
   * are redirected, and {@code Console.isTerminal()} (JDK 22 on, so called by reflection) tells.
   */
  @SuppressWarnings("SystemConsoleNull") // this is the version-aware check the bug pattern asks for
  static boolean isTerminal() {
    Console console = System.console();
    if (console == null || Runtime.version().feature() < 22) {
      return console != null;
    }
    try {
      return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
    } catch (ReflectiveOperationException e) {
      return true;
    }
  }
}
