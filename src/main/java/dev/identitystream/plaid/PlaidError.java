package dev.identitystream.plaid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import java.util.Optional;

/**
 * A Plaid error body ({@code PlaidError}). Types and codes are open strings: Plaid adds new ones
 * without a version change. Every field of the body, known or not, stays in {@link #body()}.
 *
 * @param errorType {@code error_type}, required by Plaid
 * @param errorCode {@code error_code}, required by Plaid
 * @param body the whole body as received
 */
public record PlaidError(String errorType, String errorCode, ObjectNode body) {

  public PlaidError {
    Objects.requireNonNull(errorType, "errorType");
    Objects.requireNonNull(errorCode, "errorCode");
    body = body == null ? JsonNodeFactory.instance.objectNode() : body.deepCopy();
  }

  /**
   * Reads a Plaid error body; empty when it is not one (no textual {@code error_type} and {@code
   * error_code}), e.g. an HTML page from a proxy.
   */
  public static Optional<PlaidError> fromJson(JsonNode node) {
    if (node == null || !node.isObject()) {
      return Optional.empty();
    }
    JsonNode type = node.get("error_type");
    JsonNode code = node.get("error_code");
    if (type == null || !type.isTextual() || code == null || !code.isTextual()) {
      return Optional.empty();
    }
    return Optional.of(new PlaidError(type.asText(), code.asText(), (ObjectNode) node));
  }

  /** The whole body (a fresh copy); {@link #fromJson} reads it back to an equal error. */
  public ObjectNode toJson() {
    return body.deepCopy();
  }

  /** Builds an error body from its two required fields and a message (tests, the emulator). */
  public static PlaidError of(String errorType, String errorCode, String errorMessage) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("error_type", errorType);
    body.put("error_code", errorCode);
    body.put("error_message", errorMessage);
    body.putNull("display_message");
    return new PlaidError(errorType, errorCode, body);
  }

  public String errorMessage() {
    return text("error_message");
  }

  public String displayMessage() {
    return text("display_message");
  }

  public String errorCodeReason() {
    return text("error_code_reason");
  }

  public String requestId() {
    return text("request_id");
  }

  public String documentationUrl() {
    return text("documentation_url");
  }

  public String suggestedAction() {
    return text("suggested_action");
  }

  /** The textual value of a field, or null when absent, null or not text. */
  private String text(String field) {
    JsonNode value = body.get(field);
    return value != null && value.isTextual() ? value.asText() : null;
  }

  @Override
  public String toString() {
    return "PlaidError[" + errorType + "/" + errorCode + "]";
  }
}
