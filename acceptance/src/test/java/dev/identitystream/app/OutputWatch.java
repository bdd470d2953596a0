package dev.identitystream.app;

import static org.awaitility.Awaitility.await;

import dev.identitystream.local.TestClients;
import dev.identitystream.topology.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/**
 * Follows the job's outputs while a test disturbs it (kills the job, restarts the broker): a {@code
 * read_committed} {@link OutputCollector} fed into an {@link OutputTally}, and the highest offset
 * seen per output partition (to tell output written after a moment from older output).
 *
 * <p>The tally here may count a record twice if the collector's group rebalances during a broker
 * outage; it is only for progress. Verdicts come from {@link #readCommitted}, a fresh read.
 *
 * <p>Threading: one test thread.
 */
final class OutputWatch implements AutoCloseable {

  private final String bootstrapServers;
  private final Topics topics;
  private final CrashFeed feed;
  private final BooleanSupplier jobFailed;
  private final Supplier<String> diagnostics;
  private final OutputCollector collector;
  private final OutputTally progress;
  private final Map<String, Integer> ingested = new HashMap<>();
  private final Map<TopicPartition, Long> highestSeen = new HashMap<>();

  /**
   * @param jobFailed true once the job under test can no longer produce output (waits fail fast)
   * @param diagnostics what to add to a failure message (e.g. the job's log tail)
   */
  OutputWatch(
      String bootstrapServers,
      Topics topics,
      CrashFeed feed,
      BooleanSupplier jobFailed,
      Supplier<String> diagnostics) {
    this.bootstrapServers = bootstrapServers;
    this.topics = topics;
    this.feed = feed;
    this.jobFailed = jobFailed;
    this.diagnostics = diagnostics;
    this.collector = new OutputCollector(bootstrapServers, topics);
    this.progress = new OutputTally(topics, feed);
  }

  /** What has been seen so far (duplicates possible, see the class comment). */
  OutputTally progress() {
    return progress;
  }

  /**
   * Polls the outputs until {@code condition} holds; fails with the diagnostics on timeout or as
   * soon as the job has failed.
   */
  void until(String what, Duration timeout, BooleanSupplier condition) {
    try {
      await(what)
          .atMost(timeout)
          .pollInSameThread()
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(10))
          .failFast("the job failed", jobFailed::getAsBoolean)
          .until(
              () -> {
                poll(Duration.ofMillis(100));
                return condition.getAsBoolean();
              });
    } catch (ConditionTimeoutException | TerminalFailureException e) {
      throw new AssertionError(
          "waiting for "
              + what
              + ": "
              + e.getMessage()
              + "; seen "
              + progress.summary()
              + "; "
              + diagnostics.get(),
          e);
    }
  }

  /** Keeps reading for {@code duration}, e.g. to catch late duplicates. */
  void pollFor(Duration duration) {
    poll(duration);
  }

  /** Whether a record at or past {@code ends} (per partition) has been seen. */
  boolean sawOutputPast(Map<TopicPartition, Long> ends) {
    return ends.entrySet().stream()
        .anyMatch(end -> highestSeen.getOrDefault(end.getKey(), -1L) >= end.getValue());
  }

  /** The current end offsets (high watermarks, aborted records included) of the output topics. */
  Map<TopicPartition, Long> endOffsets(int partitions) {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (String topic : topics.outputs()) {
      for (int partition = 0; partition < partitions; partition++) {
        latest.put(new TopicPartition(topic, partition), OffsetSpec.latest());
      }
    }
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      return admin.listOffsets(latest).all().get().entrySet().stream()
          .collect(Collectors.toMap(Map.Entry::getKey, entry -> entry.getValue().offset()));
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot read end offsets", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading end offsets", e);
    }
  }

  /** A fresh {@code read_committed} read of every output topic from the beginning, tallied. */
  OutputTally readCommitted() {
    OutputTally tally = new OutputTally(topics, feed);
    for (String topic : topics.outputs()) {
      for (ConsumerRecord<String, String> record :
          TestClients.readToEnd(bootstrapServers, topic, IsolationLevel.READ_COMMITTED)) {
        byte[] value =
            record.value() == null ? null : record.value().getBytes(StandardCharsets.UTF_8);
        tally.add(topic, value, record.headers());
      }
    }
    return tally;
  }

  @Override
  public void close() {
    collector.close();
  }

  private void poll(Duration duration) {
    collector.pollQuietly(duration);
    for (String topic : topics.outputs()) {
      List<ConsumerRecord<byte[], byte[]>> all = collector.records(topic);
      int from = ingested.getOrDefault(topic, 0);
      for (ConsumerRecord<byte[], byte[]> record : new ArrayList<>(all.subList(from, all.size()))) {
        progress.add(topic, record.value(), record.headers());
        highestSeen.merge(
            new TopicPartition(topic, record.partition()), record.offset(), Math::max);
      }
      ingested.put(topic, all.size());
    }
  }
}
