package dev.identitystream.app;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads {@code identity-items} ({@code read_committed}) on its own thread as soon as records are
 * committed, and keeps per request id how long after its request was produced the Item status
 * became readable (the output carries the request's timestamp). Bulk requests are only counted.
 *
 * <p>Threading: one reader thread; the getters may be called from any thread.
 */
final class LiveLatencyWatch implements AutoCloseable {

  private final Map<String, Long> latencyMillis = new ConcurrentHashMap<>();
  private final AtomicLong bulkDone = new AtomicLong();
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Thread reader;
  private volatile boolean closed;

  LiveLatencyWatch(String bootstrapServers, String itemsTopic, String livePrefix) {
    consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG,
                "latency-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG,
                "5",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class));
    consumer.subscribe(List.of(itemsTopic));
    reader =
        new Thread(
            () -> {
              while (!closed) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(20))) {
                  long now = System.currentTimeMillis();
                  String requestId = JobTestSupport.requestIdOf(record);
                  if (requestId.startsWith(livePrefix)) {
                    latencyMillis.putIfAbsent(requestId, now - record.timestamp());
                  } else {
                    bulkDone.incrementAndGet();
                  }
                }
              }
              consumer.close();
            },
            "latency-watch");
    reader.setDaemon(true);
    reader.start();
  }

  /** Latencies of the live requests whose ids start with {@code prefix}, in ms. */
  List<Long> latencies(String prefix) {
    List<Long> values = new ArrayList<>();
    latencyMillis.forEach(
        (id, ms) -> {
          if (id.startsWith(prefix)) {
            values.add(ms);
          }
        });
    return values;
  }

  long bulkDone() {
    return bulkDone.get();
  }

  /** The p-th percentile (nearest rank) of the values. */
  static long percentile(List<Long> values, double p) {
    List<Long> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }

  @Override
  public void close() throws InterruptedException {
    closed = true;
    reader.join(10_000);
  }
}
