package dev.identitystream.topology;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.TaskCorruptedException;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.test.TestRecord;

/** A TopologyTestDriver around the real topology with a fake client; raw bytes in and out. */
final class TopologyHarness implements AutoCloseable {

  static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

  final FakePlaidClient client;
  final TopologyTestDriver driver;
  final Topics topics;
  private final TestInputTopic<byte[], byte[]> input;
  private final List<TestOutputTopic<byte[], byte[]>> outputs = new ArrayList<>();

  TopologyHarness(StageSettings settings, FakePlaidClient client, Path stateDir) {
    this(settings, client, stateDir, StageMetrics.NONE);
  }

  TopologyHarness(
      StageSettings settings, FakePlaidClient client, Path stateDir, StageMetrics metrics) {
    this.client = client;
    this.topics = settings.topics();
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "identity-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    driver =
        new TopologyTestDriver(
            IdentityTopology.build(settings, client, Clock.fixed(NOW, ZoneOffset.UTC), metrics)
                .topology(),
            props);
    input =
        driver.createInputTopic(
            topics.requests(), new ByteArraySerializer(), new ByteArraySerializer());
    for (String topic : topics.outputs()) {
      outputs.add(
          driver.createOutputTopic(
              topic, new ByteArrayDeserializer(), new ByteArrayDeserializer()));
    }
  }

  /**
   * A clock at {@link #NOW} that, once armed, throws a {@code TaskCorruptedException} naming {@code
   * task} at its next reading: the signal Kafka Streams throws out of a send of any task of the
   * thread after a send of {@code task} failed. The stage reads its clock while it builds an
   * answer's outputs.
   */
  static Clock signalWhenArmed(AtomicBoolean armed, TaskId task) {
    return new Clock() {
      @Override
      public ZoneOffset getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        if (armed.getAndSet(false)) {
          throw new TaskCorruptedException(Set.of(task));
        }
        return NOW;
      }
    };
  }

  static StageSettings settings() {
    return StageSettings.defaults().withPersistentStore(false).withMaxBlock(Duration.ofMillis(50));
  }

  /** Sends a request to the bulk topic. */
  void sendBulk(String key, String value) {
    driver
        .createInputTopic(
            topics.bulkRequests(), new ByteArraySerializer(), new ByteArraySerializer())
        .pipeInput(key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
  }

  void send(String key, String value) {
    send(
        key == null ? null : key.getBytes(StandardCharsets.UTF_8),
        value == null ? null : value.getBytes(StandardCharsets.UTF_8));
  }

  void send(byte[] key, byte[] value) {
    input.pipeInput(key, value);
  }

  void send(byte[] key, byte[] value, Headers headers) {
    input.pipeInput(new TestRecord<>(key, value, headers, NOW));
  }

  /** Lets the wall-clock punctuator drain completed calls. */
  void drain() {
    driver.advanceWallClockTime(Duration.ofMillis(20));
  }

  /** Reads (and consumes) what was written to a topic. */
  List<TestRecord<byte[], byte[]>> read(String topic) {
    return outputs.get(topics.outputs().indexOf(topic)).readRecordsToList();
  }

  List<TestRecord<byte[], byte[]>> accounts() {
    return read(topics.accounts());
  }

  List<TestRecord<byte[], byte[]>> items() {
    return read(topics.items());
  }

  List<TestRecord<byte[], byte[]>> itemErrors() {
    return read(topics.itemErrors());
  }

  List<TestRecord<byte[], byte[]>> dlq() {
    return read(topics.dlq());
  }

  static String text(byte[] bytes) {
    return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
  }

  static String header(TestRecord<byte[], byte[]> record, String name) {
    var header = record.headers().lastHeader(name);
    return header == null ? null : text(header.value());
  }

  @Override
  public void close() {
    driver.close();
  }
}
