package dev.identitystream.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.identitystream.event.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.streams.test.TestRecord;

/**
 * One record the job wrote to an output topic in a replay: its key, its value as JSON and its
 * headers, in the order the topology wrote them.
 *
 * <p>On the DLQ topic, whose values are the original requests, {@code access_token} is replaced by
 * {@value #REDACTED} (and a value that is not a JSON object is withheld entirely, as the string
 * {@value #REDACTED}): a failed assertion that prints a record never prints a token.
 *
 * <p>Threading: immutable; {@link #value()} hands out a new tree on every call.
 */
public final class OutputRecord {

  /** What replaces the access token in a DLQ value. */
  public static final String REDACTED = "[redacted]";

  /**
   * One header, its value as a UTF-8 string.
   *
   * @param value null when the header's value is null
   */
  public record Header(String name, String value) {
    public Header {
      Objects.requireNonNull(name, "name");
    }
  }

  private final String topic;
  private final String key;
  private final byte[] value;
  private final List<Header> headers;
  private final boolean dlq;

  private OutputRecord(String topic, String key, byte[] value, List<Header> headers, boolean dlq) {
    this.topic = topic;
    this.key = key;
    this.value = value;
    this.headers = headers;
    this.dlq = dlq;
  }

  static OutputRecord of(String topic, TestRecord<byte[], byte[]> record, boolean dlq) {
    List<Header> headers = new ArrayList<>();
    for (org.apache.kafka.common.header.Header header : record.headers()) {
      headers.add(new Header(header.key(), text(header.value())));
    }
    return new OutputRecord(topic, text(record.key()), record.value(), List.copyOf(headers), dlq);
  }

  /** The topic it was written to. */
  public String topic() {
    return topic;
  }

  /**
   * The key bytes as a UTF-8 string (accounts: the account id; Items and Item errors: the Item id),
   * or null.
   */
  public String key() {
    return key;
  }

  /**
   * The value, parsed (numbers keep their digits and scale): a new tree on every call. A value that
   * is not JSON is a text node of its UTF-8 string; a null value (a tombstone) is a null node.
   */
  public JsonNode value() {
    if (value == null) {
      return NullNode.getInstance();
    }
    if (dlq) {
      return redacted(value);
    }
    JsonNode parsed = parsed(value);
    return parsed != null ? parsed : JsonNodeFactory.instance.textNode(text(value));
  }

  /** The headers in record order (a name may occur more than once). */
  public List<Header> headers() {
    return headers;
  }

  /**
   * The value of the last header with this name (Kafka's {@code lastHeader}), or null when it has
   * none.
   */
  public String header(String name) {
    String found = null;
    for (Header header : headers) {
      if (header.name().equals(name)) {
        found = header.value();
      }
    }
    return found;
  }

  /**
   * The record as one line of JSON, as {@code replay --out} writes it:
   *
   * <pre>{"key": "...", "value": {...}, "headers": {"name": "value", ...}}</pre>
   *
   * <ul>
   *   <li>{@code key}: the key bytes as a UTF-8 string, or null;
   *   <li>{@code value}: the value bytes exactly as the job serialized them (they are JSON), except
   *       on the DLQ topic, where {@code access_token} is redacted (the value is then written
   *       compactly);
   *   <li>{@code headers}: name to UTF-8 string (null for a null value), in record order; a name
   *       that occurs more than once maps to an array of its values.
   * </ul>
   */
  public String toJsonLine() {
    ObjectNode line = JsonNodeFactory.instance.objectNode();
    line.put("key", key);
    if (value == null) {
      line.putNull("value");
    } else if (dlq) {
      line.set("value", redacted(value));
    } else {
      line.set("value", exact(value));
    }
    ObjectNode names = line.putObject("headers");
    for (Header header : headers) {
      JsonNode previous = names.get(header.name());
      if (previous == null) {
        names.put(header.name(), header.value());
      } else {
        ArrayNode values =
            previous.isArray() ? (ArrayNode) previous : names.arrayNode().add(previous);
        values.add(header.value());
        names.set(header.name(), values);
      }
    }
    try {
      return Json.mapper().writeValueAsString(line);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The topic and {@link #toJsonLine()}. */
  @Override
  public String toString() {
    return topic + " " + toJsonLine();
  }

  /** The bytes as they are when they are one line of JSON; else their parsed (or string) form. */
  private static JsonNode exact(byte[] value) {
    JsonNode parsed = parsed(value);
    if (parsed == null) {
      return JsonNodeFactory.instance.textNode(text(value));
    }
    String text = text(value);
    boolean oneLine = text.indexOf('\n') < 0 && text.indexOf('\r') < 0;
    return oneLine ? JsonNodeFactory.instance.rawValueNode(new RawValue(text.strip())) : parsed;
  }

  /** A value the job wrote, parsed; null when it is not JSON. */
  private static JsonNode parsed(byte[] value) {
    try {
      JsonNode parsed = Json.readOutput(value);
      return parsed == null || parsed.isMissingNode() ? null : parsed;
    } catch (IOException e) {
      return null;
    }
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
