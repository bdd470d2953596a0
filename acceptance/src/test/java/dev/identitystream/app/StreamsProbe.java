package dev.identitystream.app;

import dev.identitystream.topology.PendingGauge;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.ThreadMetadata;

/**
 * What a test prints when a job under test stops making progress while RUNNING: enough to tell
 * which part holds a task back. Per stream thread: the tasks the task manager runs, those the state
 * updater restores or holds paused, what each changelog reader has restored against its end offset;
 * the main consumer's assignment and paused partitions (a revived task's input partitions stay
 * paused until its restoration completes); the state updater's gauges; the call stage's per-task
 * gauges; and, from the broker, the input partitions' committed offsets against their end offsets,
 * and each changelog and output partition's high watermark against its last stable offset with the
 * producers holding a transaction open there (an LSO stuck behind a transaction nobody completes
 * stalls a {@code read_committed} restoration for ever).
 *
 * <p>Reads Kafka Streams internals by reflection (test code only, never the job): the values are
 * read racily from the test thread, which is good enough for a post-mortem. Every part that fails
 * prints its exception instead.
 *
 * <p>Threading: any thread.
 */
final class StreamsProbe {

  private StreamsProbe() {}

  /**
   * @param applicationId the job's {@code application.id} (its group and changelog prefix)
   * @param inputs the job's input topics
   * @param outputs the job's output topics
   */
  static String describe(
      KafkaStreams streams,
      PendingGauge gauge,
      String bootstrapServers,
      String applicationId,
      Collection<String> inputs,
      Collection<String> outputs) {
    StringBuilder out = new StringBuilder("\n=== probe: Kafka Streams ").append(streams.state());
    section(out, "call stage per task (pending, in flight)", () -> gauge.byTask().toString());
    section(
        out, "thread metadata (refreshed on thread state changes only)", () -> threads(streams));
    section(out, "state updater metrics", () -> stateUpdaterMetrics(streams));
    section(out, "stream threads (internals)", () -> internals(streams));
    section(
        out,
        "broker",
        () -> broker(bootstrapServers, applicationId, List.copyOf(inputs), List.copyOf(outputs)));
    return out.append("\n=== end of probe").toString();
  }

  private static void section(StringBuilder out, String title, Supplier<String> body) {
    out.append("\n--- ").append(title).append(":\n");
    try {
      out.append(body.get());
    } catch (RuntimeException | Error e) {
      out.append("(failed: ").append(e).append(')');
    }
  }

