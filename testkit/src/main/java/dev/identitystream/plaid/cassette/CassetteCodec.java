package dev.identitystream.plaid.cassette;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.identitystream.plaid.FailureKind;
import dev.identitystream.plaid.IdentityDocumentsResponse;
import dev.identitystream.plaid.PlaidError;
import dev.identitystream.plaid.PlaidJson;
import dev.identitystream.plaid.PlaidResult;
import dev.identitystream.plaid.UnusableBodyException;
import java.io.IOException;

/**
 * One {@link PlaidResult} as the JSON fields of a cassette entry, and back: {@code kind} ({@code
 * success}, {@code error_answer}, {@code transport_failure}, {@code exhausted}), {@code
 * http_status}, {@code attempts} and {@code body}:
 *
 * <ul>
 *   <li>success: the response body ({@code accounts}, {@code item}, {@code request_id}), each
 *       account and the Item <em>exactly as Plaid sent them</em> (whitespace between tokens
 *       removed), never through a tree;
 *   <li>error_answer: the Plaid error object exactly as received, likewise;
 *   <li>transport_failure: {@code {"kind": <FailureKind>, "detail": <text>}};
 *   <li>exhausted: the last attempt's result, nested with the same four fields; its {@code
 *       http_status} is repeated at the top.
 * </ul>
 *
 * <p>Reading takes the bytes of a body from the entry's line and parses them as the live client
 * parses a response, so a replay hands the topology the same accounts, Item and errors, byte for
 * byte, as the recorded run had.
 *
 * <p>Threading: stateless.
 */
final class CassetteCodec {

  static final String SUCCESS = "success";
  static final String ERROR_ANSWER = "error_answer";
  static final String TRANSPORT_FAILURE = "transport_failure";
  static final String EXHAUSTED = "exhausted";

  private CassetteCodec() {}

  /** The fields of one entry object, with its body as a range of the line's bytes. */
  record Entry(
      String fingerprint,
      Long seq,
      String kind,
      Integer httpStatus,
      Integer attempts,
      int bodyStart,
      int bodyEnd) {}

  /** Adds the result's four fields to {@code entry}. */
  static ObjectNode write(PlaidResult result, ObjectNode entry) {
    if (result instanceof PlaidResult.Success success) {
      fields(entry, SUCCESS, success.httpStatus(), success.attempts())
          .putRawValue("body", new RawValue(success.response().rawBody()));
    } else if (result instanceof PlaidResult.ErrorAnswer answer) {
      fields(entry, ERROR_ANSWER, answer.httpStatus(), answer.attempts())
          .putRawValue("body", new RawValue(answer.error().json()));
    } else if (result instanceof PlaidResult.TransportFailure failure) {
      ObjectNode body =
          fields(entry, TRANSPORT_FAILURE, failure.httpStatus(), failure.attempts())
              .putObject("body");
      body.put("kind", failure.kind().name());
      body.put("detail", failure.detail());
    } else {
      PlaidResult.Exhausted exhausted = (PlaidResult.Exhausted) result;
      fields(entry, EXHAUSTED, httpStatus(exhausted.last()), exhausted.attempts())
          .set("body", write(exhausted.last(), JsonNodeFactory.instance.objectNode()));
    }
    return entry;
  }

