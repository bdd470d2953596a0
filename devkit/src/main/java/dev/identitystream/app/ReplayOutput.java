package dev.identitystream.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.identitystream.event.Json;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.test.TestRecord;

/**
 * Writes a replay's output topics as JSON Lines, {@code <dir>/<topic>.jsonl} for every output
 * topic (an empty file for a topic nothing was written to), one line per record in the order the
 * topology wrote them:
 *
 * <pre>{"key": "...", "value": {...}, "headers": {"name": "value", ...}}</pre>
 *
 * <ul>
 *   <li>{@code key}: the key bytes as a UTF-8 string, or null;
 *   <li>{@code value}: the value bytes exactly as the job serialized them (they are JSON), except on
 *       the DLQ topic, whose values are the original requests: there {@code access_token} is
 *       replaced by {@value #REDACTED} (the value is then written compactly);
 *   <li>{@code headers}: name to UTF-8 string (null for a null value), in record order; a name
 *       that occurs more than once maps to an array of its values.
 * </ul>
 *
 * <p>Lines end with {@code \n}; the files are UTF-8. Threading: stateless.
 */
final class ReplayOutput {

  /** What replaces the access token in a DLQ value. */
  static final String REDACTED = "[redacted]";

  private ReplayOutput() {}

  /** Writes every topic's file; returns the records written per topic, in the given order. */
  static Map<String, Integer> write(Path dir, String dlqTopic, Map<String, List<TestRecord<byte[], byte[]>>> topics)
      throws IOException {
    Files.createDirectories(dir);
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (Map.Entry<String, List<TestRecord<byte[], byte[]>>> topic : topics.entrySet()) {
      boolean dlq = topic.getKey().equals(dlqTopic);
      try (BufferedWriter out = Files.newBufferedWriter(dir.resolve(topic.getKey() + ".jsonl"), StandardCharsets.UTF_8)) {
        for (TestRecord<byte[], byte[]> record : topic.getValue()) {
          out.write(Json.mapper().writeValueAsString(line(record, dlq)));
          out.write('\n');
        }
      }
      counts.put(topic.getKey(), topic.getValue().size());
    }
    return counts;
  }

  static ObjectNode line(TestRecord<byte[], byte[]> record, boolean dlq) {
    ObjectNode line = JsonNodeFactory.instance.objectNode();
    line.put("key", text(record.key()));
    if (record.value() == null) {
      line.putNull("value");
    } else if (dlq) {
      line.set("value", redacted(record.value()));
    } else {
      line.set("value", exact(record.value()));
    }
    ObjectNode headers = line.putObject("headers");
    for (Header header : record.headers()) {
      JsonNode previous = headers.get(header.key());
      String value = text(header.value());
      if (previous == null) {
        headers.put(header.key(), value);
      } else {
        ArrayNode values = previous.isArray() ? (ArrayNode) previous : headers.arrayNode().add(previous);
        values.add(value);
        headers.set(header.key(), values);
      }
    }
    return line;
  }

  /** The bytes as they are when they are one line of JSON; else their parsed (or string) form. */
  private static JsonNode exact(byte[] value) {
    JsonNode parsed;
    try {
      parsed = Json.readOutput(value);
    } catch (IOException e) {
      parsed = null;
    }
    if (parsed == null || parsed.isMissingNode()) {
      return JsonNodeFactory.instance.textNode(text(value));
    }
    String text = text(value);
    boolean oneLine = text.indexOf('\n') < 0 && text.indexOf('\r') < 0;
    return oneLine ? JsonNodeFactory.instance.rawValueNode(new RawValue(text.strip())) : parsed;
  }

  /** A request value without its access token; anything else that could hold one is withheld. */
  private static JsonNode redacted(byte[] value) {
    JsonNode parsed = parse(value);
    if (parsed == null || !parsed.isObject()) {
      return JsonNodeFactory.instance.textNode(REDACTED);
    }
    if (parsed.has("access_token")) {
      ((ObjectNode) parsed).put("access_token", REDACTED);
    }
    return parsed;
  }

  private static JsonNode parse(byte[] value) {
    try {
      JsonNode node = Json.mapper().readTree(value);
      return node == null || node.isMissingNode() ? null : node;
    } catch (IOException e) {
      return null;
    }
  }

  private static String text(byte[] bytes) {
    return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
  }
}
