package dev.identitystream.local;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** String producers and consumers for integration tests against a local broker. */
public final class TestClients {

  private TestClients() {}

  /** A name no other test uses, e.g. for a topic or an application id. */
  public static String uniqueName(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** An idempotent String producer ({@code acks=all}); the caller closes it. */
  public static KafkaProducer<String, String> producer(String bootstrapServers) {
    return new KafkaProducer<>(producerConfig(bootstrapServers, Map.of()));
  }

  /** A transactional String producer, already initialised; the caller closes it. */
  public static KafkaProducer<String, String> transactionalProducer(
      String bootstrapServers, String transactionalId) {
    KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            producerConfig(
                bootstrapServers, Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId)));
    producer.initTransactions();
    return producer;
  }

  /**
   * Reads a topic from the beginning up to its current end (for {@code READ_COMMITTED}: up to the
   * last stable offset) and returns the records in partition, then offset, order.
   */
  public static List<ConsumerRecord<String, String>> readToEnd(
      String bootstrapServers, String topic, IsolationLevel isolation) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.toString());
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(10))) {
        partitions.add(new TopicPartition(topic, info.partition()));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(10));
      List<ConsumerRecord<String, String>> records = new ArrayList<>();
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ZERO)
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
                return partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
              });
      records.sort(
          (a, b) ->
              a.partition() != b.partition()
                  ? Integer.compare(a.partition(), b.partition())
                  : Long.compare(a.offset(), b.offset()));
      return records;
    }
  }

  /** The values of {@link #readToEnd}. */
  public static List<String> valuesToEnd(
      String bootstrapServers, String topic, IsolationLevel isolation) {
    return readToEnd(bootstrapServers, topic, isolation).stream()
        .map(ConsumerRecord::value)
        .toList();
  }

  private static Map<String, Object> producerConfig(
      String bootstrapServers, Map<String, Object> extra) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.putAll(extra);
    return config;
  }
}
