package dev.identitystream.plaid;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A 200 body of {@code /identity/documents/uploads/get}, read tolerantly: the account and Item
 * objects are kept exactly as received (unknown fields and enum values included), and only the
 * fields this job routes on are checked.
 *
 * <p>Accounts are the bulk of a body and pass through untouched, so they are kept as their JSON
 * text ({@link RawAccount}), never as a tree: {@link #parse} reads a body in one streaming pass,
 * checks each account's {@code account_id} and copies the account's bytes with the whitespace
 * between tokens removed. The Item is small and read as a tree.
 *
 * @param accounts the {@code accounts} array, each an object with a textual {@code account_id}
 * @param item the {@code item} object, with a textual {@code item_id}
 * @param requestId Plaid's {@code request_id}
 */
public record IdentityDocumentsResponse(List<RawAccount> accounts, ObjectNode item, String requestId) {

  /** Reads one value in the middle of a body (the mapper's trailing-token check is for whole bodies). */
  private static final ObjectReader VALUE_READER =
      PlaidJson.mapper().reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  public IdentityDocumentsResponse {
    accounts = List.copyOf(accounts);
    Objects.requireNonNull(item, "item");
    Objects.requireNonNull(requestId, "requestId");
  }

  /**
   * One account of a body.
   *
   * @param accountId its {@code account_id}
   * @param json the account object as compact JSON text (the bytes as received, minus the
   *     whitespace between tokens)
   */
  public record RawAccount(String accountId, String json) {

    public RawAccount {
      Objects.requireNonNull(accountId, "accountId");
      Objects.requireNonNull(json, "json");
    }

    /** The account as a tree (for tests and the cassette; the job never needs it). */
    public ObjectNode toNode() {
      try {
        return (ObjectNode) PlaidJson.treeReader().readTree(json);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("a raw account is not JSON", e); // parse() checked it
      }
    }
  }

  /**
   * Reads a 200 body in one streaming pass.
   *
   * @throws MalformedResponseException naming the first missing or mistyped field
   * @throws IOException if the body is not one well-formed JSON value
   */
  public static IdentityDocumentsResponse parse(byte[] body, int offset, int length) throws IOException {
    try (JsonParser parser = PlaidJson.mapper().getFactory().createParser(body, offset, length)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new MalformedResponseException("response body is not a JSON object");
      }
      List<RawAccount> accounts = null;
      JsonNode item = null;
      JsonNode requestId = null;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        switch (name) {
          case "accounts" -> accounts = value == JsonToken.START_ARRAY ? readAccounts(parser, body, offset) : skip(parser);
          case "item" -> item = VALUE_READER.readTree(parser);
          case "request_id" -> requestId = VALUE_READER.readTree(parser);
          default -> parser.skipChildren();
        }
      }
      if (parser.nextToken() != null) {
        throw new JsonParseException(parser, "trailing content after the response object");
      }
      if (accounts == null) {
        throw new MalformedResponseException("response has no 'accounts' array");
      }
      return checked(accounts, item, requestId);
    }
  }

  /**
   * Checks a parsed 200 body against the parts of the contract the job relies on (the cassette's
   * way in; the job reads bodies with {@link #parse}).
   *
   * @throws MalformedResponseException naming the first missing or mistyped field
   */
  public static IdentityDocumentsResponse fromJson(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw new MalformedResponseException("response body is not a JSON object");
    }
    JsonNode accountsNode = body.get("accounts");
    if (accountsNode == null || !accountsNode.isArray()) {
      throw new MalformedResponseException("response has no 'accounts' array");
    }
    List<RawAccount> accounts = new ArrayList<>(accountsNode.size());
    for (int i = 0; i < accountsNode.size(); i++) {
      JsonNode account = accountsNode.get(i);
      if (!account.isObject() || !textual(account.get("account_id"))) {
        throw new MalformedResponseException("accounts[" + i + "] has no textual 'account_id'");
      }
      accounts.add(new RawAccount(account.get("account_id").asText(), write(account)));
    }
    return checked(accounts, body.get("item"), body.get("request_id"));
  }

  /**
   * The body this response was read from, as far as the job keeps it: {@code accounts}, {@code
   * item} and {@code request_id} (a fresh copy; {@link #fromJson} reads it back to an equal
   * response).
   */
  public ObjectNode toJson() {
    ObjectNode body = PlaidJson.mapper().createObjectNode();
    ArrayNode array = body.putArray("accounts");
    accounts.forEach(account -> array.add(account.toNode()));
    body.set("item", item.deepCopy());
    body.put("request_id", requestId);
    return body;
  }

  public String itemId() {
    return item.get("item_id").asText();
  }

  /** {@code item.institution_id}, or null. */
  public String institutionId() {
    JsonNode value = item.get("institution_id");
    return value != null && value.isTextual() ? value.asText() : null;
  }

  /** {@code item.institution_name}, or null. */
  public String institutionName() {
    JsonNode value = item.get("institution_name");
    return value != null && value.isTextual() ? value.asText() : null;
  }

  /** {@code item.error} when it is a Plaid error object (Plaid says it is null in a 200). */
  public Optional<PlaidError> itemError() {
    return PlaidError.fromJson(item.get("error"));
  }

  private static IdentityDocumentsResponse checked(List<RawAccount> accounts, JsonNode item, JsonNode requestId) {
    if (item == null || !item.isObject() || !textual(item.get("item_id"))) {
      throw new MalformedResponseException("response has no 'item' object with a textual 'item_id'");
    }
    if (!textual(requestId)) {
      throw new MalformedResponseException("response has no textual 'request_id'");
    }
    return new IdentityDocumentsResponse(accounts, (ObjectNode) item, requestId.asText());
  }

  /** Reads the array the parser is at: each element an object with a textual account_id. */
  private static List<RawAccount> readAccounts(JsonParser parser, byte[] body, int offset) throws IOException {
    List<RawAccount> accounts = new ArrayList<>();
    JsonToken token;
    while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
      String bad = "accounts[" + accounts.size() + "] has no textual 'account_id'";
      if (token != JsonToken.START_OBJECT) {
        throw new MalformedResponseException(bad);
      }
      int start = offset + (int) parser.currentTokenLocation().getByteOffset();
      String accountId = null;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        boolean isId = "account_id".equals(parser.currentName());
        JsonToken value = parser.nextToken();
        if (isId) {
          accountId = value == JsonToken.VALUE_STRING ? parser.getText() : null; // the last one wins, as in a tree
        }
        parser.skipChildren();
      }
      if (accountId == null) {
        throw new MalformedResponseException(bad);
      }
      int end = offset + (int) parser.currentLocation().getByteOffset();
      accounts.add(new RawAccount(accountId, compact(body, start, end)));
    }
    return accounts;
  }

  private static List<RawAccount> skip(JsonParser parser) throws IOException {
    parser.skipChildren();
    return null;
  }

  /**
   * The JSON text in {@code body[start, end)} without the whitespace between tokens. The parser
   * has already checked it is well-formed, so only strings (and their escapes) need tracking.
   */
  static String compact(byte[] body, int start, int end) {
    byte[] out = new byte[end - start];
    int n = 0;
    boolean inString = false;
    boolean escaped = false;
    for (int i = start; i < end; i++) {
      byte b = body[i];
      if (inString) {
        if (escaped) {
          escaped = false;
        } else if (b == '\\') {
          escaped = true;
        } else if (b == '"') {
          inString = false;
        }
      } else if (b == '"') {
        inString = true;
      } else if (b == ' ' || b == '\n' || b == '\r' || b == '\t') {
        continue;
      }
      out[n++] = b;
    }
    return new String(out, 0, n, StandardCharsets.UTF_8);
  }

  private static String write(JsonNode node) {
    try {
      return PlaidJson.mapper().writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean textual(JsonNode node) {
    return node != null && node.isTextual();
  }

  /** A 200 body that breaks the response contract; a transient failure for the caller. */
  public static final class MalformedResponseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MalformedResponseException(String message) {
      super(message);
    }
  }
}
