package dev.identitystream.app.topics;

import dev.identitystream.topology.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The one reader of the job's output topics: raw bytes with {@code read_committed} (only what the
 * job's transactions committed), in a consumer group of its own that commits nothing. Used by
 * {@code demo} and {@code backfill} for their summaries and by the acceptance tests.
 *
 * <p>Either from the beginning of the four output topics ({@link #fromBeginning}), or over a range
 * of offsets ({@link #between}: from inclusive, to exclusive; records past the range are not handed
 * on).
 *
 * <p>Threading: one thread, like the consumer it wraps.
 */
public final class OutputReader implements AutoCloseable {

  private static final Duration POLL = Duration.ofMillis(200);

  private final KafkaConsumer<byte[], byte[]> consumer;

  /** The end of the range (exclusive), or null when reading on from the beginning. */
  private final Map<TopicPartition, Long> to;

  private OutputReader(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> to) {
    this.consumer = consumer;
    this.to = to;
  }

  /**
   * Subscribes to the output topics of {@code topics} from their beginning.
   *
   * @param kafkaProps the client settings (at least {@code bootstrap.servers}); keys a consumer
   *     does not know are left out
   * @param groupPrefix the start of the reader's own group id (a random suffix follows)
   */
  public static OutputReader fromBeginning(
      Map<String, ?> kafkaProps, Topics topics, String groupPrefix) {
    Map<String, Object> props = consumerProps(kafkaProps, groupPrefix);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props);
    consumer.subscribe(topics.outputs());
    return new OutputReader(consumer, null);
  }

  /**
   * Assigns the partitions of {@code to}, each from its offset in {@code from} (else 0) up to its
   * offset in {@code to}.
   */
  public static OutputReader between(
      Map<String, ?> kafkaProps,
      Map<TopicPartition, Long> from,
      Map<TopicPartition, Long> to,
      String groupPrefix) {
    KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(consumerProps(kafkaProps, groupPrefix));
    consumer.assign(to.keySet());
    to.keySet().forEach(partition -> consumer.seek(partition, from.getOrDefault(partition, 0L)));
    return new OutputReader(consumer, Map.copyOf(to));
  }

  private static Map<String, Object> consumerProps(Map<String, ?> kafkaProps, String groupPrefix) {
    Map<String, Object> props = new HashMap<>(kafkaProps);
    props.keySet().retainAll(ConsumerConfig.configNames());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, groupPrefix + UUID.randomUUID());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    return props;
  }

  /**
   * Polls, handing every record to {@code sink}, until {@code done} holds (checked before each
   * poll), the end of the range is reached ({@link #between}), or {@code timeout} passes.
   *
   * @return true when {@code done} held or the end was reached, false when the time ran out
   */
  public boolean read(
      Consumer<ConsumerRecord<byte[], byte[]>> sink, BooleanSupplier done, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean() && !reachedEnd()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
        if (to == null
            || record.offset() < to.get(new TopicPartition(record.topic(), record.partition()))) {
          sink.accept(record);
        }
      }
    }
    return true;
  }

  private boolean reachedEnd() {
    return to != null
        && to.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
  }

  @Override
  public void close() {
    consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
  }
}
