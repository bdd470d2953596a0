package dev.identitystream.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Validates JSON against the project's schema files in {@code job/src/main/resources/schemas}. */
public final class Schemas {

  public static final String REQUESTS = "identity-requests";
  public static final String ACCOUNTS = "identity-accounts";
  public static final String ITEMS = "identity-items";
  public static final String ITEM_ERRORS = "identity-item-errors";

  private static final Map<String, JsonSchema> CACHE = new ConcurrentHashMap<>();

  private Schemas() {}

  /** The violations of a schema ({@code identity-accounts}, ...); empty when valid. */
  public static Set<ValidationMessage> violations(String schema, JsonNode json) {
    return CACHE.computeIfAbsent(schema, Schemas::load).validate(json);
  }

  /** Asserts that the JSON bytes are valid against the schema. */
  public static void assertValid(String schema, byte[] json) {
    JsonNode node;
    try {
      node = Json.readOutput(json); // outputs may carry numbers longer than the input limit
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertThat(violations(schema, node)).as("%s against %s", abbreviated(node), schema).isEmpty();
  }

  private static String abbreviated(JsonNode node) {
    String text = node.toString();
    return text.length() <= 2_000 ? text : text.substring(0, 2_000) + "...";
  }

  private static JsonSchema load(String name) {
    String path = "/schemas/" + name + ".schema.json";
    try (InputStream in = Schemas.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("no schema " + path);
      }
      SchemaValidatorsConfig config =
          SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in, config);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