  private static String threads(KafkaStreams streams) {
    StringBuilder out = new StringBuilder();
    for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
      out.append(thread.threadName())
          .append(' ')
          .append(thread.threadState())
          .append(" active ")
          .append(
              thread.activeTasks().stream()
                  .map(task -> task.taskId() + " committed " + task.committedOffsets())
                  .sorted()
                  .toList())
          .append('\n');
    }
    return out.toString();
  }

  private static String stateUpdaterMetrics(KafkaStreams streams) {
    return streams.metrics().entrySet().stream()
        .filter(e -> e.getKey().group().equals("stream-state-updater-metrics"))
        .filter(
            e -> e.getKey().name().matches("(active|standby)-(restoring|updating|paused)-tasks"))
        .map(
            e ->
                e.getKey().tags().get("thread-id")
                    + " "
                    + e.getKey().name()
                    + "="
                    + e.getValue().metricValue())
        .sorted()
        .collect(Collectors.joining("\n"));
  }

  private static String internals(KafkaStreams streams) {
    StringBuilder out = new StringBuilder();
    for (Object thread : (List<?>) field(streams, "threads")) {
      out.append(((Thread) thread).getName())
          .append(" alive=")
          .append(((Thread) thread).isAlive())
          .append('\n');
      Object taskManager = call(thread, "taskManager");
      part(out, "  tasks run by the task manager", () -> tasks(call(taskManager, "allTasks")));
      Object registry = field(taskManager, "tasks");
      part(out, "  tasks pending init", () -> tasks(call(registry, "pendingTasksToInit")));
      part(out, "  initialized in registry", () -> tasks(call(registry, "allInitializedTasks")));
      Object updater = field(taskManager, "stateUpdater");
      if (updater == null) {
        out.append("  no state updater\n");
      } else {
        part(out, "  state updater: updating", () -> tasks(call(updater, "updatingTasks")));
        part(out, "  state updater: paused", () -> tasks(call(updater, "pausedTasks")));
        part(
            out,
            "  state updater: restored, not yet taken",
            () -> tasks(call(updater, "restoredActiveTasks")));
        part(
            out,
            "  state updater: failed",
            () -> String.valueOf(call(updater, "exceptionsAndFailedTasks")));
        part(out, "  state updater: fatal", () -> String.valueOf(call(updater, "fatalException")));
        part(
            out,
            "  changelog reader",
            () -> String.valueOf(field(field(updater, "changelogReader"), "changelogs")));
        @SuppressWarnings("unchecked")
        Consumer<byte[], byte[]> restore =
            (Consumer<byte[], byte[]>) call(thread, "restoreConsumer");
        part(out, "  restore consumer", () -> consumer(restore));
      }
      @SuppressWarnings("unchecked")
      Consumer<byte[], byte[]> main = (Consumer<byte[], byte[]>) call(thread, "mainConsumer");
      part(out, "  main consumer", () -> consumer(main));
    }
    return out.toString();
  }

  private static void part(StringBuilder out, String title, Supplier<String> body) {
    out.append(title).append(": ");
    try {
      out.append(body.get());
    } catch (RuntimeException | Error e) {
      out.append("(failed: ").append(e).append(')');
    }
    out.append('\n');
  }

  /** Task id, state and input partitions of each task in a collection or map of tasks. */
  private static String tasks(Object tasks) {
    Collection<?> all = tasks instanceof Map<?, ?> map ? map.values() : (Collection<?>) tasks;
    return all.stream()
        .map(
            task ->
                call(task, "id") + " " + call(task, "state") + " " + call(task, "inputPartitions"))
        .sorted()
        .toList()
        .toString();
  }

  /**
   * Assignment, paused partitions and positions, read from the consumer's subscription state
   * (synchronized, so safe from this thread). Never through the consumer itself: a consumer used
   * from two threads throws in both, and the stream thread dies of it.
   */
  private static String consumer(Consumer<byte[], byte[]> consumer) {
    Object subscriptions = field(field(consumer, "delegate"), "subscriptions");
    @SuppressWarnings("unchecked")
    Set<TopicPartition> assigned = (Set<TopicPartition>) call(subscriptions, "assignedPartitions");
    @SuppressWarnings("unchecked")
    Set<TopicPartition> paused = (Set<TopicPartition>) call(subscriptions, "pausedPartitions");
    @SuppressWarnings("unchecked")
    Map<TopicPartition, OffsetAndMetadata> consumed =
        (Map<TopicPartition, OffsetAndMetadata>) call(subscriptions, "allConsumed");
    Map<String, Long> positions = new TreeMap<>();
    consumed.forEach((partition, offset) -> positions.put(partition.toString(), offset.offset()));
    return "assigned "
        + sorted(assigned)
        + ", paused "
        + sorted(paused)
        + ", positions "
        + positions;
  }

  private static List<String> sorted(Collection<TopicPartition> partitions) {
    return partitions.stream().map(TopicPartition::toString).sorted().toList();
  }

  private static String broker(
      String bootstrapServers, String applicationId, List<String> inputs, List<String> outputs) {
    StringBuilder out = new StringBuilder();
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                10_000))) {
      List<String> changelogs =
          admin.listTopics().names().get(10, TimeUnit.SECONDS).stream()
              .filter(name -> name.startsWith(applicationId) && name.endsWith("-changelog"))
              .sorted()
              .toList();
      List<TopicPartition> inputPartitions = partitions(admin, inputs);
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin
              .listConsumerGroupOffsets(applicationId)
              .partitionsToOffsetAndMetadata()
              .get(10, TimeUnit.SECONDS);
      Map<TopicPartition, Long> inputEnds =
          offsets(admin, inputPartitions, IsolationLevel.READ_UNCOMMITTED);
      out.append("input partitions (committed / end):\n");
      for (TopicPartition partition : inputPartitions) {
        OffsetAndMetadata offset = committed.get(partition);
        out.append("  ")
            .append(partition)
            .append(' ')
            .append(offset == null ? "none" : Long.toString(offset.offset()))
            .append(" / ")
            .append(inputEnds.get(partition))
            .append('\n');
      }
      List<TopicPartition> transactional = new ArrayList<>(partitions(admin, changelogs));
      transactional.addAll(partitions(admin, outputs));
      Map<TopicPartition, Long> highWatermarks =
          offsets(admin, transactional, IsolationLevel.READ_UNCOMMITTED);
      Map<TopicPartition, Long> stable =
          offsets(admin, transactional, IsolationLevel.READ_COMMITTED);
      var producers = admin.describeProducers(transactional).all().get(10, TimeUnit.SECONDS);
      out.append(
          "changelog and output partitions (high watermark / last stable offset; open transactions):\n");
      for (TopicPartition partition : transactional) {
        long hw = highWatermarks.get(partition);
        long lso = stable.get(partition);
        String open =
            producers.get(partition).activeProducers().stream()
                .filter(p -> p.currentTransactionStartOffset().isPresent())
                .map(
                    p ->
                        "producer "
                            + p.producerId()
                            + " epoch "
                            + p.producerEpoch()
                            + " since offset "
                            + p.currentTransactionStartOffset().getAsLong()
                            + " (coordinator epoch "
                            + p.coordinatorEpoch()
                            + ", last timestamp "
                            + p.lastTimestamp()
                            + ")")
                .collect(Collectors.joining(", "));
        out.append("  ")
            .append(partition)
            .append(' ')
            .append(hw)
            .append(" / ")
            .append(lso)
            .append(lso < hw ? " LSO BEHIND" : "")
            .append(open.isEmpty() ? "" : "; open: " + open)
            .append('\n');
      }
      out.append("transactions at the coordinator: ")
          .append(
              admin.listTransactions().all().get(10, TimeUnit.SECONDS).stream()
                  .filter(t -> t.transactionalId().startsWith(applicationId))
                  .map(t -> t.transactionalId() + " " + t.state() + " producer " + t.producerId())
                  .sorted()
                  .toList());
    } catch (Exception e) {
      out.append("(failed: ").append(e).append(')');
    }
    return out.toString();
  }

  private static List<TopicPartition> partitions(Admin admin, List<String> topics)
      throws Exception {
    List<TopicPartition> partitions = new ArrayList<>();
    for (TopicDescription topic :
        admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS).values()) {
      topic
          .partitions()
          .forEach(p -> partitions.add(new TopicPartition(topic.name(), p.partition())));
    }
    partitions.sort(
        (a, b) ->
            a.topic().equals(b.topic())
                ? Integer.compare(a.partition(), b.partition())
                : a.topic().compareTo(b.topic()));
    return partitions;
  }

  private static Map<TopicPartition, Long> offsets(
      Admin admin, List<TopicPartition> partitions, IsolationLevel isolation) throws Exception {
    return admin
        .listOffsets(
            partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())),
            new ListOffsetsOptions(isolation))
        .all()
        .get(10, TimeUnit.SECONDS)
        .entrySet()
        .stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
  }

  /** A field of {@code target} or of a superclass, read by reflection. */
  static Object field(Object target, String name) {
    for (Class<?> type = target.getClass(); type != null; type = type.getSuperclass()) {
      try {
        Field field = type.getDeclaredField(name);
        field.setAccessible(true);
        return field.get(target);
      } catch (NoSuchFieldException e) {
        // look in the superclass
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException("no field " + name + " in " + target.getClass());
  }

  /** A method without arguments of {@code target} or of a superclass, called by reflection. */
  static Object call(Object target, String name) {
    for (Class<?> type = target.getClass(); type != null; type = type.getSuperclass()) {
      try {
        Method method = type.getDeclaredMethod(name);
        method.setAccessible(true);
        return method.invoke(target);
      } catch (NoSuchMethodException e) {
        // look in the superclass
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(name + ": " + e.getCause(), e);
      }
    }
    throw new IllegalStateException("no method " + name + "() in " + target.getClass());
  }
}
