package dev.identitystream.app.topics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.identitystream.event.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Prints records for {@code tail}: where they are, the key, the headers and the value, as pretty
 * JSON for people or one compact JSON object per line for tools ({@code jq}). Values that are not
 * JSON print as text.
 *
 * <p>Contract: no access token is printed. Input and DLQ values hold the original requests, so
 * {@code access_token} is replaced by {@value #REDACTED}, and anything shaped like a token ({@code
 * access-<env>-<id>}) in a key, header or value is too, even inside a value that is not JSON.
 */
final class RecordPrinter {

  static final String REDACTED = "[redacted]";
  private static final Pattern TOKEN = Pattern.compile("access-[a-z]+-[A-Za-z0-9_-]+");

  private final PrintWriter out;
  private final boolean compact;

  RecordPrinter(PrintWriter out, boolean compact) {
    this.out = out;
    this.compact = compact;
  }

  void print(ConsumerRecord<byte[], byte[]> record) {
    out.println(compact ? compactLine(record) : pretty(record));
    out.flush();
  }

  private String compactLine(ConsumerRecord<byte[], byte[]> record) {
    ObjectNode line = JsonNodeFactory.instance.objectNode();
    line.put("topic", record.topic());
    line.put("partition", record.partition());
    line.put("offset", record.offset());
    line.put("timestamp", Instant.ofEpochMilli(record.timestamp()).toString());
    line.put("key", text(record.key()));
    ObjectNode headers = line.putObject("headers");
    for (Header header : record.headers()) {
      headers.put(header.key(), text(header.value()));
    }
    JsonNode value = json(record.value());
    if (value != null) {
      line.set("value", value);
    } else {
      line.put("value", text(record.value()));
    }
    return redact(line.toString());
  }

  private String pretty(ConsumerRecord<byte[], byte[]> record) {
    StringBuilder text = new StringBuilder();
    text.append("--- ")
        .append(record.topic())
        .append("  partition ")
        .append(record.partition())
        .append("  offset ")
        .append(record.offset())
        .append("  ")
        .append(Instant.ofEpochMilli(record.timestamp()))
        .append(System.lineSeparator());
    text.append("key: ").append(text(record.key())).append(System.lineSeparator());
    for (Header header : record.headers()) {
      text.append("header ")
          .append(header.key())
          .append(": ")
          .append(text(header.value()))
          .append(System.lineSeparator());
    }
    JsonNode value = json(record.value());
    try {
      text.append(
          value != null
              ? Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(value)
              : text(record.value()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return redact(text.toString());
  }

  /** The value as JSON with its access_token redacted, or null when it is not JSON. */
  private static JsonNode json(byte[] value) {
    if (value == null) {
      return null;
    }
    try {
      JsonNode node = Json.mapper().readTree(value);
      if (node == null || node.isMissingNode()) {
        return null;
      }
      if (node instanceof ObjectNode object && object.has("access_token")) {
        object.put("access_token", REDACTED);
      }
      return node;
    } catch (IOException e) {
      return null;
    }
  }

  static String redact(String text) {
    return TOKEN.matcher(text).replaceAll(REDACTED);
  }

  private static String text(byte[] bytes) {
    return bytes == null ? "null" : new String(bytes, StandardCharsets.UTF_8);
  }
}
