package dev.identitystream.app.backfill;

import com.fasterxml.jackson.databind.JsonNode;
import dev.identitystream.app.config.AppConfig;
import dev.identitystream.event.DlqHeaders;
import dev.identitystream.event.Json;
import dev.identitystream.topology.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What a backfill wrote: the output records committed between two sets of offsets, read back with
 * {@code read_committed} and counted (accounts, Items OK/ERROR, Item errors by code, DLQ by reason).
 *
 * <p>Threading: not thread-safe; built and printed by one thread.
 */
final class BackfillSummary {

  private final Topics topics;
  long requests;
  long accounts;
  long itemsOk;
  long itemsError;
  final Map<String, Long> errorsByCode = new TreeMap<>();
  final Map<String, Long> dlqByReason = new TreeMap<>();
  Duration duration = Duration.ZERO;

  BackfillSummary(Topics topics) {
    this.topics = topics;
  }

  /** Reads the output partitions from {@code from} up to {@code to} (exclusive) and counts. */
  void count(AppConfig config, Map<TopicPartition, Long> from, Map<TopicPartition, Long> to, Duration timeout) {
    Map<String, Object> props = new HashMap<>(config.kafkaProps());
    props.keySet().retainAll(ConsumerConfig.configNames());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "backfill-summary-" + UUID.randomUUID());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      consumer.assign(to.keySet());
      to.keySet().forEach(partition -> consumer.seek(partition, from.getOrDefault(partition, 0L)));
      while (!reached(consumer, to)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("could not read the outputs back within " + timeout);
        }
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (record.offset() < to.get(new TopicPartition(record.topic(), record.partition()))) {
            add(record);
          }
        }
      }
    }
  }

  private static boolean reached(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> to) {
    return to.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
  }

  private void add(ConsumerRecord<byte[], byte[]> record) {
    String topic = record.topic();
    if (topic.equals(topics.accounts())) {
      accounts++;
    } else if (topic.equals(topics.items())) {
      if ("OK".equals(field(record.value(), "status"))) {
        itemsOk++;
      } else {
        itemsError++;
      }
    } else if (topic.equals(topics.itemErrors())) {
      errorsByCode.merge(field(record.value(), "error_code"), 1L, Long::sum);
    } else if (topic.equals(topics.dlq())) {
      Header reason = record.headers().lastHeader(DlqHeaders.REASON);
      dlqByReason.merge(reason == null ? "UNKNOWN" : new String(reason.value(), StandardCharsets.UTF_8), 1L, Long::sum);
    }
  }

  private static String field(byte[] value, String name) {
    try {
      JsonNode node = value == null ? null : Json.readOutput(value);
      return node == null ? "?" : node.path(name).asText("?");
    } catch (IOException e) {
      return "?";
    }
  }

  long itemErrors() {
    return errorsByCode.values().stream().mapToLong(Long::longValue).sum();
  }

  long dlq() {
    return dlqByReason.values().stream().mapToLong(Long::longValue).sum();
  }

  void print(PrintWriter out) {
    out.println("Backfill done in " + format(duration));
    out.printf("  requests consumed   %d%n", requests);
    out.printf("  accounts            %d%n", accounts);
    out.printf("  Items               %d OK, %d ERROR%n", itemsOk, itemsError);
    out.printf("  Item errors         %d%n", itemErrors());
    errorsByCode.forEach((code, n) -> out.printf("    %-30s %d%n", code, n));
    out.printf("  DLQ                 %d%n", dlq());
    dlqByReason.forEach((reason, n) -> out.printf("    %-30s %d%n", reason, n));
    out.flush();
  }

  private static String format(Duration duration) {
    return String.format("%d.%03d s", duration.toSeconds(), duration.toMillisPart());
  }
}
