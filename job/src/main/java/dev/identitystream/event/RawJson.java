package dev.identitystream.event;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A JSON value carried as its UTF-8 bytes and written as is: for an object the job passes through
 * without looking inside (an account, as Plaid sent it). Writing it to a byte output costs one
 * copy: no tree walk, no decoding to text and encoding back.
 *
 * @param utf8 well-formed JSON, UTF-8; the producer of the value vouches for it; never modified
 */
@JsonSerialize(using = RawJson.Writer.class)
@JsonDeserialize(using = RawJson.Reader.class)
public record RawJson(byte[] utf8) {

  public RawJson {
    Objects.requireNonNull(utf8, "utf8");
  }

  /** A value given as text (tests, tools). */
  public RawJson(String json) {
    this(json.getBytes(StandardCharsets.UTF_8));
  }

  /** The value as JSON text. */
  public String json() {
    return new String(utf8, StandardCharsets.UTF_8);
  }

  /** The value as a tree (tests, tools). */
  public JsonNode toNode() throws IOException {
    return Json.readOutput(utf8);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof RawJson that && Arrays.equals(utf8, that.utf8);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(utf8);
  }

  @Override
  public String toString() {
    return "RawJson[" + utf8.length + " bytes]";
  }

  static final class Writer extends StdSerializer<RawJson> {
    private static final long serialVersionUID = 1L;

    Writer() {
      super(RawJson.class);
    }

    @Override
    public void serialize(RawJson value, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      gen.writeRawValue(new Unquoted(value.utf8));
    }
  }

  /**
   * The bytes as a {@link SerializableString} that a UTF-8 generator copies as they are ({@link
   * #appendUnquotedUTF8}); generators that write characters ask for {@link #getValue()}, which
   * decodes. Only the unquoted forms are meaningful for a raw value; the quoted ones are derived
   * from the text for completeness.
   */
  private static final class Unquoted implements SerializableString {
    private final byte[] utf8;
    private String text;

    Unquoted(byte[] utf8) {
      this.utf8 = utf8;
    }

    @Override
    public String getValue() {
      if (text == null) {
        text = new String(utf8, StandardCharsets.UTF_8);
      }
      return text;
    }

    @Override
    public int charLength() {
      return getValue().length();
    }

    @Override
    public byte[] asUnquotedUTF8() {
      return utf8;
    }

    @Override
    public int appendUnquotedUTF8(byte[] buffer, int offset) {
      if (offset + utf8.length > buffer.length) {
        return -1;
      }
      System.arraycopy(utf8, 0, buffer, offset, utf8.length);
      return utf8.length;
    }

    @Override
    public int appendUnquoted(char[] buffer, int offset) {
      String value = getValue();
      if (offset + value.length() > buffer.length) {
        return -1;
      }
      value.getChars(0, value.length(), buffer, offset);
      return value.length();
    }

    @Override
    public int writeUnquotedUTF8(OutputStream out) throws IOException {
      out.write(utf8);
      return utf8.length;
    }

    @Override
    public int putUnquotedUTF8(ByteBuffer buffer) {
      if (buffer.remaining() < utf8.length) {
        return -1;
      }
      buffer.put(utf8);
      return utf8.length;
    }

    private SerializedString quoted() {
      return new SerializedString(getValue());
    }

    @Override
    public char[] asQuotedChars() {
      return quoted().asQuotedChars();
    }

    @Override
    public byte[] asQuotedUTF8() {
      return quoted().asQuotedUTF8();
    }

    @Override
    public int appendQuotedUTF8(byte[] buffer, int offset) {
      return quoted().appendQuotedUTF8(buffer, offset);
    }

    @Override
    public int appendQuoted(char[] buffer, int offset) {
      return quoted().appendQuoted(buffer, offset);
    }

    @Override
    public int writeQuotedUTF8(OutputStream out) throws IOException {
      return quoted().writeQuotedUTF8(out);
    }

    @Override
    public int putQuotedUTF8(ByteBuffer buffer) {
      return quoted().putQuotedUTF8(buffer);
    }

    @Override
    public String toString() {
      return getValue();
    }
  }

  static final class Reader extends StdDeserializer<RawJson> {
    private static final long serialVersionUID = 1L;

    Reader() {
      super(RawJson.class);
    }

    @Override
    public RawJson deserialize(JsonParser parser, DeserializationContext context)
        throws IOException {
      // Reading back an output (tools, tests): the value goes through a tree, so numbers and
      // escapes
      // come back equal in value, not necessarily in bytes.
      JsonNode node = context.readTree(parser);
      return new RawJson(Json.mapper().writeValueAsBytes(node));
    }
  }
}
