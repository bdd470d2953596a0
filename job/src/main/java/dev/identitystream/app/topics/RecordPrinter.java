package dev.identitystream.app.topics;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Prints records for {@code tail}: where they are, the key, the headers and the value, as pretty
 * JSON for people or one compact JSON object per line for tools ({@code jq}). A JSON value prints
 * exactly as the topic holds it, whitespace aside ({@link JsonLayout}): numbers, escapes and
 * unicode as Plaid sent them. Values that are not JSON print as text.
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
    Optional<String> value = JsonLayout.of(record.value(), false);
    if (value.isEmpty()) {
      line.put("value", text(record.value()));
      return redact(line.toString());
    }
    String envelope = line.toString(); // "value" last, spliced in as the topic holds it
    return redact(envelope.substring(0, envelope.length() - 1) + ",\"value\":" + value.get() + "}");
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
    text.append(JsonLayout.of(record.value(), true).orElseGet(() -> text(record.value())));
    return redact(text.toString());
  }

  static String redact(String text) {
    return TOKEN.matcher(text).replaceAll(REDACTED);
  }

  private static String text(byte[] bytes) {
    return bytes == null ? "null" : new String(bytes, StandardCharsets.UTF_8);
  }
}
