package dev.identitystream.local;

import static dev.identitystream.local.TestClients.uniqueName;
import static dev.identitystream.local.TestClients.valuesToEnd;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class ForkedKafkaBrokerIT {

  private static final Logger LOG = LoggerFactory.getLogger(ForkedKafkaBrokerIT.class);

  private static ForkedKafkaBroker broker;

  @BeforeAll
  static void startBroker() {
    long started = System.nanoTime();
    broker = ForkedKafkaBroker.start(BrokerOptions.defaults());
    LOG.info("forked broker started in {} ms", elapsedMillis(started));
  }

  @AfterAll
  static void closeBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void shouldKeepCommittedRecordsAfterKill9AndRestart() throws Exception {
    // given
    String topic = uniqueName("crash");
    broker.createTopic(topic, 2);
    List<String> committed = new ArrayList<>();
    try (KafkaProducer<String, String> plain = TestClients.producer(broker.bootstrapServers());
        KafkaProducer<String, String> transactional =
            TestClients.transactionalProducer(broker.bootstrapServers(), uniqueName("tx"))) {
      for (int i = 0; i < 50; i++) {
        plain.send(new ProducerRecord<>(topic, "k" + i, "plain-" + i)).get();
        committed.add("plain-" + i);
      }
      transactional.beginTransaction();
      for (int i = 0; i < 50; i++) {
        transactional.send(new ProducerRecord<>(topic, "k" + i, "tx-" + i));
        committed.add("tx-" + i);
      }
      transactional.commitTransaction();
    }

    // Records a read_committed reader has seen must survive the crash. (A commit acknowledged but
    // whose markers were not yet written when the broker died was seen to stay invisible after the
    // restart on this single-node setup: see the known issues in docs/operations.md; the job's own
    // crash and broker-restart tests check end-to-end exactly-once.)
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(
                        valuesToEnd(
                            broker.bootstrapServers(), topic, IsolationLevel.READ_COMMITTED))
                    .containsExactlyInAnyOrderElementsOf(committed));

    // when
    broker.kill9();
    assertThat(broker.isRunning()).isFalse();
    long restarting = System.nanoTime();
    broker.restart();
    LOG.info("forked broker restarted after kill -9 in {} ms", elapsedMillis(restarting));

    // then
    assertThat(valuesToEnd(broker.bootstrapServers(), topic, IsolationLevel.READ_COMMITTED))
        .containsExactlyInAnyOrderElementsOf(committed);
  }

  @Test
  void shouldLetClientOpenedBeforeCrashWriteAfterRestart() throws Exception {
    // given
    String topic = uniqueName("reconnect");
    broker.createTopic(topic, 1);
    try (KafkaProducer<String, String> producer = TestClients.producer(broker.bootstrapServers())) {
      producer.send(new ProducerRecord<>(topic, "k", "before")).get();

      // when
      broker.kill9();
      broker.restart();
      producer.send(new ProducerRecord<>(topic, "k", "after")).get(30, TimeUnit.SECONDS);
    }

    // then
    assertThat(valuesToEnd(broker.bootstrapServers(), topic, IsolationLevel.READ_COMMITTED))
        .containsExactly("before", "after");
  }

  @Test
  void shouldKeepRecordsAfterGracefulStopAndRestart() throws Exception {
    // given
    String topic = uniqueName("graceful");
    broker.createTopic(topic, 1);
    try (KafkaProducer<String, String> producer = TestClients.producer(broker.bootstrapServers())) {
      producer.send(new ProducerRecord<>(topic, "k", "kept")).get();
    }

    // when
    long stopping = System.nanoTime();
    broker.stop();
    LOG.info("forked broker stopped gracefully in {} ms", elapsedMillis(stopping));
    long restarting = System.nanoTime();
    broker.restart();
    LOG.info("forked broker restarted after a graceful stop in {} ms", elapsedMillis(restarting));

    // then
    assertThat(valuesToEnd(broker.bootstrapServers(), topic, IsolationLevel.READ_COMMITTED))
        .containsExactly("kept");
  }

  private static long elapsedMillis(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
  }
}
