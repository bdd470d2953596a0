package dev.identitystream.app;

import dev.identitystream.plaid.PlaidClient;
import dev.identitystream.topology.PendingGauge;
import dev.identitystream.topology.Topics;
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
 * One run of the job until it has consumed the input topic up to the end offsets seen at start and
 * nothing is pending; then it stops cleanly and prints what it wrote. The loop of {@code backfill},
 * shared by {@code record} (which only wraps the Plaid client).
 *
 * <p>Caught up means, on two checks in a row: the application's committed offsets (read with
 * {@code requireStable}, so transactional commits are settled) reach the start's end offsets on
 * every input partition; Kafka Streams is RUNNING; every local active task's call stage is open
 * (so restored); and no request is pending. It is meant to be the group's only instance: tasks
 * held by other instances are not seen. The outputs are counted by reading the output topics
 * ({@code read_committed}) from their end offsets at launch to their end offsets at the finish, so
 * another writer to those topics meanwhile would be counted too.
 *
 * <p>Threading: {@link #run} on one thread (the command's). Ctrl-C or SIGTERM runs a shutdown hook
 * on the JVM's thread that closes the job; the run then returns {@link ExitCodes#FAILURE} (the JVM
 * exits with the signal's own status anyway).
 */
final class BackfillRun {

  private static final long TIMEOUT_S = 30;

  private final AppConfig config;
  private final PrintWriter out;
  private final PrintWriter err;
  private final Duration progressEvery;
  private volatile boolean interrupted;

  BackfillRun(AppConfig config, PrintWriter out, PrintWriter err, Duration progressEvery) {
    this.config = config;
    this.out = out;
    this.err = err;
    this.progressEvery = progressEvery;
  }

  /**
   * Runs the job until caught up, then prints the summary.
   *
   * @param client builds the job's Plaid client once the topics are known to exist; the job closes it
   * @param abortReason checked about twice a second; a non-null reason stops the run (exit 1)
   * @return {@link ExitCodes#OK} when caught up, {@link ExitCodes#FAILURE} when the job stopped or
   *     was stopped before
   */
  int run(Supplier<PlaidClient> client, Supplier<String> abortReason) throws Exception {
    Topics topics = config.topics();
    String groupId = StreamingJob.streamsProperties(config).getProperty(StreamsConfig.APPLICATION_ID_CONFIG);
    StreamingJob.ensureTopics(config);
    long started = System.nanoTime();
    try (Admin admin = Admin.create(StreamingJob.adminProps(config))) {
      List<TopicPartition> inputs = partitions(admin, List.of(topics.requests()));
      List<TopicPartition> outputs = partitions(admin, topics.outputs());
      Map<TopicPartition, Long> inputEnds = offsets(admin, inputs, OffsetSpec.latest(), IsolationLevel.READ_UNCOMMITTED);
      Map<TopicPartition, Long> inputStarts = new HashMap<>(offsets(admin, inputs, OffsetSpec.earliest(), IsolationLevel.READ_UNCOMMITTED));
      inputStarts.putAll(committed(admin, groupId, inputs));
      Map<TopicPartition, Long> outputStarts = offsets(admin, outputs, OffsetSpec.latest(), IsolationLevel.READ_COMMITTED);
      long total = inputs.stream().mapToLong(p -> Math.max(0, inputEnds.get(p) - inputStarts.get(p))).sum();
      err.println("Backfill of " + topics.requests() + ": " + total + " request(s) to consume (group " + groupId + ")");
      err.flush();
      BackfillProgress progress = new BackfillProgress(err, System.console() != null, total, progressEvery);
      long done = 0;
      try (StreamingJob job = new StreamingJob(config, client.get(), Clock.systemUTC())) {
        // Ctrl-C or SIGTERM: close the job cleanly (what is in flight stays pending for the next run)
        // and leave the group, so that the next backfill is assigned the partitions at once.
        Runnable closeJob = job::closeAndLeaveGroup;
        Thread hook = new Thread(() -> {
          interrupted = true;
          closeJob.run();
        }, "backfill-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
          job.start();
        } catch (RuntimeException e) {
          removeHook(hook);
          throw e;
        }
        try {
          int caughtUpChecks = 0;
          Map<TopicPartition, Long> committed = new HashMap<>();
          while (true) {
            if (job.awaitTermination(Duration.ofMillis(500))) {
              err.println();
              err.println(interrupted
                  ? "Interrupted: the job closed cleanly; requests in flight stay pending for the next run"
                  : "The job stopped before catching up: " + describe(job.fatalError()));
              return ExitCodes.FAILURE;
            }
            String abort = abortReason.get();
            if (abort != null) {
              err.println();
              err.println("Stopping before catching up: " + abort);
              return ExitCodes.FAILURE;
            }
            // A partition whose offsets are in an open transaction may be missing from one answer:
            // keep the highest offset seen (they only grow) so progress never goes backwards.
            committed(admin, groupId, inputs).forEach((p, offset) -> committed.merge(p, offset, Math::max));
            done = inputs.stream()
                .mapToLong(p -> Math.max(0, Math.min(committed.getOrDefault(p, inputStarts.get(p)), inputEnds.get(p)) - inputStarts.get(p)))
                .sum();
            progress.update(done);
            boolean offsetsReached = inputs.stream().allMatch(p -> committed.getOrDefault(p, inputStarts.get(p)) >= inputEnds.get(p));
            caughtUpChecks = offsetsReached && idle(job) ? caughtUpChecks + 1 : 0;
            if (caughtUpChecks >= 2) {
              break;
            }
          }
          progress.finish(done);
        } finally {
          removeHook(hook);
        }
        job.closeAndLeaveGroup(); // the try's close() then finds it closed
      }
      Map<TopicPartition, Long> outputEnds = offsets(admin, outputs, OffsetSpec.latest(), IsolationLevel.READ_COMMITTED);
      BackfillSummary summary = new BackfillSummary(topics);
      summary.requests = done;
      summary.count(config, outputStarts, outputEnds, Duration.ofSeconds(60));
      summary.duration = Duration.ofNanos(System.nanoTime() - started);
      summary.print(out);
      return ExitCodes.OK;
    }
  }

  /** The error and, when it wraps another, its root cause (Kafka Streams wraps what failed). */
  private static String describe(Throwable error) {
    if (error == null) {
      return "no error reported";
    }
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == error ? error.toString() : error + "; caused by " + root;
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shutdownInProgress) {
      // the hook is closing the job
    }
  }

  /** RUNNING, every local active task's stage open, and nothing pending. */
  private static boolean idle(StreamingJob job) {
    if (job.streams().state() != KafkaStreams.State.RUNNING) {
      return false;
    }
    int active = job.streams().metadataForLocalThreads().stream().mapToInt(t -> t.activeTasks().size()).sum();
    PendingGauge pending = job.built().pending();
    return active > 0 && pending.openTasks() >= active && pending.total() == 0;
  }

  private static List<TopicPartition> partitions(Admin admin, List<String> topics) throws Exception {
    List<TopicPartition> partitions = new ArrayList<>();
    admin.describeTopics(topics).allTopicNames().get(TIMEOUT_S, TimeUnit.SECONDS)
        .forEach((name, description) -> description.partitions()
            .forEach(p -> partitions.add(new TopicPartition(name, p.partition()))));
    return partitions;
  }

  private static Map<TopicPartition, Long> offsets(
      Admin admin, List<TopicPartition> partitions, OffsetSpec spec, IsolationLevel isolation) throws Exception {
    Map<TopicPartition, OffsetSpec> request = partitions.stream().collect(Collectors.toMap(Function.identity(), p -> spec));
    return admin.listOffsets(request, new ListOffsetsOptions(isolation)).all().get(TIMEOUT_S, TimeUnit.SECONDS)
        .entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
  }

  /** The group's committed offsets on the given partitions (absent where it has none). */
  private static Map<TopicPartition, Long> committed(Admin admin, String groupId, List<TopicPartition> partitions)
      throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
    Map<TopicPartition, OffsetAndMetadata> offsets =
        admin.listConsumerGroupOffsets(groupId, new ListConsumerGroupOffsetsOptions().requireStable(true))
            .partitionsToOffsetAndMetadata().get(TIMEOUT_S, TimeUnit.SECONDS);
    Map<TopicPartition, Long> result = new HashMap<>();
    for (TopicPartition partition : partitions) {
      OffsetAndMetadata offset = offsets.get(partition);
      if (offset != null) {
        result.put(partition, offset.offset());
      }
    }
    return result;
  }
}
