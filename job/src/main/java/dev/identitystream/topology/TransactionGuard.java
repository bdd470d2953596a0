package dev.identitystream.topology;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.TaskId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses the commits by which Kafka Streams 4.4 would lose or duplicate work under {@code
 * exactly_once_v2}, so that the stream thread is replaced instead and every task of it restarts
 * from its last commit.
 *
 * <p>Under {@code exactly_once_v2} the tasks of a stream thread share one producer and one
 * transaction. When Kafka Streams declares some of them corrupted ({@code TaskManager
 * .handleCorruption}) it commits the others and then closes the corrupted ones dirty, which aborts
 * the transaction. Four paths are unsafe, the last one in {@code StreamTask.process}:
 *
 * <ol>
 *   <li><b>Work aborted under running tasks.</b> While a rebalance is in progress the commit of the
 *       others is skipped (and a commit that fails on the thread's shared send error is not retried
 *       for them): the abort throws away their outputs and store writes since the last commit, yet
 *       they run on and later commit input offsets past them. Lost outputs. Here: a participant
 *       that wrote into the aborted transaction and has not closed since is <em>lost</em>, and the
 *       next commit is refused.
 *   <li><b>Outputs without their offsets.</b> The commit of the others also carries the corrupted
 *       tasks' outputs and store writes since the last commit, but not their input offsets;
 *       revived, they read those records again. Duplicated outputs. Here: a commit that does not
 *       carry the offsets of every partition a running participant consumed since the last commit
 *       is refused.
 *   <li><b>A revived task that does not rewind.</b> A task closed dirty is reset to its committed
 *       offsets when it is initialized again; if the rebalance Kafka Streams enforces after the
 *       corruption completes first, the task is replaced by a new one that resumes at the
 *       consumer's position, past the records whose work was aborted. Here: after an abort, the
 *       next life of a task whose consumed records were aborted must begin at or before the first
 *       of them on each partition (within {@link #REWIND_WINDOW}); if it begins after, it is lost.
 *   <li><b>A record dropped under a running task.</b> A thread's tasks share the producer's send
 *       error too: a send of one task that failed surfaces in the next send of any task, as a
 *       {@code TaskCorruptedException} naming the first. Thrown out of another task's {@code
 *       process()}, it makes Kafka Streams drop the record being processed, and that task runs on
 *       and later commits offsets past it. Here: a participant whose {@code process()} threw is
 *       lost.
 * </ol>
 *
 * <p>A refusal is an {@link UnsafeCommitException} thrown by the producer ({@code
 * sendOffsetsToTransaction} or {@code commitTransaction}, before the broker hears of it): the
 * stream thread dies, its tasks close dirty (the transaction aborts), and the job replaces the
 * thread, whose tasks then start from their committed offsets and restored stores. Nothing is lost
 * or written twice; the cost is one thread replacement on a day Kafka Streams revives tasks.
 *
 * <p>Threading: a stream thread both runs its tasks' processors and drives its producer's
 * transactions, so each stream thread has its own {@link Ledger}, found through a thread local, and
 * nothing in it is shared between threads.
 */
public final class TransactionGuard {

  private static final Logger LOG = LoggerFactory.getLogger(TransactionGuard.class);

  /**
   * How long after an abort a task's next life on the same thread is checked for its rewind. A
   * revival or the rebalance after it takes seconds; a task that comes back later may have been run
   * and committed by another thread meanwhile, and then rightly begins further on.
   */
  static final Duration REWIND_WINDOW = Duration.ofMinutes(5);

  private final ThreadLocal<Ledger> ledgers;

  public TransactionGuard() {
    this(System::nanoTime);
  }

  TransactionGuard(Ledger.Nanos nanos) {
    this.ledgers = ThreadLocal.withInitial(() -> new Ledger(nanos));
  }

  /**
   * A processor's life joins the current thread's transactions (call from {@code init()}).
   *
   * @param transactional whether the task runs under {@code exactly_once_v2}; if not, there is no
   *     transaction to guard, and the participant records nothing
   */
  public Participant join(TaskId task, boolean transactional) {
    return transactional ? ledgers.get().join(task) : new Participant(null, task);
  }

  /**
   * The current thread's producer is about to send offsets to its transaction or commit it.
   *
   * @param offsets the offsets it sends (empty for a commit without new offsets)
   * @throws UnsafeCommitException if the commit would lose or duplicate work
   */
  public void beforeCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {
    ledgers.get().beforeCommit(offsets);
  }

  /** The current thread's producer committed its transaction. */
  public void committed() {
    ledgers.get().committed();
  }

  /** The current thread's producer aborted its transaction (or tried to: it ends either way). */
  public void aborted() {
    ledgers.get().aborted();
  }

  /**
   * A commit refused because it would lose or duplicate work; the stream thread must be replaced.
   */
  public static final class UnsafeCommitException extends KafkaException {
    private static final long serialVersionUID = 1L;

    public UnsafeCommitException(String message) {
      super(message);
    }
  }

  /**
   * One processor life's part in its thread's transactions: what it consumed and whether it wrote
   * since the last commit. Used on its stream thread only.
   */
  public static final class Participant {
    private final Ledger ledger;
    private final TaskId task;

    /** Per partition, the first offset consumed since the last commit. */
    private final Map<TopicPartition, Long> firstUncommitted = new LinkedHashMap<>(4);

    private boolean wrote;

    // The partition of the last record, so that the next record of it costs two comparisons.
    private String lastTopic;
    private int lastPartition = -1;

    /** Of a thread's ledger, or of none ({@code null}: records nothing). */
    private Participant(Ledger ledger, TaskId task) {
      this.ledger = ledger;
      this.task = task;
    }

    /** Records that this life consumed a record (call before anything is written for it). */
    public void consumed(String topic, int partition, long offset) {
      if (partition == lastPartition && topic.equals(lastTopic) || ledger == null) {
        return;
      }
      lastTopic = topic;
      lastPartition = partition;
      for (TopicPartition seen : firstUncommitted.keySet()) {
        if (seen.partition() == partition && seen.topic().equals(topic)) {
          return; // two input topics interleaved: no allocation per switch
        }
      }
      TopicPartition topicPartition = new TopicPartition(topic, partition);
      firstUncommitted.put(topicPartition, offset);
      ledger.checkRewind(this, topicPartition, offset);
    }

    /**
     * Records that this life's {@code process()} threw: Kafka Streams drops the record, and may
     * keep the task running.
     */
    public void dropped(String topic, int partition, long offset) {
      if (ledger == null) {
        return;
      }
      ledger.lose(
          this,
          "Kafka Streams dropped the record task "
              + task
              + " was processing ("
              + topic
              + "-"
              + partition
              + " offset "
              + offset
              + ") after an error, possibly about another task, and keeps the task running");
    }

    /** Records that this life wrote into the transaction (an output, a store change). */
    public void wrote() {
      wrote = true;
    }

    /** This life ends (call from {@code close()}). */
    public void leave() {
      if (ledger != null) {
        ledger.leave(this);
      }
    }

    private boolean dirty() {
      return wrote || !firstUncommitted.isEmpty();
    }

    private void clear() {
      firstUncommitted.clear();
      wrote = false;
      lastTopic = null;
      lastPartition = -1;
    }
  }

  /** A stream thread's transactions and the processor lives taking part in them. */
  static final class Ledger {

    interface Nanos {
      long now();
    }

    private final Nanos nanos;
    private final List<Participant> joined = new ArrayList<>();

    /** Lives that run on after some of their work was thrown away, and why. */
    private final Map<Participant, String> lost = new LinkedHashMap<>();

    /** Lives that ended with uncommitted work since the last commit or abort. */
    private final List<Participant> leftDirty = new ArrayList<>();

    /** Per task whose consumed records were aborted: where its next life must begin, and when. */
    private final Map<TaskId, Rewind> rewinds = new HashMap<>();

    /** The offsets sent to the current transaction. */
    private final Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();

    private record Rewind(Map<TopicPartition, Long> firstOffsets, long abortedAtNanos) {}

    Ledger(Nanos nanos) {
      this.nanos = nanos;
    }

    Participant join(TaskId task) {
      Participant participant = new Participant(this, task);
      joined.add(participant);
      return participant;
    }

    void leave(Participant participant) {
      if (!joined.remove(participant)) {
        return;
      }
      if (lost.remove(participant) != null) {
        expectRewind(participant); // its work was aborted: its task's next life starts over
      } else if (participant.dirty()) {
        leftDirty.add(participant);
      }
    }

    void beforeCommit(Map<TopicPartition, OffsetAndMetadata> sent) {
      offsets.putAll(sent);
      if (!lost.isEmpty()) {
        throw new UnsafeCommitException(
            String.join("; ", lost.values())
                + ". Committing now would move input offsets past work that was thrown away."
                + " Replacing the stream thread so that its tasks restart from their last commit");
      }
      List<String> uncovered = new ArrayList<>();
      for (Participant participant : joined) {
        for (Map.Entry<TopicPartition, Long> first : participant.firstUncommitted.entrySet()) {
          if (!offsets.containsKey(first.getKey())) {
            uncovered.add(
                participant.task
                    + " ("
                    + first.getKey()
                    + " from offset "
                    + first.getValue()
                    + ")");
          }
        }
      }
      if (!uncovered.isEmpty()) {
        throw new UnsafeCommitException(
            "Kafka Streams is committing this stream thread's transaction without the input offsets"
                + " of "
                + String.join(", ", uncovered)
                + ", whose outputs since the last commit are in it: the task would read those"
                + " records again and write their outputs twice. Replacing the stream thread so that"
                + " its tasks restart from their last commit");
      }
    }

    void committed() {
      joined.forEach(Participant::clear);
      leftDirty.clear();
      offsets.clear();
    }

    void aborted() {
      for (Participant participant : joined) {
        if (participant.dirty()) {
          // its uncommitted work is kept: it is what the task lost
          lose(
              participant,
              "Kafka Streams aborted this stream thread's transaction while task "
                  + participant.task
                  + ", whose outputs and store changes since the last commit were in it, kept"
                  + " running");
        }
      }
      leftDirty.forEach(this::expectRewind);
      leftDirty.clear();
      offsets.clear();
    }

    private void expectRewind(Participant participant) {
      if (participant.firstUncommitted.isEmpty()) {
        return;
      }
      Rewind earlier = rewinds.get(participant.task);
      Map<TopicPartition, Long> firstOffsets =
          earlier == null ? new HashMap<>() : new HashMap<>(earlier.firstOffsets());
      participant.firstUncommitted.forEach(
          (partition, offset) -> firstOffsets.merge(partition, offset, Math::min));
      rewinds.put(participant.task, new Rewind(firstOffsets, nanos.now()));
    }

    void checkRewind(Participant participant, TopicPartition partition, long offset) {
      Rewind rewind = rewinds.get(participant.task);
      if (rewind == null) {
        return;
      }
      Long expected = rewind.firstOffsets().remove(partition);
      if (rewind.firstOffsets().isEmpty()) {
        rewinds.remove(participant.task);
      }
      if (expected == null || nanos.now() - rewind.abortedAtNanos() > REWIND_WINDOW.toNanos()) {
        return;
      }
      if (offset > expected) {
        lose(
            participant,
            "Task "
                + participant.task
                + " began its new life at "
                + partition
                + " offset "
                + offset
                + ", past offset "
                + expected
                + " whose work was aborted: Kafka Streams did not reset it to its committed"
                + " offsets");
      }
    }

    void lose(Participant participant, String why) {
      if (lost.putIfAbsent(participant, why) == null) {
        LOG.info("{}: unless the task closes first, its next commit is refused", why);
      }
    }
  }
}
