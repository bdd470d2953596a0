package dev.identitystream.emulator;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the {@code item} object of a 200, and the extra top-level fields of the unknown-fields
 * token.
 */
final class ItemWriter {

  private ItemWriter() {}

  static void write(JsonGenerator g, ItemProfile p, Mix64 random) throws IOException {
    List<String> products = new ArrayList<>(List.of("auth", "identity"));
    List<String> billed = new ArrayList<>(products);
    if (p.unknownFields()) {
      billed.add("cra_home_lending"); // a Products value newer than the 2020-09-14_1.697.4 spec
    }
    List<String> available = new ArrayList<>();
    for (String product : FakeData.AVAILABLE_PRODUCTS) {
      if (random.chance(0.5)) {
        available.add(product);
      }
    }
    g.writeStartObject();
    g.writeStringField("item_id", p.itemId());
    g.writeStringField("institution_id", p.institution() == null ? null : p.institution().id());
    g.writeStringField("institution_name", p.institution() == null ? null : p.institution().name());
    g.writeStringField("webhook", random.chance(0.9) ? "https://www.example.com/webhook" : null);
    g.writeStringField("auth_method", p.unknownFields() ? "PASSKEY_AUTH" : p.authMethod());
    if (p.itemError()) {
      ObjectNode error = ErrorCatalog.body("ITEM_LOGIN_REQUIRED", null);
      g.writeFieldName("error");
      g.writeTree(error);
    } else {
      g.writeNullField("error");
    }
    writeArray(g, "available_products", available);
    writeArray(g, "billed_products", billed);
    writeArray(g, "products", products);
    writeArray(g, "consented_products", products);
    g.writeStringField(
        "consent_expiration_time",
        p.institution() != null && random.chance(0.1)
            ? p.linkedAt().plusSeconds(365L * 86_400).toString()
            : null);
    g.writeStringField("update_type", random.chance(0.95) ? "background" : "user_present_required");
    if (p.unknownFields()) {
      g.writeObjectFieldStart("emulator_future_item_field");
      g.writeStringField("note", "unknown to the 2020-09-14 spec; clients must keep or ignore it");
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  /** Extra members after {@code item}, each preceded by a comma (spliced into the body). */
  static void writeExtraTopLevel(JsonGenerator g) throws IOException {
    g.writeRaw(",\"emulator_future_top_level\":{\"note\":\"unknown top-level field\"}");
    g.writeRaw(",\"warnings\":[]");
  }

  private static void writeArray(JsonGenerator g, String field, List<String> values)
      throws IOException {
    g.writeArrayFieldStart(field);
    for (String value : values) {
      g.writeString(value);
    }
    g.writeEndArray();
  }
}