  /**
   * Reads the entry object at {@code line[start, end)}: its top-level fields, the body as a range.
   *
   * @throws IOException when it is not one JSON object
   * @throws IllegalArgumentException naming a field of the wrong type
   */
  static Entry entry(byte[] line, int start, int end) throws IOException {
    try (JsonParser parser =
        PlaidJson.mapper().getFactory().createParser(line, start, end - start)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("not a JSON object");
      }
      String fingerprint = null;
      String kind = null;
      Long seq = null;
      Integer status = null;
      Integer attempts = null;
      int bodyStart = -1;
      int bodyEnd = -1;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        switch (name) {
          case "fingerprint" ->
              fingerprint = value == JsonToken.VALUE_STRING ? parser.getText() : null;
          case "kind" -> kind = value == JsonToken.VALUE_STRING ? parser.getText() : null;
          case "seq" -> seq = longValue(parser, value);
          case "http_status" -> status = integer(parser, value);
          case "attempts" -> attempts = integer(parser, value);
          case "body" -> {
            bodyStart = start + (int) parser.currentTokenLocation().getByteOffset();
            parser.skipChildren();
            bodyEnd = start + (int) parser.currentLocation().getByteOffset();
            if (value != JsonToken.START_OBJECT) {
              bodyStart = -1;
            }
          }
          default -> parser.skipChildren();
        }
      }
      if (parser.nextToken() != null) {
        throw new IllegalArgumentException("content after the entry object");
      }
      return new Entry(fingerprint, seq, kind, status, attempts, bodyStart, bodyEnd);
    }
  }

  /**
   * Reads the result of an entry whose fields {@link #entry} read from {@code line}.
   *
   * @throws IllegalArgumentException naming the first field that is missing or wrong
   */
  static PlaidResult read(byte[] line, Entry entry) throws IOException {
    String kind = required(entry.kind(), "kind", "a string");
    int status = required(entry.httpStatus(), "http_status", "an integer");
    int attempts = required(entry.attempts(), "attempts", "an integer");
    if (entry.bodyStart() < 0) {
      throw new IllegalArgumentException("'body' is not an object");
    }
    int start = entry.bodyStart();
    int length = entry.bodyEnd() - start;
    switch (kind) {
      case SUCCESS -> {
        try {
          return new PlaidResult.Success(
              status, IdentityDocumentsResponse.parse(line, start, length), attempts);
        } catch (IdentityDocumentsResponse.MalformedResponseException | UnusableBodyException e) {
          throw new IllegalArgumentException(
              "the success body breaks the response contract: " + e.getMessage());
        }
      }
      case ERROR_ANSWER -> {
        PlaidError error;
        try {
          error = PlaidError.fromAnswer(line, start, length).orElse(null);
        } catch (UnusableBodyException e) {
          error = null;
        }
        if (error == null) {
          throw new IllegalArgumentException(
              "the error body has no string error_type or error_code");
        }
        return new PlaidResult.ErrorAnswer(status, error, attempts);
      }
      case TRANSPORT_FAILURE -> {
        JsonNode body = PlaidJson.treeReader().readTree(line, start, length);
        FailureKind failure;
        try {
          failure = FailureKind.valueOf(text(body, "kind"));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "unknown transport failure kind '" + body.get("kind").asText() + "'");
        }
        return new PlaidResult.TransportFailure(failure, status, text(body, "detail"), attempts);
      }
      case EXHAUSTED -> {
        Entry last = entry(line, start, entry.bodyEnd());
        if (EXHAUSTED.equals(last.kind())) {
          throw new IllegalArgumentException("an exhausted result nests another exhausted one");
        }
        return new PlaidResult.Exhausted(read(line, last), attempts);
      }
      default -> throw new IllegalArgumentException("unknown result kind '" + kind + "'");
    }
  }

  private static ObjectNode fields(ObjectNode entry, String kind, int httpStatus, int attempts) {
    entry.put("kind", kind);
    entry.put("http_status", httpStatus);
    entry.put("attempts", attempts);
    return entry;
  }

  private static int httpStatus(PlaidResult result) {
    if (result instanceof PlaidResult.Success success) {
      return success.httpStatus();
    }
    if (result instanceof PlaidResult.ErrorAnswer answer) {
      return answer.httpStatus();
    }
    return result instanceof PlaidResult.TransportFailure failure ? failure.httpStatus() : 0;
  }

  private static Long longValue(JsonParser parser, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_NUMBER_INT
        && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
      return parser.getLongValue();
    }
    parser.skipChildren();
    return null;
  }

  private static Integer integer(JsonParser parser, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_NUMBER_INT
        && parser.getNumberType() == JsonParser.NumberType.INT) {
      return parser.getIntValue();
    }
    parser.skipChildren();
    return null;
  }

  private static <T> T required(T value, String field, String what) {
    if (value == null) {
      throw new IllegalArgumentException("'" + field + "' is not " + what);
    }
    return value;
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new IllegalArgumentException("'" + field + "' is not a string");
    }
    return value.asText();
  }
}
