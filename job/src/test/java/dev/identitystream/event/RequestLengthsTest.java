package dev.identitystream.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The validator and the request schema count lengths alike (in code points, as JSON Schema does),
 * so a request is accepted exactly when its schema accepts it, astral characters included.
 */
class RequestLengthsTest {

  private static final String TOKEN = "access-sandbox-lengths-1";
  private static final String ASTRAL = "\uD83D\uDE00"; // one code point, two UTF-16 units
  private final RequestValidator validator = new RequestValidator(1024 * 1024);

  @ParameterizedTest(name = "{0} of {1} x {2}")
  @CsvSource({
    "request_id, 256, astral",
    "request_id, 257, astral",
    "request_id, 256, ascii",
    "request_id, 257, ascii",
    "item_id, 256, astral",
    "item_id, 257, astral",
    "item_id, 129, astral",
    "account_ids, 256, astral",
    "account_ids, 257, astral",
  })
  void shouldAgreeWithTheSchemaOnLengths(String field, int count, String kind) throws Exception {
    // given
    String value = (kind.equals("astral") ? ASTRAL : "a").repeat(count);
    ObjectNode request = Json.mapper().createObjectNode().put("access_token", TOKEN);
    if (field.equals("account_ids")) {
      request.putArray("account_ids").add(value);
    } else {
      request.put(field, value);
    }
    byte[] bytes = Json.mapper().writeValueAsBytes(request);

    // when
    boolean valid = validator.validate(null, bytes) instanceof RequestValidator.Valid;
    JsonNode node = Json.mapper().readTree(bytes);

    // then
    assertThat(valid).isEqualTo(count <= 256);
    assertThat(Schemas.violations(Schemas.REQUESTS, node).isEmpty()).as("schema").isEqualTo(valid);
    assertThat(new String(bytes, StandardCharsets.UTF_8)).doesNotContain("\\u");
  }
}
