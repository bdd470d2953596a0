package dev.identitystream.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.oas.OpenApi30;
import java.util.Locale;
import java.util.Set;

/**
 * The schemas of the vendored OpenAPI extract ({@code emulator/src/test/resources/plaid/}),
 * validated with the OpenAPI 3.0 dialect (so {@code nullable} counts) and format assertions on.
 */
final class PlaidSchemas {

  private static final String SPEC = "classpath:plaid/identity-documents-uploads-get.openapi.yml";
  private static final JsonSchemaFactory FACTORY =
      JsonSchemaFactory.getInstance(
          SpecVersion.VersionFlag.V4,
          builder ->
              builder
                  .metaSchema(OpenApi30.getInstance())
                  .defaultMetaSchemaIri(OpenApi30.getInstance().getIri()));
  private static final SchemaValidatorsConfig CONFIG =
      SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).locale(Locale.ROOT).build();

  static final JsonSchema RESPONSE = load("IdentityDocumentsUploadsGetResponse");
  static final JsonSchema ERROR = load("PlaidError");
  static final JsonSchema REQUEST = load("IdentityDocumentsUploadsGetRequest");

  private PlaidSchemas() {}

  private static JsonSchema load(String name) {
    JsonSchema schema =
        FACTORY.getSchema(SchemaLocation.of(SPEC + "#/components/schemas/" + name), CONFIG);
    schema.initializeValidators(); // resolve every $ref now: a broken extract fails here
    return schema;
  }

  static Set<ValidationMessage> validate(JsonSchema schema, JsonNode node) {
    return schema.validate(node);
  }
}
