package dev.identitystream.app.topics;

import com.fasterxml.jackson.databind.JsonNode;
import dev.identitystream.event.DlqHeaders;
import dev.identitystream.event.DlqReason;
import dev.identitystream.event.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Which records {@code tail} prints and {@code redrive} moves: DLQ reason codes (the {@code
 * __streams.errors.reason} header), request ids (the DLQ's {@code __streams.errors.request_id}
 * header, else the value's {@code request_id} field, so outputs match too), and a time range on the
 * record timestamp (for the DLQ: when the record was dead-lettered). Empty sets and null bounds
 * match everything.
 *
 * @param reasons DLQ reason codes ({@link DlqReason} names)
 * @param requestIds request ids
 * @param since inclusive lower bound, or null
 * @param until exclusive upper bound, or null
 */
record RecordFilter(Set<String> reasons, Set<String> requestIds, Instant since, Instant until) {

  private static final Pattern RELATIVE = Pattern.compile("(\\d+)([smhd])");

  RecordFilter {
    reasons = Set.copyOf(reasons);
    requestIds = Set.copyOf(requestIds);
    for (String reason : reasons) {
      if (Arrays.stream(DlqReason.values()).noneMatch(r -> r.name().equals(reason))) {
        throw new IllegalArgumentException(
            "unknown DLQ reason "
                + reason
                + "; the reasons are "
                + Arrays.toString(DlqReason.values()));
      }
    }
    if (since != null && until != null && !since.isBefore(until)) {
      throw new IllegalArgumentException(
          "the time range is empty: " + since + " is not before " + until);
    }
  }

  static RecordFilter all() {
    return new RecordFilter(Set.of(), Set.of(), null, null);
  }

  boolean matches(ConsumerRecord<byte[], byte[]> record) {
    if (since != null && record.timestamp() < since.toEpochMilli()) {
      return false;
    }
    if (until != null && record.timestamp() >= until.toEpochMilli()) {
      return false;
    }
    if (!reasons.isEmpty() && !containsNullSafe(reasons, header(record, DlqHeaders.REASON))) {
      return false;
    }
    return requestIds.isEmpty() || containsNullSafe(requestIds, requestIdOf(record));
  }

  /** Set.of(...).contains(null) throws; a record without the value simply does not match. */
  private static boolean containsNullSafe(Set<String> set, String value) {
    return value != null && set.contains(value);
  }

  /** The record's reason header, or null (not a DLQ record). */
  static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null || header.value() == null
        ? null
        : new String(header.value(), StandardCharsets.UTF_8);
  }

  /** The DLQ's request id header, else the value's {@code request_id}, else null. */
  static String requestIdOf(ConsumerRecord<byte[], byte[]> record) {
    String fromHeader = header(record, DlqHeaders.REQUEST_ID);
    if (fromHeader != null || record.value() == null) {
      return fromHeader;
    }
    try {
      JsonNode value = Json.mapper().readTree(record.value());
      JsonNode id = value == null ? null : value.get("request_id");
      return id != null && id.isTextual() ? id.asText() : null;
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * A point in time from the command line: an RFC 3339 instant ({@code 2026-11-25T12:00:00Z}), or a
   * time ago: {@code 30m}, {@code 2h}, {@code 7d}, {@code 90s}, or ISO {@code PT2H}.
   */
  static Instant parseTime(String text, Instant now) {
    String value = text.strip();
    Matcher relative = RELATIVE.matcher(value.toLowerCase(Locale.ROOT));
    if (relative.matches()) {
      long amount = Long.parseLong(relative.group(1));
      Duration ago =
          switch (relative.group(2)) {
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
          };
      return now.minus(ago);
    }
    try {
      return value.toUpperCase(Locale.ROOT).startsWith("P")
          ? now.minus(Duration.parse(value))
          : Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "'"
              + text
              + "' is not a time: use an instant like 2026-11-25T12:00:00Z or a time ago like 30m, 2h, 7d");
    }
  }

  /** For the report: what this filter selects, in words. */
  String describe() {
    List<String> parts = new java.util.ArrayList<>();
    if (!reasons.isEmpty()) {
      parts.add("reason " + String.join("|", new java.util.TreeSet<>(reasons)));
    }
    if (!requestIds.isEmpty()) {
      parts.add(requestIds.size() + " request id(s)");
    }
    if (since != null) {
      parts.add("from " + since);
    }
    if (until != null) {
      parts.add("until " + until);
    }
    return parts.isEmpty() ? "every record" : String.join(", ", parts);
  }
}
