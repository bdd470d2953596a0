package dev.identitystream.local;

import static dev.identitystream.local.TestClients.uniqueName;
import static dev.identitystream.local.TestClients.valuesToEnd;
import static org.apache.kafka.common.IsolationLevel.READ_COMMITTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaBrokerIT {

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  @TempDir Path tempDir;

  private KafkaStreams streams;

  @AfterEach
  void closeStreams() {
    if (streams != null) {
      streams.close(Duration.ofSeconds(10));
    }
  }

  @Test
  void shouldDeliverProducedRecordsToConsumer() throws Exception {
    // given
    String topic = uniqueName("plain");
    KAFKA.broker().createTopic(topic, 2);

    // when
    try (KafkaProducer<String, String> producer = TestClients.producer(KAFKA.bootstrapServers())) {
      for (String value : List.of("a", "b", "c")) {
        producer.send(new ProducerRecord<>(topic, "key", value)).get();
      }
    }

    // then
    assertThat(valuesToEnd(KAFKA.bootstrapServers(), topic, IsolationLevel.READ_UNCOMMITTED))
        .containsExactly("a", "b", "c");
  }

  @Test
  void shouldShowReadCommittedConsumerOnlyCommittedTransactions() {
    // given
    String topic = uniqueName("tx");
    KAFKA.broker().createTopic(topic, 1);

    // when
    try (KafkaProducer<String, String> producer =
        TestClients.transactionalProducer(KAFKA.bootstrapServers(), uniqueName("tx-id"))) {
      sendInTransaction(producer, topic, List.of("c1", "c2"), true);
      sendInTransaction(producer, topic, List.of("aborted"), false);
      sendInTransaction(producer, topic, List.of("c3"), true);
    }

    // then
    assertThat(valuesToEnd(KAFKA.bootstrapServers(), topic, IsolationLevel.READ_COMMITTED))
        .containsExactly("c1", "c2", "c3");
    assertThat(valuesToEnd(KAFKA.bootstrapServers(), topic, IsolationLevel.READ_UNCOMMITTED))
        .as("the aborted record is in the log, only hidden")
        .containsExactly("c1", "c2", "aborted", "c3");
  }

  @Test
  void shouldRunExactlyOnceStreamsApp() throws Exception {
    // given
    String input = uniqueName("words");
    String output = uniqueName("upper");
    KAFKA.broker().createTopic(input, 2);
    KAFKA.broker().createTopic(output, 2);
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(input, Consumed.with(Serdes.String(), Serdes.String()))
        .mapValues(value -> value.toUpperCase(Locale.ROOT))
        .to(output, Produced.with(Serdes.String(), Serdes.String()));
    streams = new KafkaStreams(builder.build(), streamsConfig(uniqueName("upper-app")));

    // when
    streams.start();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> streams.state() == KafkaStreams.State.RUNNING);
    try (KafkaProducer<String, String> producer = TestClients.producer(KAFKA.bootstrapServers())) {
      producer.send(new ProducerRecord<>(input, "k", "hello")).get();
    }

    // then
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(valuesToEnd(KAFKA.bootstrapServers(), output, READ_COMMITTED))
                    .containsExactly("HELLO"));
  }

  @Test
  void shouldCreateCompactedTopicOnceOnly() throws Exception {
    // given
    String topic = uniqueName("items");

    // when
    boolean first = KAFKA.broker().createTopic(topic, 3, LocalKafkaBroker.COMPACTED);
    boolean second = KAFKA.broker().createTopic(topic, 1);

    // then
    assertThat(first).isTrue();
    assertThat(second).isFalse();
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    try (Admin admin = KAFKA.broker().createAdmin()) {
      Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
      assertThat(config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo("compact");
      assertThat(admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions())
          .hasSize(3);
    }
  }

  @Test
  void shouldKeepRecordsAndPortWhenStartedAgainOnSameWorkDir() throws Exception {
    // given
    BrokerOptions options = BrokerOptions.defaults().withWorkDir(tempDir.resolve("broker"));
    String topic = uniqueName("kept");
    String firstBootstrap;
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(options);
        KafkaProducer<String, String> producer = TestClients.producer(broker.bootstrapServers())) {
      firstBootstrap = broker.bootstrapServers();
      broker.createTopic(topic, 1);
      producer.send(new ProducerRecord<>(topic, "k", "kept")).get();
    }

    // when
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(options)) {

      // then
      assertThat(broker.bootstrapServers()).isEqualTo(firstBootstrap);
      assertThat(valuesToEnd(broker.bootstrapServers(), topic, IsolationLevel.READ_COMMITTED))
          .containsExactly("kept");
    }
    assertThat(tempDir.resolve("broker")).as("a given work dir is kept").isDirectory();
  }

  @Test
  void shouldDeleteTemporaryWorkDirWhenClosed() {
    // given
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
    Path workDir = broker.workDir();
    assertThat(workDir).isDirectory();

    // when
    broker.close();

    // then
    assertThat(Files.exists(workDir)).isFalse();
  }

  private Properties streamsConfig(String applicationId) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.STATE_DIR_CONFIG, tempDir.resolve("streams").toString());
    props.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
    return props;
  }

  private static void sendInTransaction(
      KafkaProducer<String, String> producer, String topic, List<String> values, boolean commit) {
    producer.beginTransaction();
    values.forEach(value -> producer.send(new ProducerRecord<>(topic, "key", value)));
    producer.flush(); // an abort drops records not yet sent; these must reach the log
    if (commit) {
      producer.commitTransaction();
    } else {
      producer.abortTransaction();
    }
  }
}
