package dev.identitystream.event;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Enforces the {@code identity-requests} input contract ({@code
 * schemas/identity-requests.schema.json}, lengths counted in code points as the schema counts
 * them). Every rejection names a {@link DlqReason} and a precise message that never quotes the
 * access token (nor any value that could hold it).
 *
 * <p>Threading: immutable; safe from any thread.
 */
public final class RequestValidator {

  public static final int MAX_ACCESS_TOKEN_CHARS = 256;
  public static final int MAX_ID_CHARS = 256;
  public static final int MAX_ACCOUNT_IDS = 100;
  public static final int MAX_ATTRIBUTES_BYTES = 4096;

  private static final Pattern TOKEN = Pattern.compile("access-[a-z]+-[A-Za-z0-9_-]+");

  private final int maxRecordBytes;

  /**
   * @param maxRecordBytes the largest key plus value accepted, in bytes
   */
  public RequestValidator(int maxRecordBytes) {
    if (maxRecordBytes <= 0) {
      throw new IllegalArgumentException("maxRecordBytes must be positive");
    }
    this.maxRecordBytes = maxRecordBytes;
  }

  /** The outcome of validating one record. */
  public sealed interface Result {}

  /** A request that may be sent to Plaid. */
  public record Valid(IdentityRequest request) implements Result {}

  /** A record for the DLQ, with the reason. */
  public record Invalid(DlqReason reason, String message) implements Result {}

  /** Validates one input record; never throws for bad input. */
  public Result validate(byte[] key, byte[] value) {
    if (value == null) {
      return invalid(DlqReason.NULL_VALUE, "value is null");
    }
    long size = (long) value.length + (key == null ? 0 : key.length);
    if (size > maxRecordBytes) {
      return invalid(
          DlqReason.RECORD_TOO_LARGE,
          "record is " + size + " bytes; the maximum is " + maxRecordBytes);
    }
    JsonNode root;
    try {
      root = Json.mapper().readTree(value);
    } catch (JsonProcessingException e) {
      return invalid(DlqReason.INVALID_JSON, describe(e));
    } catch (IOException e) {
      return invalid(DlqReason.INVALID_JSON, "value could not be read as JSON");
    }
    if (root == null || root.isMissingNode()) {
      return invalid(DlqReason.INVALID_JSON, "value is empty");
    }
    if (!root.isObject()) {
      return invalid(
          DlqReason.NOT_A_JSON_OBJECT,
          "value is a JSON "
              + root.getNodeType().name().toLowerCase(Locale.ROOT)
              + ", not an object");
    }
    return validateObject(key, (ObjectNode) root);
  }

  private Result validateObject(byte[] key, ObjectNode root) {
    JsonNode token = root.get("access_token");
    if (token == null || token.isNull()) {
      return invalid(DlqReason.MISSING_ACCESS_TOKEN, "access_token is missing");
    }
    if (!token.isTextual()) {
      return wrongType("access_token", "a string", token);
    }
    String accessToken = token.asText();
    if (accessToken.isEmpty()) {
      return invalid(DlqReason.MISSING_ACCESS_TOKEN, "access_token is empty");
    }
    if (chars(accessToken) > MAX_ACCESS_TOKEN_CHARS) {
      return invalid(
          DlqReason.ACCESS_TOKEN_TOO_LONG,
          "access_token has "
              + chars(accessToken)
              + " characters; the maximum is "
              + MAX_ACCESS_TOKEN_CHARS);
    }
    if (!TOKEN.matcher(accessToken).matches()) {
      return invalid(
          DlqReason.INVALID_ACCESS_TOKEN,
          "access_token does not have the form access-<environment>-<identifier>");
    }
    Fields fields = new Fields();
    Invalid problem = readOptional(root, fields);
    if (problem != null) {
      return problem;
    }
    if (leaks(accessToken, key, fields)) {
      return invalid(
          DlqReason.ACCESS_TOKEN_IN_PASSTHROUGH,
          "the access token also appears in the record key, request_id, item_id or attributes,"
              + " which are copied to output topics");
    }
    return new Valid(
        new IdentityRequest(
            accessToken, fields.requestId, fields.itemId, fields.accountIds, fields.attributes));
  }

  /** The optional fields, filled in by {@link #readOptional}. */
  private static final class Fields {
    String requestId;
    String itemId;
    List<String> accountIds = List.of();
    Map<String, String> attributes = Map.of();
  }

