package dev.identitystream.plaid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A 200 body of {@code /identity/documents/uploads/get}, read tolerantly: the account and Item
 * objects are kept exactly as received (unknown fields and enum values included), and only the
 * fields this job routes on are checked.
 *
 * @param accounts the {@code accounts} array, each an object with a textual {@code account_id}
 * @param item the {@code item} object, with a textual {@code item_id}
 * @param requestId Plaid's {@code request_id}
 */
public record IdentityDocumentsResponse(List<ObjectNode> accounts, ObjectNode item, String requestId) {

  public IdentityDocumentsResponse {
    accounts = List.copyOf(accounts);
    Objects.requireNonNull(item, "item");
    Objects.requireNonNull(requestId, "requestId");
  }

  /**
   * Checks a parsed 200 body against the parts of the contract the job relies on.
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
    List<ObjectNode> accounts = new ArrayList<>(accountsNode.size());
    for (int i = 0; i < accountsNode.size(); i++) {
      JsonNode account = accountsNode.get(i);
      if (!account.isObject() || !textual(account.get("account_id"))) {
        throw new MalformedResponseException("accounts[" + i + "] has no textual 'account_id'");
      }
      accounts.add((ObjectNode) account);
    }
    JsonNode item = body.get("item");
    if (item == null || !item.isObject() || !textual(item.get("item_id"))) {
      throw new MalformedResponseException("response has no 'item' object with a textual 'item_id'");
    }
    JsonNode requestId = body.get("request_id");
    if (!textual(requestId)) {
      throw new MalformedResponseException("response has no textual 'request_id'");
    }
    return new IdentityDocumentsResponse(accounts, (ObjectNode) item, requestId.asText());
  }

  /**
   * The body this response was read from, as far as the job keeps it: {@code accounts}, {@code
   * item} and {@code request_id} (a fresh copy; {@link #fromJson} reads it back to an equal
   * response).
   */
  public ObjectNode toJson() {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    ArrayNode array = body.putArray("accounts");
    accounts.forEach(account -> array.add(account.deepCopy()));
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
  public java.util.Optional<PlaidError> itemError() {
    return PlaidError.fromJson(item.get("error"));
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
