package dev.identitystream.emulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Plaid's request checks for {@code /identity/documents/uploads/get}, in the order the emulator
 * applies them: Content-Type, JSON object body, unknown fields, missing fields, field types,
 * credentials. The access token's format is checked afterwards by {@link TokenConvention}.
 *
 * <p>Messages name fields, never their values: the token and secret never appear in an answer.
 *
 * <p>Threading: immutable; safe for concurrent use.
 */
final class RequestChecks {

  private static final Set<String> TOP_LEVEL =
      Set.of("client_id", "secret", "access_token", "options");
  private static final Set<String> OPTIONS = Set.of("account_ids");

  /** The outcome of the checks: a request to serve or a Plaid error to answer. */
  sealed interface Outcome {}

  /** A well-formed, authenticated request. */
  record Accepted(String accessToken, String clientId, List<String> accountIds) implements Outcome {
    Accepted {
      accountIds = List.copyOf(accountIds);
    }

    @Override
    public String toString() {
      return "Accepted[accountIds=" + accountIds + "]";
    }
  }

  /** The request breaks a rule; answer {@code code} with {@code message}. */
  record Rejected(String code, String message) implements Outcome {}

  private final ObjectMapper mapper;
  private final byte[] expectedClientId;
  private final byte[] expectedSecret;

  /** Null expected credentials accept any non-empty value. */
  RequestChecks(ObjectMapper mapper, String expectedClientId, String expectedSecret) {
    this.mapper = mapper;
    this.expectedClientId = utf8(expectedClientId);
    this.expectedSecret = utf8(expectedSecret);
  }

  /**
   * Checks one request whose path and method are already right.
   *
   * @param contentType the Content-Type header, or null
   * @param headerClientId the PLAID-CLIENT-ID header, or null
   * @param headerSecret the PLAID-SECRET header, or null
   * @param body the body (the caller caps its size)
   */
  Outcome check(String contentType, String headerClientId, String headerSecret, byte[] body) {
    if (contentType == null || contentType.isBlank()) {
      return new Rejected(
          "INVALID_HEADERS", "the Content-Type header is missing; send application/json");
    }
    String mediaType = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (!"application/json".equals(mediaType)) {
      return new Rejected("INVALID_BODY", "the request content-type must be application/json");
    }
    JsonNode root;
    try {
      root = mapper.readTree(body);
    } catch (JsonProcessingException e) {
      return new Rejected("INVALID_BODY", "body could not be parsed as JSON");
    } catch (IOException e) {
      return new Rejected("INVALID_BODY", "body could not be read");
    }
    if (root == null || !root.isObject()) {
      return new Rejected("INVALID_BODY", "body must be a JSON object");
    }
    return checkFields(root, headerClientId, headerSecret);
  }

  private Outcome checkFields(JsonNode root, String headerClientId, String headerSecret) {
    List<String> unknown = unknownFields(root, TOP_LEVEL, "");
    JsonNode options = root.get("options");
    if (options != null && options.isObject()) {
      unknown.addAll(unknownFields(options, OPTIONS, "options."));
    }
    if (!unknown.isEmpty()) {
      return new Rejected(
          "UNKNOWN_FIELDS",
          "the following fields are not recognized by this endpoint: "
              + String.join(", ", unknown));
    }
    Rejected badType = checkTypes(root);
    if (badType != null) {
      return badType;
    }
    String clientId = headerClientId != null ? headerClientId : textOrNull(root, "client_id");
    String secret = headerSecret != null ? headerSecret : textOrNull(root, "secret");
    List<String> missing = new ArrayList<>();
    if (isBlank(clientId)) {
      missing.add("client_id");
    }
    if (isBlank(secret)) {
      missing.add("secret");
    }
    JsonNode token = root.get("access_token");
    if (token == null || token.isNull()) {
      missing.add("access_token");
    }
    if (!missing.isEmpty()) {
      return new Rejected(
          "MISSING_FIELDS",
          "the following required fields are missing: " + String.join(", ", missing));
    }
    if (!matches(expectedClientId, clientId) || !matches(expectedSecret, secret)) {
      return new Rejected("INVALID_API_KEYS", "invalid client_id or secret provided");
    }
    return new Accepted(token.asText(), clientId, accountIds(options));
  }

  private static Rejected checkTypes(JsonNode root) {
    for (String field : List.of("client_id", "secret", "access_token")) {
      JsonNode value = root.get(field);
      if (value != null && !value.isTextual()) {
        return new Rejected("INVALID_FIELD", field + " must be a string");
      }
    }
    JsonNode options = root.get("options");
    if (options == null || options.isNull()) {
      return null;
    }
    if (!options.isObject()) {
      return new Rejected("INVALID_FIELD", "options must be an object");
    }
    JsonNode ids = options.get("account_ids");
    if (ids == null || ids.isNull()) {
      return null;
    }
    if (!ids.isArray()) {
      return new Rejected("INVALID_FIELD", "options.account_ids must be an array of strings");
    }
    for (JsonNode id : ids) {
      if (!id.isTextual() || id.asText().isEmpty()) {
        return new Rejected("INVALID_FIELD", "options.account_ids must contain non-empty strings");
      }
    }
    return null;
  }

  private static List<String> accountIds(JsonNode options) {
    List<String> ids = new ArrayList<>();
    if (options != null && options.isObject() && options.get("account_ids") != null) {
      options.get("account_ids").forEach(id -> ids.add(id.asText()));
    }
    return ids;
  }

  private static List<String> unknownFields(JsonNode object, Set<String> known, String prefix) {
    List<String> unknown = new ArrayList<>();
    for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!known.contains(name)) {
        unknown.add(prefix + name);
      }
    }
    return unknown;
  }

  /** Constant-time comparison; a null expectation accepts anything. */
  private static boolean matches(byte[] expected, String actual) {
    return expected == null || MessageDigest.isEqual(expected, utf8(actual));
  }

  private static String textOrNull(JsonNode root, String field) {
    JsonNode value = root.get(field);
    return value != null && value.isTextual() ? value.asText() : null;
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }

  private static byte[] utf8(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }
}
