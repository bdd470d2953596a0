package dev.identitystream.plaid.cassette;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.identitystream.plaid.FailureKind;
import dev.identitystream.plaid.IdentityDocumentsResponse;
import dev.identitystream.plaid.PlaidError;
import dev.identitystream.plaid.PlaidResult;

/**
 * One {@link PlaidResult} as the JSON fields of a cassette entry, and back: {@code kind} ({@code
 * success}, {@code error_answer}, {@code transport_failure}, {@code exhausted}), {@code http_status},
 * {@code attempts} and {@code body}:
 *
 * <ul>
 *   <li>success: the response body ({@code accounts}, {@code item}, {@code request_id});
 *   <li>error_answer: the Plaid error object as received;
 *   <li>transport_failure: {@code {"kind": <FailureKind>, "detail": <text>}};
 *   <li>exhausted: the last attempt's result, nested with the same four fields; its {@code
 *       http_status} is repeated at the top.
 * </ul>
 *
 * <p>Threading: stateless.
 */
final class CassetteCodec {

  static final String SUCCESS = "success";
  static final String ERROR_ANSWER = "error_answer";
  static final String TRANSPORT_FAILURE = "transport_failure";
  static final String EXHAUSTED = "exhausted";

  private CassetteCodec() {}

  /** Adds the result's four fields to {@code entry}. */
  static ObjectNode write(PlaidResult result, ObjectNode entry) {
    if (result instanceof PlaidResult.Success success) {
      fields(entry, SUCCESS, success.httpStatus(), success.attempts()).set("body", success.response().toJson());
    } else if (result instanceof PlaidResult.ErrorAnswer answer) {
      fields(entry, ERROR_ANSWER, answer.httpStatus(), answer.attempts()).set("body", answer.error().toJson());
    } else if (result instanceof PlaidResult.TransportFailure failure) {
      ObjectNode body = fields(entry, TRANSPORT_FAILURE, failure.httpStatus(), failure.attempts()).putObject("body");
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
   * Reads what {@link #write} wrote.
   *
   * @throws IllegalArgumentException naming the first field that is missing or wrong
   */
  static PlaidResult read(JsonNode entry) {
    String kind = text(entry, "kind");
    int status = integer(entry, "http_status");
    int attempts = integer(entry, "attempts");
    JsonNode body = entry.get("body");
    if (body == null || !body.isObject()) {
      throw new IllegalArgumentException("'body' is not an object");
    }
    switch (kind) {
      case SUCCESS -> {
        try {
          return new PlaidResult.Success(status, IdentityDocumentsResponse.fromJson(body), attempts);
        } catch (IdentityDocumentsResponse.MalformedResponseException e) {
          throw new IllegalArgumentException("the success body breaks the response contract: " + e.getMessage());
        }
      }
      case ERROR_ANSWER -> {
        PlaidError error = PlaidError.fromJson(body)
            .orElseThrow(() -> new IllegalArgumentException("the error body has no textual error_type and error_code"));
        return new PlaidResult.ErrorAnswer(status, error, attempts);
      }
      case TRANSPORT_FAILURE -> {
        FailureKind failure;
        try {
          failure = FailureKind.valueOf(text(body, "kind"));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("unknown transport failure kind '" + body.get("kind").asText() + "'");
        }
        return new PlaidResult.TransportFailure(failure, status, text(body, "detail"), attempts);
      }
      case EXHAUSTED -> {
        if (EXHAUSTED.equals(body.path("kind").asText())) {
          throw new IllegalArgumentException("an exhausted result nests another exhausted one");
        }
        return new PlaidResult.Exhausted(read(body), attempts);
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

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new IllegalArgumentException("'" + field + "' is not a string");
    }
    return value.asText();
  }

  private static int integer(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.canConvertToInt() || !value.isIntegralNumber()) {
      throw new IllegalArgumentException("'" + field + "' is not an integer");
    }
    return value.intValue();
  }
}
