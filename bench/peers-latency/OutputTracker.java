package bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads `accounts` (every partition, from the beginning, isolation.level=read_committed, no group) while the run
 * goes on and keeps, per request index, how many account records arrived, the largest LogAppendTime among them
 * (broker clock at append) and the wall clock at which the last of them was received (visible to a read_committed
 * reader: for a transactional peer, after its commit). A request is complete once it has the expected count.
 *
 * <p>Threading: one thread (the watcher's main thread) calls everything.
 */
final class OutputTracker implements AutoCloseable {
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final int expected;
  final int[] count;
  final long[] lastAppendMs;
  final long[] lastSeenMs;
  int complete;
  long records;
  long duplicates;
  long unknown;

  OutputTracker(String bootstrap, String topic, int partitions, int n, int expected) {
    Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000,
        // an upper bound on how late a fetch may answer; a commit marker wakes a waiting fetch anyway
        ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20);
    this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> tps = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      tps.add(new TopicPartition(topic, p));
    }
    consumer.assign(tps);
    consumer.seekToBeginning(tps);
    this.expected = expected;
    this.count = new int[n];
    this.lastAppendMs = new long[n];
    this.lastSeenMs = new long[n];
    Arrays.fill(lastAppendMs, Long.MIN_VALUE);
  }

  /** One poll (at most the given wait): counts what it returned. */
  void poll(Duration wait) {
    var batch = consumer.poll(wait);
    long seen = System.currentTimeMillis();
    for (ConsumerRecord<byte[], byte[]> r : batch) {
      records++;
      int i = RequestIds.indexOf(r.value());
      if (i < 0 || i >= count.length) {
        unknown++;
        continue;
      }
      lastAppendMs[i] = Math.max(lastAppendMs[i], r.timestamp());
      lastSeenMs[i] = seen;
      if (++count[i] == expected) {
        complete++;
      } else if (count[i] > expected) {
        duplicates++;
      }
    }
  }

  boolean complete(int i) {
    return count[i] >= expected;
  }

  @Override
  public void close() {
    consumer.close();
  }
}
