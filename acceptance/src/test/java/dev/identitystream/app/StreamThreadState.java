package dev.identitystream.app;

import static dev.identitystream.app.StreamsProbe.call;
import static dev.identitystream.app.StreamsProbe.field;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.processor.TaskId;

/**
 * What a test's clock sees of the Kafka Streams 4.4 stream thread that reads it: whether a
 * rebalance is in progress for its task manager (commits are skipped then), which of its tasks is
 * punctuating, which tasks it runs and how much input each has processed since the thread's last
 * commit. This is how a test picks the moment to throw a {@code TaskCorruptedException} from a
 * task's work. Reads Kafka Streams internals by reflection (test code only).
 *
 * <p>Threading: {@link #ofCurrentThread} and the instance methods only on the stream thread itself
 * (the state is that thread's, unsynchronized); {@link #requestFollowupRebalance} from any thread.
 */
final class StreamThreadState {

  private static final String STREAM_THREAD =
      "org.apache.kafka.streams.processor.internals.StreamThread";

  private final Thread thread;
  private final Object taskManager;

  private StreamThreadState(Thread thread) {
    this.thread = thread;
    this.taskManager = call(thread, "taskManager");
  }

  /** The state of the current thread if it is a stream thread; empty on any other thread. */
  static Optional<StreamThreadState> ofCurrentThread() {
    Thread current = Thread.currentThread();
    return current.getClass().getName().equals(STREAM_THREAD)
        ? Optional.of(new StreamThreadState(current))
        : Optional.empty();
  }

  /**
   * Asks each stream thread for the follow-up rebalance Kafka Streams schedules itself (probing
   * rebalances of warm-up tasks): the thread enforces it at the end of its next loop, unless a
   * rebalance is in progress. Thread-safe: the schedule is an {@code AtomicLong} of the thread.
   */
  static void requestFollowupRebalance(KafkaStreams streams) {
    for (Object thread : (List<?>) field(streams, "threads")) {
      ((AtomicLong) field(thread, "nextProbingRebalanceMs")).set(0L);
    }
  }

  /** Whether the task manager is between a rebalance's start and its assignment (no commits). */
  boolean rebalanceInProgress() {
    return (Boolean) call(taskManager, "rebalanceInProgress");
  }

  /**
   * When the thread last committed (or found nothing to commit): under {@code exactly_once_v2} the
   * start of the open transaction. Not moved by a commit skipped during a rebalance.
   */
  long lastCommitMs() {
    return (Long) field(thread, "lastCommitMs");
  }

  /** Milliseconds since the thread last committed (or found nothing to commit). */
  long millisSinceLastCommit() {
    return System.currentTimeMillis() - lastCommitMs();
  }

  /** The task processing a record or punctuating now, if one is. */
  Optional<TaskId> currentTask() {
    return currentTask(false);
  }

  /** The task whose punctuator runs now, if one does (a punctuation has no input record). */
  Optional<TaskId> punctuatingTask() {
    return currentTask(true);
  }

  private Optional<TaskId> currentTask(boolean punctuating) {
    for (Object task : activeTasks()) {
      Object context = call(task, "processorContext");
      if (call(context, "currentNode") != null
          && (!punctuating || (Long) call(call(context, "recordContext"), "offset") < 0)) {
        return Optional.of((TaskId) call(task, "id"));
      }
    }
    return Optional.empty();
  }

  /** Whether the task is an active task of this thread, RUNNING. */
  boolean runs(TaskId id) {
    return task(id)
        .map(task -> "RUNNING".equals(String.valueOf(call(task, "state"))))
        .orElse(false);
  }

  /** Input records the task has processed since its offsets were last committed. */
  long processedSinceCommit(TaskId id) {
    return task(id).map(StreamThreadState::processedSinceCommit).orElse(0L);
  }

  /** Per task of this thread: input records processed since the last commit, for a report. */
  String describe() {
    Map<String, Long> processed = new TreeMap<>();
    for (Object task : activeTasks()) {
      processed.put(String.valueOf(call(task, "id")), processedSinceCommit(task));
    }
    return thread.getName()
        + ": rebalance in progress "
        + rebalanceInProgress()
        + ", "
        + millisSinceLastCommit()
        + " ms since the last commit, input records processed since then per task "
        + processed;
  }

  private static long processedSinceCommit(Object task) {
    @SuppressWarnings("unchecked")
    Map<TopicPartition, Long> consumed = (Map<TopicPartition, Long>) field(task, "consumedOffsets");
    @SuppressWarnings("unchecked")
    Map<TopicPartition, Long> committed =
        (Map<TopicPartition, Long>) field(task, "committedOffsets");
    long records = 0;
    for (Map.Entry<TopicPartition, Long> last : consumed.entrySet()) {
      long next = committed.getOrDefault(last.getKey(), -1L); // the next offset to consume
      records += Math.max(0, last.getValue() + 1 - Math.max(next, 0));
    }
    return records;
  }

  private Optional<?> task(TaskId id) {
    return activeTasks().stream().filter(task -> id.equals(call(task, "id"))).findFirst();
  }

  private Collection<?> activeTasks() {
    return (Collection<?>) call(field(taskManager, "tasks"), "activeInitializedTasks");
  }
}
