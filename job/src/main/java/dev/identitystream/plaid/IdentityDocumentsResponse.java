package dev.identitystream.plaid;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A 200 body of {@code /identity/documents/uploads/get}, read tolerantly and never as a tree: each
 * account and the Item are kept as the JSON text Plaid sent (whitespace between tokens removed;
 * numbers, escapes, unicode, unknown fields and enum values as sent), and only the fields this job
 * routes on are read from them. {@link #parse} reads a body in one streaming pass.
 *
 * <p>The body must be UTF-8 without duplicate field names and nested at most {@link
 * PlaidJson#MAX_NESTING_DEPTH} levels ({@link UnusableBodyException} otherwise), one JSON object
 * ({@link IOException} otherwise), with an {@code accounts} array of objects with a string {@code
 * account_id}, an {@code item} object with a non-empty string {@code item_id}, and a string {@code
 * request_id} ({@link MalformedResponseException} otherwise). Numbers have no length limit: none is
 * ever converted.
 *
 * @param accounts the {@code accounts} array
 * @param item the {@code item} object
 * @param requestId Plaid's {@code request_id}
 */
public record IdentityDocumentsResponse(List<RawAccount> accounts, RawItem item, String requestId) {

  public IdentityDocumentsResponse {
    accounts = List.copyOf(accounts);
    Objects.requireNonNull(item, "item");
    Objects.requireNonNull(requestId, "requestId");
  }

  /**
   * One account of a body.
   *
   * @param accountId its {@code account_id}
   * @param utf8 the account object as compact JSON, UTF-8 (the bytes as received, minus the
   *     whitespace between tokens); never modified
   */
  public record RawAccount(String accountId, byte[] utf8) {

    public RawAccount {
      Objects.requireNonNull(accountId, "accountId");
      Objects.requireNonNull(utf8, "utf8");
    }

    /** The account as JSON text (tests, tools; the job writes {@link #utf8} as it is). */
    public String json() {
      return new String(utf8, StandardCharsets.UTF_8);
    }

    /** The account as a tree (for tests; the job never needs it). */
    public ObjectNode toNode() {
      return (ObjectNode) tree(json());
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof RawAccount that
          && accountId.equals(that.accountId)
          && Arrays.equals(utf8, that.utf8);
    }

    @Override
    public int hashCode() {
      return 31 * accountId.hashCode() + Arrays.hashCode(utf8);
    }

    @Override
    public String toString() {
      return "RawAccount[accountId=" + accountId + ", " + utf8.length + " bytes]";
    }
  }

  /**
   * The Item of a body.
   *
   * @param utf8 the Item object as compact JSON, UTF-8, like an account's; never modified
   * @param itemId {@code item_id}, a non-empty string
   * @param institutionId {@code institution_id} when it is a string, else null
   * @param institutionName {@code institution_name} when it is a string, else null
   * @param error {@code item.error} when present and not null (of any shape), else null
   */
  public record RawItem(
      byte[] utf8, String itemId, String institutionId, String institutionName, PlaidError error) {

    public RawItem {
      Objects.requireNonNull(utf8, "utf8");
      Objects.requireNonNull(itemId, "itemId");
    }

    /** The Item as JSON text (tests, tools). */
    public String json() {
      return new String(utf8, StandardCharsets.UTF_8);
    }

    /** The Item as a tree (for tests; the job never needs it). */
    public ObjectNode toNode() {
      return (ObjectNode) tree(json());
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof RawItem that
          && Arrays.equals(utf8, that.utf8)
          && itemId.equals(that.itemId)
          && Objects.equals(institutionId, that.institutionId)
          && Objects.equals(institutionName, that.institutionName)
          && Objects.equals(error, that.error);
    }

    @Override
    public int hashCode() {
      return Objects.hash(Arrays.hashCode(utf8), itemId, institutionId, institutionName, error);
    }

    @Override
    public String toString() {
      return "RawItem[itemId="
          + itemId
          + ", "
          + utf8.length
          + " bytes, error="
          + (error != null)
          + "]";
    }
  }

  /**
   * Reads a 200 body in one streaming pass.
   *
   * @throws UnusableBodyException when it is not UTF-8, repeats a name or is nested too deep
   * @throws MalformedResponseException naming the first missing or mistyped field
   * @throws IOException if the body is not one well-formed JSON value
   */
  public static IdentityDocumentsResponse parse(byte[] body, int offset, int length)
      throws IOException {
    int start = JsonBytes.checkedStart(body, offset, length);
    try (BodyParser parser = PlaidJson.bodyParser(body, start, offset + length - start)) {
      JsonToken first = parser.nextToken();
      if (first != JsonToken.START_OBJECT) {
        throw new MalformedResponseException(
            first == null ? "response body is empty" : "response body is not a JSON object");
      }
      List<RawAccount> accounts = null;
      RawItem item = null;
      String requestId = null;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        switch (name) {
          case "accounts" ->
              accounts = value == JsonToken.START_ARRAY ? readAccounts(parser, body) : skip(parser);
          case "item" ->
              item = value == JsonToken.START_OBJECT ? readItem(parser, body) : skip(parser);
          case "request_id" -> requestId = textOrSkip(parser, value);
          default -> parser.skipChildren();
        }
      }
      if (parser.nextToken() != null) {
        throw parser.parseError("trailing content after the response object");
      }
      if (accounts == null) {
        throw new MalformedResponseException("response has no 'accounts' array");
      }
      if (item == null) {
        throw new MalformedResponseException(
            "response has no 'item' object with a non-empty string 'item_id'");
      }
      if (requestId == null) {
        throw new MalformedResponseException("response has no string 'request_id'");
      }
      return new IdentityDocumentsResponse(accounts, item, requestId);
    } catch (IOException e) {
      throw JsonBytes.classified(e);
    }
  }

  /** Reads a body given as text (tests, tools): the same rules as {@link #parse}. */
  public static IdentityDocumentsResponse parse(String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return parse(bytes, 0, bytes.length);
  }

  /**
   * Reads a body given as a tree (tests, tools): serialized compactly, then {@link #parse}d.
   *
   * @throws MalformedResponseException naming the first missing or mistyped field
   */
  public static IdentityDocumentsResponse fromJson(JsonNode body) {
    try {
      return parse(PlaidJson.mapper().writeValueAsString(body));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The body as far as the job keeps it, as compact JSON text: {@code accounts} and {@code item}
   * exactly as received, and {@code request_id}. {@link #parse} reads it back to an equal response
   * (this is what a cassette stores).
   */
  public String rawBody() {
    ByteArrayOutputStream out =
        new ByteArrayOutputStream(64 + item.utf8().length + 1024 * accounts.size());
    out.writeBytes("{\"accounts\":[".getBytes(StandardCharsets.UTF_8));
    for (int i = 0; i < accounts.size(); i++) {
      if (i > 0) {
        out.write(',');
      }
      out.writeBytes(accounts.get(i).utf8());
    }
    out.writeBytes("],\"item\":".getBytes(StandardCharsets.UTF_8));
    out.writeBytes(item.utf8());
    out.writeBytes(",\"request_id\":".getBytes(StandardCharsets.UTF_8));
    try {
      out.writeBytes(PlaidJson.mapper().writeValueAsBytes(requestId));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e); // a string always serializes
    }
    out.write('}');
    return out.toString(StandardCharsets.UTF_8);
  }

  /** {@link #rawBody()} as a tree (tests). */
  public ObjectNode toJson() {
    return (ObjectNode) tree(rawBody());
  }

  public String itemId() {
    return item.itemId();
  }

  /** {@code item.institution_id}, or null. */
  public String institutionId() {
    return item.institutionId();
  }

  /** {@code item.institution_name}, or null. */
  public String institutionName() {
    return item.institutionName();
  }

  /** {@code item.error} when it is present and not null, whatever its shape. */
  public Optional<PlaidError> itemError() {
    return Optional.ofNullable(item.error());
  }

  /** Reads the array the parser is at: each element an object with a string account_id. */
  private static List<RawAccount> readAccounts(BodyParser parser, byte[] body) throws IOException {
    List<RawAccount> accounts = new ArrayList<>();
    JsonToken token;
    while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
      if (token != JsonToken.START_OBJECT) {
        throw noAccountId(accounts.size());
      }
      int start = parser.tokenStart();
      String accountId = null;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        boolean isId = "account_id".equals(parser.currentName());
        JsonToken value = parser.nextToken();
        if (isId) {
          accountId = textOrSkip(parser, value);
        } else {
          parser.skipChildren();
        }
      }
      if (accountId == null) {
        throw noAccountId(accounts.size());
      }
      accounts.add(new RawAccount(accountId, JsonBytes.compact(body, start, parser.position())));
    }
    return accounts;
  }

  private static MalformedResponseException noAccountId(int index) {
    return new MalformedResponseException("accounts[" + index + "] has no string 'account_id'");
  }

  /**
   * Reads the Item object the parser is at; null when its item_id is missing, not a string or
   * empty.
   */
  private static RawItem readItem(BodyParser parser, byte[] body) throws IOException {
    int start = parser.tokenStart();
    String itemId = null;
    String institutionId = null;
    String institutionName = null;
    PlaidError error = null;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      JsonToken value = parser.nextToken();
      switch (name) {
        case "item_id" -> itemId = textOrSkip(parser, value);
        case "institution_id" -> institutionId = textOrSkip(parser, value);
        case "institution_name" -> institutionName = textOrSkip(parser, value);
        case "error" -> {
          if (value != JsonToken.VALUE_NULL) {
            int from = parser.tokenStart();
            error = PlaidError.fromValue(body, from, parser.valueEnd());
          }
        }
        default -> parser.skipChildren();
      }
    }
    int end = parser.position();
    if (itemId == null || itemId.isEmpty()) {
      return null;
    }
    return new RawItem(
        JsonBytes.compact(body, start, end), itemId, institutionId, institutionName, error);
  }

  /** The string the parser is at, or null (after skipping any other value). */
  private static String textOrSkip(BodyParser parser, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_STRING) {
      return parser.getText();
    }
    parser.skipChildren();
    return null;
  }

  private static <T> T skip(BodyParser parser) throws IOException {
    parser.skipChildren();
    return null;
  }

  private static JsonNode tree(String json) {
    try {
      return PlaidJson.treeReader().readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "raw JSON kept by a response does not parse", e); // parse() checked it
    }
  }

  /** A 200 body that breaks the response contract; a transient failure for the caller. */
  public static final class MalformedResponseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MalformedResponseException(String message) {
      super(message);
    }
  }
}
