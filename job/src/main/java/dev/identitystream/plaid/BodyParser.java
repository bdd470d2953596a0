package dev.identitystream.plaid;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.Closeable;
import java.io.IOException;

/**
 * A streaming parser of one response body (or of one value in it) that refuses a name repeated in
 * one object, anywhere in the text, as Jackson's {@code STRICT_DUPLICATE_DETECTION} does, but with
 * {@link UniqueNames} (no set per object). Every token passes through {@link #nextToken}, {@link
 * #skipChildren} included, so no object escapes the check; hence a class of its own rather than a
 * {@code JsonParserDelegate}, whose other methods would read past it.
 *
 * <p>The errors are Jackson's own. When a name repeats, or the text is not JSON, Jackson's strict
 * parser reads the text again from its start, and its "Duplicate field" error (the same exception,
 * at the same location, as when bodies were read with the strict parser alone) is thrown when it
 * meets one first. That second read also keeps the one case where the two would otherwise differ: a
 * repeated name whose token also holds a syntax error ({@code {"a":1,"a":x}}) is a repeated name
 * for Jackson, which checks a name before it reads on to the value. It costs nothing on bodies that
 * parse.
 *
 * <p>Positions are absolute in the array. Threading: one parser per parse, used by one thread.
 */
final class BodyParser implements Closeable {

  private final byte[] body;
  private final int offset;
  private final int length;
  private final JsonParser parser;
  private final UniqueNames names = new UniqueNames();

  /** A parser of {@code body[offset, offset + length)}, UTF-8 already checked. */
  BodyParser(byte[] body, int offset, int length, JsonParser parser) {
    this.body = body;
    this.offset = offset;
    this.length = length;
    this.parser = parser;
  }

  /** The next token, after checking it is not a name its object already has. */
  JsonToken nextToken() throws IOException {
    JsonToken token;
    try {
      token = parser.nextToken();
    } catch (IOException e) {
      throw jacksonsError(e);
    }
    if (token == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      if (!names.add(name)) {
        throw repeated(name);
      }
    } else if (token == JsonToken.START_OBJECT) {
      names.enterObject();
    } else if (token == JsonToken.END_OBJECT) {
      names.exitObject();
    }
    return token;
  }

  /** Skips the object or array the parser is at, names checked (does nothing at a scalar). */
  void skipChildren() throws IOException {
    JsonToken token = parser.currentToken();
    if (token != JsonToken.START_OBJECT && token != JsonToken.START_ARRAY) {
      return;
    }
    int open = 1;
    while (open > 0) {
      token = nextToken();
      if (token == null) {
        return; // not reached: Jackson throws at the end of input inside a value
      }
      if (token.isStructStart()) {
        open++;
      } else if (token.isStructEnd()) {
        open--;
      }
    }
  }

  JsonToken currentToken() {
    return parser.currentToken();
  }

  String currentName() throws IOException {
    return parser.currentName();
  }

  /** The string the parser is at. */
  String getText() throws IOException {
    return parser.getText();
  }

  /** Where the current token starts. */
  int tokenStart() {
    return offset + (int) parser.currentTokenLocation().getByteOffset();
  }

  /** Where the parser is: just after the current token once it is read whole (an object's end). */
  int position() {
    return offset + (int) parser.currentLocation().getByteOffset();
  }

  /**
   * The end (exclusive) of the value whose first token the parser is at: skips it or finishes it.
   */
  int valueEnd() throws IOException {
    if (parser.currentToken().isStructStart()) {
      skipChildren();
    } else {
      parser.finishToken();
    }
    return position();
  }

  /** An error of this text at the parser's position (as Jackson reports its own). */
  JsonParseException parseError(String message) {
    return new JsonParseException(parser, message);
  }

  /**
   * What stops this read for {@code error}: Jackson's repeated-name error when it comes first, else
   * the error.
   */
  private IOException jacksonsError(IOException error) {
    JsonParseException repeated = strictRepeatedName();
    return repeated != null ? repeated : error;
  }

  /** What stops this read for a repeated name: Jackson's error for it. */
  private JsonParseException repeated(String name) {
    JsonParseException repeated = strictRepeatedName();
    // Null only if UniqueNames and Jackson disagreed; the name is repeated all the same.
    return repeated != null
        ? repeated
        : new JsonParseException(parser, "Duplicate field '" + name + "'");
  }

  /**
   * The error of Jackson's strict parser on the text's first value when it is a repeated name, else
   * null.
   */
  private JsonParseException strictRepeatedName() {
    try (JsonParser strict = PlaidJson.strictParser(body, offset, length)) {
      strict.nextToken();
      strict.skipChildren();
    } catch (JsonParseException e) {
      return JsonBytes.isRepeatedName(e) ? e : null;
    } catch (IOException e) {
      return null; // another error comes first
    }
    return null;
  }

  @Override
  public void close() throws IOException {
    parser.close();
  }
}
