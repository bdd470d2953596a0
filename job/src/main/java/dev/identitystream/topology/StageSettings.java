package dev.identitystream.topology;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the topology and its durable async call stage.
 *
 * @param topics topic names
 * @param maxInFlight calls in flight at once, across all tasks of one instance
 * @param maxPendingPerTask pending requests per task before {@code process()} waits
 * @param maxBlock how long a stream thread may wait for room in total between two polls; after it,
 *     records are admitted anyway (they stay durable in the store) so the thread returns to {@code
 *     poll()} in time ({@link WaitBudget}). Must be positive: zero would turn backpressure off
 * @param drainInterval wall-clock period of the punctuator that forwards completed calls
 * @param maxRecordBytes the largest input record (key plus value) accepted
 * @param persistentStore RocksDB (true) or in-memory (false) pending store; both changelogged
 * @param outputLimits the largest record each topic accepts from the job
 * @param liveReserve the part of the budget kept for live requests, in [0, 1]: bulk calls hold at
 *     most the rest of the in-flight slots (at least one), and of the rate while live traffic runs
 */
public record StageSettings(
    Topics topics,
    int maxInFlight,
    int maxPendingPerTask,
    Duration maxBlock,
    Duration drainInterval,
    int maxRecordBytes,
    boolean persistentStore,
    OutputLimits outputLimits,
    double liveReserve) {

  public static final String PENDING_STORE = "plaid-pending-requests";

  public StageSettings {
    Objects.requireNonNull(topics, "topics");
    Objects.requireNonNull(maxBlock, "maxBlock");
    Objects.requireNonNull(drainInterval, "drainInterval");
    Objects.requireNonNull(outputLimits, "outputLimits");
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be at least 1");
    }
    if (maxPendingPerTask < 1) {
      throw new IllegalArgumentException("maxPendingPerTask must be at least 1");
    }
    if (maxBlock.isNegative()
        || maxBlock.isZero()
        || drainInterval.isNegative()
        || drainInterval.isZero()) {
      throw new IllegalArgumentException("maxBlock and drainInterval must be positive");
    }
    if (maxRecordBytes < 1) {
      throw new IllegalArgumentException("maxRecordBytes must be positive");
    }
    if (!(liveReserve >= 0 && liveReserve <= 1)) {
      throw new IllegalArgumentException("liveReserve must be in [0, 1]");
    }
  }

  /** Defaults suited to a single instance: 256 in flight, 2,048 pending per task. */
  public static StageSettings defaults() {
    return new StageSettings(
        Topics.DEFAULTS,
        256,
        2048,
        Duration.ofSeconds(1),
        Duration.ofMillis(2),
        1 << 20,
        true,
        OutputLimits.defaults(),
        0.2);
  }

  /**
   * Bulk requests a task holds in memory at most: half of {@link #maxPendingPerTask()} (at least
   * 1), so that live requests always find room; the rest of a bulk backlog waits parked in the
   * store.
   */
  public int maxBulkInMemoryPerTask() {
    return Math.max(1, maxPendingPerTask / 2);
  }

  /** The pending store's changelog topic, as Kafka Streams names it. */
  public static String changelogTopic(String applicationId) {
    return applicationId + "-" + PENDING_STORE + "-changelog";
  }

  public StageSettings withMaxInFlight(int value) {
    return new StageSettings(
        topics,
        value,
        maxPendingPerTask,
        maxBlock,
        drainInterval,
        maxRecordBytes,
        persistentStore,
        outputLimits,
        liveReserve);
  }

  public StageSettings withMaxPendingPerTask(int value) {
    return new StageSettings(
        topics,
        maxInFlight,
        value,
        maxBlock,
        drainInterval,
        maxRecordBytes,
        persistentStore,
        outputLimits,
        liveReserve);
  }

  public StageSettings withMaxBlock(Duration value) {
    return new StageSettings(
        topics,
        maxInFlight,
        maxPendingPerTask,
        value,
        drainInterval,
        maxRecordBytes,
        persistentStore,
        outputLimits,
        liveReserve);
  }

  public StageSettings withMaxRecordBytes(int value) {
    return new StageSettings(
        topics,
        maxInFlight,
        maxPendingPerTask,
        maxBlock,
        drainInterval,
        value,
        persistentStore,
        outputLimits,
        liveReserve);
  }

  public StageSettings withPersistentStore(boolean value) {
    return new StageSettings(
        topics,
        maxInFlight,
        maxPendingPerTask,
        maxBlock,
        drainInterval,
        maxRecordBytes,
        value,
        outputLimits,
        liveReserve);
  }
}
