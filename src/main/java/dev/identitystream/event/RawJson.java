package dev.identitystream.event;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A JSON value carried as its text and written as is: for an object the job passes through
 * without looking inside (an account, as Plaid sent it). Writing it costs a copy, not a tree walk.
 *
 * @param json well-formed JSON text; the producer of the value vouches for it
 */
@JsonSerialize(using = RawJson.Writer.class)
@JsonDeserialize(using = RawJson.Reader.class)
public record RawJson(String json) {

  public RawJson {
    Objects.requireNonNull(json, "json");
  }

  /** The value as a tree (tests, tools). */
  public JsonNode toNode() throws IOException {
    return Json.readOutput(json.getBytes(StandardCharsets.UTF_8));
  }

  static final class Writer extends StdSerializer<RawJson> {
    private static final long serialVersionUID = 1L;

    Writer() {
      super(RawJson.class);
    }

    @Override
    public void serialize(RawJson value, JsonGenerator gen, SerializerProvider provider) throws IOException {
      gen.writeRawValue(value.json());
    }
  }

  static final class Reader extends StdDeserializer<RawJson> {
    private static final long serialVersionUID = 1L;

    Reader() {
      super(RawJson.class);
    }

    @Override
    public RawJson deserialize(JsonParser parser, DeserializationContext context) throws IOException {
      // Reading back an output (tools, tests): the value goes through a tree, so numbers and escapes
      // come back equal in value, not necessarily in bytes.
      JsonNode node = context.readTree(parser);
      return new RawJson(Json.mapper().writeValueAsString(node));
    }
  }
}
