package dev.identitystream.app.input;

import com.fasterxml.jackson.databind.JsonNode;
import dev.identitystream.event.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The Kafka key of a request line: what {@code enqueue} writes with each request (and {@code
 * replay} assigns), so that every request of one Item lands on the same partition.
 */
public final class RequestKeys {

  private RequestKeys() {}

  /** item_id, else request_id, else null; when the value is not JSON the validator says so. */
  public static byte[] keyOf(byte[] value) {
    try {
      JsonNode root = Json.mapper().readTree(value);
      if (root == null || !root.isObject()) {
        return null;
      }
      for (String field : new String[] {"item_id", "request_id"}) {
        JsonNode node = root.get(field);
        if (node != null && node.isTextual() && !node.asText().isEmpty()) {
          return node.asText().getBytes(StandardCharsets.UTF_8);
        }
      }
      return null;
    } catch (IOException e) {
      return null;
    }
  }
}
