package dev.identitystream.app;

import dev.identitystream.app.topics.OutputReader;
import dev.identitystream.topology.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The job's four output topics, read with the job's own {@link OutputReader} ({@code
 * read_committed}, from the beginning) into memory, for integration tests. Threading: one test
 * thread.
 */
public final class OutputCollector implements AutoCloseable {

  private final Topics topics;
  private final OutputReader reader;
  private final Map<String, List<ConsumerRecord<byte[], byte[]>>> byTopic = new LinkedHashMap<>();

  public OutputCollector(String bootstrapServers, Topics topics) {
    this.topics = topics;
    reader =
        OutputReader.fromBeginning(
            Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
            topics,
            "collector-");
    topics.outputs().forEach(topic -> byTopic.put(topic, new ArrayList<>()));
  }

  /** Polls until the condition holds or the timeout passes; returns whether it held. */
  public boolean pollUntil(Predicate<OutputCollector> condition, Duration timeout) {
    return reader.read(
        record -> byTopic.get(record.topic()).add(record), () -> condition.test(this), timeout);
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
    reader.close();
  }
}
