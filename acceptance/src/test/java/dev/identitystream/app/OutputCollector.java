package dev.identitystream.app;

import dev.identitystream.topology.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the job's four output topics with {@code read_committed} into memory, for integration
 * tests. Threading: one test thread.
 */
public final class OutputCollector implements AutoCloseable {

  private final Topics topics;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Map<String, List<ConsumerRecord<byte[], byte[]>>> byTopic = new LinkedHashMap<>();

  public OutputCollector(String bootstrapServers, Topics topics) {
    this.topics = topics;
    Map<String, Object> props =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
            ConsumerConfig.GROUP_ID_CONFIG, "collector-" + UUID.randomUUID(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    consumer = new KafkaConsumer<>(props);
    consumer.subscribe(topics.outputs());
    topics.outputs().forEach(topic -> byTopic.put(topic, new ArrayList<>()));
  }

  /** Polls until the condition holds or the timeout passes; returns whether it held. */
  public boolean pollUntil(Predicate<OutputCollector> condition, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.test(this)) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
        byTopic.get(record.topic()).add(record);
      }
    }
    return true;
  }

  /** Polls for a while longer to catch anything that should not be there (duplicates). */
  public void pollQuietly(Duration duration) {
    pollUntil(c -> false, duration);
  }

  public List<ConsumerRecord<byte[], byte[]>> records(String topic) {
    return byTopic.get(topic);
  }

  public List<ConsumerRecord<byte[], byte[]>> accounts() {
    return records(topics.accounts());
  }

  public List<ConsumerRecord<byte[], byte[]>> items() {
    return records(topics.items());
  }

  public List<ConsumerRecord<byte[], byte[]>> itemErrors() {
    return records(topics.itemErrors());
  }

  public List<ConsumerRecord<byte[], byte[]>> dlq() {
    return records(topics.dlq());
  }

  public List<ConsumerRecord<byte[], byte[]>> all() {
    List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
    byTopic.values().forEach(all::addAll);
    return all;
  }

  @Override
  public void close() {
    consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
  }
}
