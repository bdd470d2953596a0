package dev.identitystream.app.topics;

import dev.identitystream.app.config.AppConfig;
import dev.identitystream.app.job.KafkaReachability;
import dev.identitystream.app.job.StreamingJob;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A {@code read_committed} consumer of raw bytes over every partition of one topic, without a
 * consumer group (assigned, nothing committed), for the commands that look at topics ({@code tail},
 * {@code redrive}). The user's consumer keys (security, timeouts) pass through.
 *
 * <p>Threading: one thread, like the consumer it wraps.
 */
final class TopicReader implements AutoCloseable {

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final String topic;
  private final List<TopicPartition> partitions;

  private TopicReader(
      KafkaConsumer<byte[], byte[]> consumer, String topic, List<TopicPartition> partitions) {
    this.consumer = consumer;
    this.topic = topic;
    this.partitions = partitions;
  }

  /**
   * Checks that Kafka answers, then assigns every partition of {@code topic}.
   *
   * @throws KafkaReachability.UnreachableException when Kafka does not answer or the topic does not
   *     exist (the message names it)
   */
  static TopicReader open(AppConfig config, String topic, String clientId) {
    KafkaReachability.require(StreamingJob.adminProps(config), KafkaReachability.TIMEOUT);
    Map<String, Object> props = new HashMap<>(config.kafkaProps());
    props.keySet().retainAll(ConsumerConfig.configNames());
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    props.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    KafkaConsumer<byte[], byte[]> consumer;
    try {
      consumer =
          new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    } catch (KafkaException e) {
      throw KafkaReachability.asConfigError(e, props.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG));
    }
    try {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(15));
      if (infos == null || infos.isEmpty()) {
        throw new KafkaReachability.UnreachableException(
            "the topic " + topic + " does not exist", null);
      }
      List<TopicPartition> partitions = new ArrayList<>();
      infos.forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
      consumer.assign(partitions);
      return new TopicReader(consumer, topic, List.copyOf(partitions));
    } catch (RuntimeException e) {
      consumer.close(Duration.ZERO);
      throw e;
    }
  }

  String topic() {
    return topic;
  }

  List<TopicPartition> partitions() {
    return partitions;
  }

  KafkaConsumer<byte[], byte[]> consumer() {
    return consumer;
  }

  Map<TopicPartition, Long> beginnings() {
    return consumer.beginningOffsets(partitions, Duration.ofSeconds(15));
  }

  /** The last stable offsets: what a read_committed reader can read now. */
  Map<TopicPartition, Long> ends() {
    return consumer.endOffsets(partitions, Duration.ofSeconds(15));
  }

  /** Whether every partition's position has reached {@code ends}. */
  boolean reached(Map<TopicPartition, Long> ends) {
    return partitions.stream()
        .allMatch(p -> consumer.position(p, Duration.ofSeconds(15)) >= ends.get(p));
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}
