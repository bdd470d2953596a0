package dev.identitystream.app.job;

import dev.identitystream.topology.TransactionGuard;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaClientSupplier;

/**
 * Kafka Streams' clients, as its default supplier builds them, except that a transactional producer
 * (one per stream thread under {@code exactly_once_v2}) reports its transactions to the {@link
 * TransactionGuard} and lets it refuse an unsafe commit.
 */
final class GuardedClientSupplier implements KafkaClientSupplier {

  private final TransactionGuard guard;

  GuardedClientSupplier(TransactionGuard guard) {
    this.guard = guard;
  }

  @Override
  public Admin getAdmin(Map<String, Object> config) {
    return Admin.create(config);
  }

  @Override
  public Producer<byte[], byte[]> getProducer(Map<String, Object> config) {
    Producer<byte[], byte[]> producer =
        new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    return config.get(ProducerConfig.TRANSACTIONAL_ID_CONFIG) == null
        ? producer
        : new GuardedProducer(producer, guard);
  }

  @Override
  public Consumer<byte[], byte[]> getConsumer(Map<String, Object> config) {
    return consumer(config);
  }

  @Override
  public Consumer<byte[], byte[]> getRestoreConsumer(Map<String, Object> config) {
    return consumer(config);
  }

  @Override
  public Consumer<byte[], byte[]> getGlobalConsumer(Map<String, Object> config) {
    return consumer(config);
  }

  private static Consumer<byte[], byte[]> consumer(Map<String, Object> config) {
    return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /**
   * A transactional producer whose commits pass the guard first. Kafka Streams drives it from its
   * stream thread only, as the guard requires.
   */
  static final class GuardedProducer implements Producer<byte[], byte[]> {

    private final Producer<byte[], byte[]> producer;
    private final TransactionGuard guard;

    GuardedProducer(Producer<byte[], byte[]> producer, TransactionGuard guard) {
      this.producer = producer;
      this.guard = guard;
    }

    @Override
    public void sendOffsetsToTransaction(
        Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata groupMetadata) {
      guard.beforeCommit(offsets);
      producer.sendOffsetsToTransaction(offsets, groupMetadata);
    }

    @Override
    public void commitTransaction() {
      guard.beforeCommit(Map.of());
      producer.commitTransaction();
      guard.committed();
    }

    @Override
    public void abortTransaction() {
      try {
        producer.abortTransaction();
      } finally {
        guard.aborted(); // one that failed ends too: the coordinator aborts it at its timeout
      }
    }

    @Override
    public void initTransactions() {
      producer.initTransactions();
    }

    @Override
    public void beginTransaction() {
      producer.beginTransaction();
    }

    @Override
    public Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record) {
      return producer.send(record);
    }

    @Override
    public Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
      return producer.send(record, callback);
    }

    @Override
    public void flush() {
      producer.flush();
    }

    @Override
    public List<PartitionInfo> partitionsFor(String topic) {
      return producer.partitionsFor(topic);
    }

    @Override
    public Map<MetricName, ? extends Metric> metrics() {
      return producer.metrics();
    }

    @Override
    public void registerMetricForSubscription(KafkaMetric metric) {
      producer.registerMetricForSubscription(metric);
    }

    @Override
    public void unregisterMetricFromSubscription(KafkaMetric metric) {
      producer.unregisterMetricFromSubscription(metric);
    }

    @Override
    public Uuid clientInstanceId(Duration timeout) {
      return producer.clientInstanceId(timeout);
    }

    @Override
    public void close() {
      producer.close();
    }

    @Override
    public void close(Duration timeout) {
      producer.close(timeout);
    }
  }
}
