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
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/**
 * What a backfill did: the requests it consumed, what it wrote ({@link Outputs}) and how long it
 * took. Immutable.
 */
record BackfillSummary(long requests, Outputs outputs, Duration duration) {

  /**
   * The output records committed between two sets of offsets, read back with {@code read_committed}
   * ({@link OutputReader}) and counted: accounts, Items OK/ERROR, Item errors by code, DLQ by
   * reason (both sorted by name). Immutable.
   */
  record Outputs(
      long accounts,
      long itemsOk,
      long itemsError,
      SortedMap<String, Long> errorsByCode,
      SortedMap<String, Long> dlqByReason) {

    /** The code under which Item errors without a string {@code error_code} are counted. */
    static final String NO_CODE = "(no error_code)";

    Outputs {
      errorsByCode = Collections.unmodifiableSortedMap(new TreeMap<>(errorsByCode));
      dlqByReason = Collections.unmodifiableSortedMap(new TreeMap<>(dlqByReason));
    }

    /** Reads the output partitions from {@code from} up to {@code to} (exclusive) and counts. */
    static Outputs read(
        AppConfig config,
        Map<TopicPartition, Long> from,
        Map<TopicPartition, Long> to,
        Duration timeout) {
      Topics topics = config.topics();
      long[] counts = new long[3]; // accounts, Items OK, Items ERROR
      SortedMap<String, Long> errorsByCode = new TreeMap<>();
      SortedMap<String, Long> dlqByReason = new TreeMap<>();
      try (OutputReader reader =
          OutputReader.between(config.kafkaProps(), from, to, "backfill-summary-")) {
        boolean read =
            reader.read(
                record -> {
                  String topic = record.topic();
                  if (topic.equals(topics.accounts())) {
                    counts[0]++;
                  } else if (topic.equals(topics.items())) {
                    counts["OK".equals(field(record, "status")) ? 1 : 2]++;
                  } else if (topic.equals(topics.itemErrors())) {
                    errorsByCode.merge(errorCodeOf(record.value()), 1L, Long::sum);
                  } else if (topic.equals(topics.dlq())) {
                    Header reason = record.headers().lastHeader(DlqHeaders.REASON);
                    dlqByReason.merge(
                        reason == null
                            ? "UNKNOWN"
                            : new String(reason.value(), StandardCharsets.UTF_8),
                        1L,
                        Long::sum);
                  }
                },
                () -> false,
                timeout);
        if (!read) {
          throw new IllegalStateException("could not read the outputs back within " + timeout);
        }
      }
      return new Outputs(counts[0], counts[1], counts[2], errorsByCode, dlqByReason);
    }

    /**
     * How an Item-error event is counted: its {@code error_code}, or {@value #NO_CODE} when Plaid's
     * error had none (an {@code item.error} of {@code {}}, a bare string, a null code).
     */
    static String errorCodeOf(byte[] value) {
      try {
        JsonNode code = value == null ? null : Json.readOutput(value).path("error_code");
        return code == null || !code.isTextual() ? NO_CODE : code.asText();
      } catch (IOException e) {
        return "?";
      }
    }

    private static String field(ConsumerRecord<byte[], byte[]> record, String name) {
      try {
        JsonNode node = record.value() == null ? null : Json.readOutput(record.value());
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
  }

  void print(PrintWriter out) {
    out.println("Backfill done in " + format(duration));
    out.printf("  requests consumed   %d%n", requests);
    out.printf("  accounts            %d%n", outputs.accounts());
    out.printf("  Items               %d OK, %d ERROR%n", outputs.itemsOk(), outputs.itemsError());
    out.printf("  Item errors         %d%n", outputs.itemErrors());
    outputs.errorsByCode().forEach((code, n) -> out.printf("    %-30s %d%n", code, n));
    out.printf("  DLQ                 %d%n", outputs.dlq());
    outputs.dlqByReason().forEach((reason, n) -> out.printf("    %-30s %d%n", reason, n));
    out.flush();
  }

  private static String format(Duration duration) {
    return String.format("%d.%03d s", duration.toSeconds(), duration.toMillisPart());
  }
}
