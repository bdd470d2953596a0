package dev.identitystream.plaid;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * A Plaid error: the body of an error answer, or the {@code item.error} of a 200, kept as the JSON
 * Plaid sent ({@link #json()}, whitespace between tokens removed: {@code causes}, {@code status},
 * {@code required_account_subtypes} and any field Plaid adds later included, numbers and unicode as
 * sent) plus the summary fields read from it. Types and codes are open strings: Plaid adds new ones
 * without a version change.
 *
 * <p>A summary field is the field's string value, or null when it is absent, null or not a string
 * (then {@link #json()} still holds what Plaid sent). An {@code item.error} may be any non-null
 * JSON value (Plaid says it is null in a 200); when it is not an object every summary field is
 * null.
 *
 * @param errorType {@code error_type}, or null
 * @param errorCode {@code error_code}, or null
 * @param json the error exactly as received, compact
 */
public record PlaidError(
    String errorType,
    String errorCode,
    String errorCodeReason,
    String errorMessage,
    String displayMessage,
    String requestId,
    String documentationUrl,
    String suggestedAction,
    String json) {

  public PlaidError {
    Objects.requireNonNull(json, "json");
  }

  /**
   * Reads a non-2xx answer's body: the error when it is a JSON object with a string {@code
   * error_type} or {@code error_code}, empty when it is some other JSON value (a proxy's JSON
   * page).
   *
   * @throws UnusableBodyException when it is Plaid-like JSON the job cannot pass on exactly
   * @throws IOException when it is not JSON
   */
  public static Optional<PlaidError> fromAnswer(byte[] body, int offset, int length)
      throws IOException {
    int start = JsonBytes.checkedStart(body, offset, length);
    PlaidError error = read(body, start, offset + length, true);
    return error.errorType() != null || error.errorCode() != null
        ? Optional.of(error)
        : Optional.empty();
  }

  /**
   * Whether a body that {@link #fromAnswer} refused as unusable still reads as a Plaid error (in
   * another encoding, or with a repeated field): then Plaid did answer, and the answer is what
   * cannot be passed on.
   */
  static boolean looksLikePlaidError(byte[] body, int offset, int length) {
    try (JsonParser parser = PlaidJson.lenientParser(body, offset, length)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return false;
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        if (parser.nextToken() == JsonToken.VALUE_STRING
            && ("error_type".equals(name) || "error_code".equals(name))) {
          return true;
        }
        parser.skipChildren();
      }
      return false;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Reads one JSON value already checked by the caller's parse ({@code item.error}), whatever its
   * shape.
   */
  static PlaidError fromValue(byte[] body, int start, int end) throws IOException {
    return read(body, start, end, false);
  }

  /** Reads a Plaid error object from a tree (tests, tools); empty when it is not one. */
  public static Optional<PlaidError> fromJson(JsonNode node) {
    if (node == null || !node.isObject()) {
      return Optional.empty();
    }
    try {
      byte[] bytes = PlaidJson.mapper().writeValueAsBytes(node);
      return fromAnswer(bytes, 0, bytes.length);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Builds an error body from its two required fields and a message (tests, the emulator). */
  public static PlaidError of(String errorType, String errorCode, String errorMessage) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator generator = PlaidJson.mapper().getFactory().createGenerator(out)) {
      generator.writeStartObject();
      generator.writeStringField("error_type", errorType);
      generator.writeStringField("error_code", errorCode);
      generator.writeStringField("error_message", errorMessage);
      generator.writeNullField("display_message");
      generator.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String json = out.toString(StandardCharsets.UTF_8);
    return new PlaidError(errorType, errorCode, null, errorMessage, null, null, null, null, json);
  }

  /** The error as a tree (tests, tools; the job passes {@link #json()} on as it is). */
  public JsonNode toJson() {
    try {
      return PlaidJson.treeReader().readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "a Plaid error's JSON does not parse", e); // it was parsed to get here
    }
  }

  private static PlaidError read(byte[] body, int start, int end, boolean wholeBody)
      throws IOException {
    try (BodyParser parser = PlaidJson.bodyParser(body, start, end - start)) {
      Fields fields = new Fields();
      if (parser.nextToken() == JsonToken.START_OBJECT) {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String name = parser.currentName();
          JsonToken value = parser.nextToken();
          if (value == JsonToken.VALUE_STRING) {
            fields.put(name, parser.getText());
          } else {
            parser.skipChildren();
          }
        }
      } else {
        parser.skipChildren();
      }
      int valueEnd = parser.position();
      if (wholeBody && parser.nextToken() != null) {
        throw parser.parseError("trailing content after the error body");
      }
      String json =
          new String(
              JsonBytes.compact(body, start, wholeBody ? valueEnd : end), StandardCharsets.UTF_8);
      return new PlaidError(
          fields.type,
          fields.code,
          fields.codeReason,
          fields.message,
          fields.display,
          fields.requestId,
          fields.documentationUrl,
          fields.suggestedAction,
          json);
    } catch (IOException e) {
      throw JsonBytes.classified(e);
    }
  }

  /** The summary fields met so far; for a repeated name the parser has already refused the body. */
  private static final class Fields {
    String type;
    String code;
    String codeReason;
    String message;
    String display;
    String requestId;
    String documentationUrl;
    String suggestedAction;

    void put(String name, String value) {
      switch (name) {
        case "error_type" -> type = value;
        case "error_code" -> code = value;
        case "error_code_reason" -> codeReason = value;
        case "error_message" -> message = value;
        case "display_message" -> display = value;
        case "request_id" -> requestId = value;
        case "documentation_url" -> documentationUrl = value;
        case "suggested_action" -> suggestedAction = value;
        default -> {}
      }
    }
  }

  @Override
  public String toString() {
    return "PlaidError[" + errorType + "/" + errorCode + "]";
  }
}
