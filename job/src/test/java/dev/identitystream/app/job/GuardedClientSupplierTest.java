package dev.identitystream.app.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.identitystream.topology.TransactionGuard;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;

class GuardedClientSupplierTest {

  private static final TopicPartition INPUT_0 = new TopicPartition("identity-requests", 0);
  private static final ConsumerGroupMetadata GROUP = new ConsumerGroupMetadata("app");

  private final TransactionGuard guard = new TransactionGuard();
  private final MockProducer<byte[], byte[]> kafka =
      new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
  private final GuardedClientSupplier.GuardedProducer producer =
      new GuardedClientSupplier.GuardedProducer(kafka, guard);

  @Test
  void shouldGuardOnlyTheTransactionalProducers() {
    GuardedClientSupplier supplier = new GuardedClientSupplier(guard);
    Map<String, Object> config =
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:1", "client.id", "t");

    try (Producer<byte[], byte[]> plain = supplier.getProducer(config)) {
      assertThat(plain).isNotInstanceOf(GuardedClientSupplier.GuardedProducer.class);
    }
    try (Producer<byte[], byte[]> transactional =
        supplier.getProducer(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                "localhost:1",
                ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                "app-1"))) {
      assertThat(transactional).isInstanceOf(GuardedClientSupplier.GuardedProducer.class);
    }
  }

  @Test
  void shouldCommitWhatTheGuardLetsThrough() {
    // given
    TransactionGuard.Participant task = guard.join(new TaskId(0, 0), true);
    producer.initTransactions();
    producer.beginTransaction();
    task.consumed(INPUT_0.topic(), 0, 5);

    // when
    producer.sendOffsetsToTransaction(Map.of(INPUT_0, new OffsetAndMetadata(6)), GROUP);
    producer.commitTransaction();

    // then
    assertThat(kafka.transactionCommitted()).isTrue();
    assertThat(kafka.consumerGroupOffsetsHistory())
        .containsExactly(Map.of("app", Map.of(INPUT_0, new OffsetAndMetadata(6))));
  }

  @Test
  void shouldRefuseAnUnsafeCommitBeforeKafkaHearsOfIt() {
    // given: a task with uncommitted work, and the transaction aborted under it
    TransactionGuard.Participant task = guard.join(new TaskId(0, 0), true);
    producer.initTransactions();
    producer.beginTransaction();
    task.consumed(INPUT_0.topic(), 0, 5);
    producer.abortTransaction();
    producer.beginTransaction();

    // then
    assertThatThrownBy(
            () ->
                producer.sendOffsetsToTransaction(Map.of(INPUT_0, new OffsetAndMetadata(6)), GROUP))
        .isInstanceOf(TransactionGuard.UnsafeCommitException.class);
    assertThatThrownBy(producer::commitTransaction)
        .isInstanceOf(TransactionGuard.UnsafeCommitException.class);
    assertThat(kafka.consumerGroupOffsetsHistory()).isEmpty();
    assertThat(kafka.transactionCommitted()).isFalse();
  }

  @Test
  void shouldCountAnAbortThatFailedAsAnAbort() {
    // given
    TransactionGuard.Participant task = guard.join(new TaskId(0, 0), true);
    producer.initTransactions();
    producer.beginTransaction();
    task.wrote();
    kafka.abortTransactionException = new TimeoutException("broker away");

    // when
    assertThatThrownBy(producer::abortTransaction).isInstanceOf(TimeoutException.class);

    // then
    assertThatThrownBy(() -> producer.sendOffsetsToTransaction(Map.of(), GROUP))
        .isInstanceOf(TransactionGuard.UnsafeCommitException.class);
  }

  @Test
  void shouldReplaceTheStreamThreadThatARefusedCommitStopped() {
    ThreadFailurePolicy policy = new ThreadFailurePolicy(error -> {});
    KafkaException refused = new TransactionGuard.UnsafeCommitException("refused");
    // as Kafka Streams' StreamsProducer wraps it
    StreamsException error =
        new StreamsException(
            "stream-thread [t] Error encountered trying to add offsets to a transaction", refused);

    assertThat(policy.handle(error)).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
    assertThat(policy.replaced()).isEqualTo(1);
  }
}