  private static Invalid readOptional(ObjectNode root, Fields fields) {
    JsonNode requestId = root.get("request_id");
    Invalid problem = checkId("request_id", requestId);
    if (problem != null) {
      return problem;
    }
    fields.requestId = isAbsent(requestId) ? null : requestId.asText();
    JsonNode itemId = root.get("item_id");
    problem = checkId("item_id", itemId);
    if (problem != null) {
      return problem;
    }
    fields.itemId = isAbsent(itemId) ? null : itemId.asText();
    JsonNode accountIds = root.get("account_ids");
    if (!isAbsent(accountIds)) {
      problem = readAccountIds(accountIds, fields);
      if (problem != null) {
        return problem;
      }
    }
    JsonNode attributes = root.get("attributes");
    if (!isAbsent(attributes)) {
      return readAttributes(attributes, fields);
    }
    return null;
  }

  private static Invalid checkId(String field, JsonNode node) {
    if (isAbsent(node)) {
      return null;
    }
    if (!node.isTextual()) {
      return wrongType(field, "a string", node);
    }
    int length = chars(node.asText());
    if (length == 0 || length > MAX_ID_CHARS) {
      return invalid(
          DlqReason.INVALID_FIELD_VALUE,
          field + " has " + length + " characters; it must have 1 to " + MAX_ID_CHARS);
    }
    return null;
  }

  private static Invalid readAccountIds(JsonNode node, Fields fields) {
    if (!node.isArray()) {
      return wrongType("account_ids", "an array of strings", node);
    }
    if (node.size() > MAX_ACCOUNT_IDS) {
      return invalid(
          DlqReason.TOO_MANY_ACCOUNT_IDS,
          "account_ids has " + node.size() + " entries; the maximum is " + MAX_ACCOUNT_IDS);
    }
    List<String> ids = new ArrayList<>(node.size());
    for (int i = 0; i < node.size(); i++) {
      JsonNode id = node.get(i);
      if (!id.isTextual() || id.asText().isEmpty() || chars(id.asText()) > MAX_ID_CHARS) {
        return invalid(
            DlqReason.INVALID_ACCOUNT_IDS,
            "account_ids["
                + i
                + "] must be a non-empty string of at most "
                + MAX_ID_CHARS
                + " characters (found "
                + typeName(id)
                + ")");
      }
      ids.add(id.asText());
    }
    fields.accountIds = ids;
    return null;
  }

  private static Invalid readAttributes(JsonNode node, Fields fields) {
    if (!node.isObject()) {
      return wrongType("attributes", "an object of strings", node);
    }
    Map<String, String> attributes = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      if (!entry.getValue().isTextual()) {
        return invalid(
            DlqReason.INVALID_ATTRIBUTES,
            "attributes values must be strings (one is " + typeName(entry.getValue()) + ")");
      }
      attributes.put(entry.getKey(), entry.getValue().asText());
    }
    int bytes = node.toString().getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_ATTRIBUTES_BYTES) {
      return invalid(
          DlqReason.ATTRIBUTES_TOO_LARGE,
          "attributes take " + bytes + " bytes as JSON; the maximum is " + MAX_ATTRIBUTES_BYTES);
    }
    fields.attributes = attributes;
    return null;
  }

  private static boolean leaks(String token, byte[] key, Fields fields) {
    if (key != null && new String(key, StandardCharsets.UTF_8).contains(token)) {
      return true;
    }
    if (contains(fields.requestId, token) || contains(fields.itemId, token)) {
      return true;
    }
    for (Map.Entry<String, String> entry : fields.attributes.entrySet()) {
      if (entry.getKey().contains(token) || entry.getValue().contains(token)) {
        return true;
      }
    }
    return false;
  }

  /**
   * A string's length as JSON Schema counts it ({@code minLength}/{@code maxLength}): in Unicode
   * code points, so a character outside the BMP is one, not two UTF-16 units.
   */
  private static int chars(String text) {
    return text.codePointCount(0, text.length());
  }

  private static boolean contains(String text, String token) {
    return text != null && text.contains(token);
  }

  private static boolean isAbsent(JsonNode node) {
    return node == null || node.isNull();
  }

  private static Invalid wrongType(String field, String expected, JsonNode found) {
    return invalid(
        DlqReason.INVALID_FIELD_TYPE,
        field + " must be " + expected + " (found " + typeName(found) + ")");
  }

  private static String typeName(JsonNode node) {
    return node.getNodeType().name().toLowerCase(Locale.ROOT);
  }

  /** Describes a parse error by position only: Jackson's own message may quote the input. */
  private static String describe(JsonProcessingException e) {
    JsonLocation location = e.getLocation();
    String where =
        location == null
            ? ""
            : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
    String what;
    if (original.startsWith("Duplicate field")) {
      what = "has a duplicate field";
    } else if (original.contains("Invalid UTF-8")) {
      what = "is not valid UTF-8";
    } else if (original.contains("Trailing token")) {
      what = "has content after the JSON value";
    } else if (original.contains("end-of-input")) {
      what = "ends before the JSON value is complete";
    } else {
      what = "is not valid JSON";
    }
    return "value " + what + where;
  }

  private static Invalid invalid(DlqReason reason, String message) {
    return new Invalid(reason, message);
  }
}
