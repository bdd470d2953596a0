package dev.identitystream.topology;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the topology and its durable async call stage.
 *
 * @param topics topic names
 * @param maxInFlight calls in flight at once, across all tasks of one instance
 * @param maxPendingPerTask pending requests per task before {@code process()} waits
 * @param maxBlock the longest {@code process()} waits for room; after it, the record is admitted
 *     anyway (stays durable in the store) so the instance is never evicted from its group. The
 *     full tasks of one stream thread share one such wait per pass over them ({@link WaitRound})
 * @param drainInterval wall-clock period of the punctuator that forwards completed calls
 * @param maxRecordBytes the largest input record (key plus value) accepted
 * @param persistentStore RocksDB (true) or in-memory (false) pending store; both changelogged
 */
public record StageSettings(
    Topics topics,
    int maxInFlight,
    int maxPendingPerTask,
    Duration maxBlock,
    Duration drainInterval,
    int maxRecordBytes,
    boolean persistentStore) {

  public static final String PENDING_STORE = "plaid-pending-requests";

  public StageSettings {
    Objects.requireNonNull(topics, "topics");
    Objects.requireNonNull(maxBlock, "maxBlock");
    Objects.requireNonNull(drainInterval, "drainInterval");
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be at least 1");
    }
    if (maxPendingPerTask < 1) {
      throw new IllegalArgumentException("maxPendingPerTask must be at least 1");
    }
    if (maxBlock.isNegative() || drainInterval.isNegative() || drainInterval.isZero()) {
      throw new IllegalArgumentException("maxBlock must be >= 0 and drainInterval > 0");
    }
    if (maxRecordBytes < 1) {
      throw new IllegalArgumentException("maxRecordBytes must be positive");
    }
  }

  /** Defaults suited to a single instance: 256 in flight, 2,048 pending per task. */
  public static StageSettings defaults() {
    return new StageSettings(
        Topics.DEFAULTS, 256, 2048, Duration.ofSeconds(1), Duration.ofMillis(10), 1 << 20, true);
  }

  public StageSettings withTopics(Topics value) {
    return new StageSettings(value, maxInFlight, maxPendingPerTask, maxBlock, drainInterval, maxRecordBytes, persistentStore);
  }

  public StageSettings withMaxInFlight(int value) {
    return new StageSettings(topics, value, maxPendingPerTask, maxBlock, drainInterval, maxRecordBytes, persistentStore);
  }

  public StageSettings withMaxPendingPerTask(int value) {
    return new StageSettings(topics, maxInFlight, value, maxBlock, drainInterval, maxRecordBytes, persistentStore);
  }

  public StageSettings withMaxBlock(Duration value) {
    return new StageSettings(topics, maxInFlight, maxPendingPerTask, value, drainInterval, maxRecordBytes, persistentStore);
  }

  public StageSettings withMaxRecordBytes(int value) {
    return new StageSettings(topics, maxInFlight, maxPendingPerTask, maxBlock, drainInterval, value, persistentStore);
  }

  public StageSettings withPersistentStore(boolean value) {
    return new StageSettings(topics, maxInFlight, maxPendingPerTask, maxBlock, drainInterval, maxRecordBytes, value);
  }
}
