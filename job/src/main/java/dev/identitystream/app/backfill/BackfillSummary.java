package dev.identitystream.app.backfill;

import com.fasterxml.jackson.databind.JsonNode;
import dev.identitystream.app.config.AppConfig;
import dev.identitystream.app.topics.OutputReader;
import dev.identitystream.event.DlqHeaders;
import dev.identitystream.event.Json;
import dev.identitystream.topology.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

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
    try (OutputReader reader = OutputReader.between(config.kafkaProps(), from, to, "backfill-summary-")) {
      if (!reader.read(this::add, () -> false, timeout)) {
        throw new IllegalStateException("could not read the outputs back within " + timeout);
      }
    }
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
