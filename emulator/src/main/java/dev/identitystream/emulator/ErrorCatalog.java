package dev.identitystream.emulator;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The Plaid errors the emulator can answer, with the {@code error_type} and HTTP status of {@code
 * docs/PLAID-ERRORS.md}, and Plaid-like messages (Plaid says messages are not for programmatic use;
 * clients must branch on type and code).
 *
 * <p>A code not in the catalog gets {@link #UNKNOWN_TYPE} and HTTP 400, so clients can be tested
 * against an {@code error_type} they do not know.
 */
final class ErrorCatalog {

  /** The {@code error_type} answered for codes the catalog does not know. */
  static final String UNKNOWN_TYPE = "EMULATOR_UNKNOWN_ERROR_TYPE";

  /**
   * One error code.
   *
   * @param type {@code error_type}
   * @param code {@code error_code}
   * @param httpStatus the HTTP status Plaid answers it with
   * @param message {@code error_message}
   * @param displayMessage {@code display_message}, or null when not about user action
   * @param docPage the page under {@code https://plaid.com/docs/errors/}, or null
   */
  record Entry(
      String type,
      String code,
      int httpStatus,
      String message,
      String displayMessage,
      String docPage) {}

  /**
   * One row per code: type | code | HTTP status | docs page | error_message | display_message ("-"
   * for null). Statuses and types from {@code docs/PLAID-ERRORS.md}; messages are Plaid-like.
   */
  private static final String TABLE =
      """
      ITEM_ERROR|ITEM_LOGIN_REQUIRED|400|item|the login details of this item have changed \
      (credentials, MFA, or required user action) and a user login is required to update this \
      information. use Link's update mode to restore the item to a good state|the login details \
      of this item have changed and a user login is required to update this information
      ITEM_ERROR|PRODUCT_NOT_READY|400|item|the requested product is not yet ready. please \
      provide a webhook or try the request again later|-
      ITEM_ERROR|PRODUCTS_NOT_SUPPORTED|400|item|the following products are not supported by \
      this item: identity|-
      ITEM_ERROR|PRODUCT_NOT_ENABLED|400|item|the requested product is not enabled for this \
      access token|-
      ITEM_ERROR|NO_ACCOUNTS|400|item|no valid accounts were found for this item|no valid \
      accounts were found at the bank for this item
      ITEM_ERROR|ACCESS_NOT_GRANTED|400|item|the user did not grant the necessary permissions \
      for their account|the account's details need to be updated; please reconnect your account
      ITEM_ERROR|ITEM_NOT_FOUND|400|item|the Item you requested cannot be found. This Item does \
      not exist, has been previously removed via /item/remove, or has had access removed by the \
      user|-
      ITEM_ERROR|ITEM_NOT_SUPPORTED|400|item|this item is not supported for the requested \
      product|-
      ITEM_ERROR|ITEM_CONCURRENTLY_DELETED|400|item|this item was deleted while the operation \
      was in progress|-
      INVALID_INPUT|INVALID_ACCESS_TOKEN|400|invalid-input|could not find matching access token|-
      INVALID_INPUT|INVALID_ACCOUNT_ID|400|invalid-input|one or more of the account IDs is \
      invalid|-
      INVALID_INPUT|INVALID_API_KEYS|400|invalid-input|invalid client_id or secret provided|-
      INVALID_INPUT|UNAUTHORIZED_ENVIRONMENT|400|invalid-input|you are not authorized to use \
      this api environment|-
      INVALID_INPUT|INVALID_PRODUCT|400|invalid-input|client is not authorized to access the \
      following products: ["identity"]|-
      INVALID_INPUT|UNAUTHORIZED_ROUTE_ACCESS|400|invalid-input|you do not currently have \
      access to this route|-
      INVALID_INPUT|ADDITIONAL_CONSENT_REQUIRED|400|invalid-input|client does not have user \
      consent to access the identity product|-
      INVALID_INPUT|USER_PERMISSION_REVOKED|400|invalid-input|the user has revoked access to \
      their data for this item|-
      INVALID_REQUEST|MISSING_FIELDS|400|invalid-request|the following required fields are \
      missing: access_token|-
      INVALID_REQUEST|UNKNOWN_FIELDS|400|invalid-request|the following fields are not \
      recognized by this endpoint|-
      INVALID_REQUEST|INVALID_FIELD|400|invalid-request|a field has an invalid value|-
      INVALID_REQUEST|INVALID_BODY|400|invalid-request|body could not be parsed as JSON|-
      INVALID_REQUEST|INVALID_HEADERS|400|invalid-request|the Content-Type header is missing \
      or invalid|-
      INVALID_REQUEST|INCOMPATIBLE_API_VERSION|400|invalid-request|the request is not \
      compatible with the API version in use|-
      INVALID_REQUEST|NOT_FOUND|404|invalid-request|not found|-
      RATE_LIMIT_EXCEEDED|RATE_LIMIT|429|rate-limit-exceeded|rate limit exceeded for attempts \
      to access this item. please try again later|-
      RATE_LIMIT_EXCEEDED|IDENTITY_LIMIT|429|rate-limit-exceeded|rate limit exceeded for \
      attempts to access identity for this item. please try again later|-
      RATE_LIMIT_EXCEEDED|INSTITUTION_RATE_LIMIT|429|rate-limit-exceeded|rate limit exceeded \
      for this institution. please try again later|-
      RATE_LIMIT_EXCEEDED|CREDITS_EXHAUSTED|429|rate-limit-exceeded|you have used all the free \
      API calls of limited Production access; request full Production access to continue|-
      API_ERROR|INTERNAL_SERVER_ERROR|500|api|an unexpected error occurred|-
      API_ERROR|PLANNED_MAINTENANCE|503|api|the Plaid API is temporarily unavailable due to \
      planned maintenance. visit https://status.plaid.com/ for more information|the Plaid API \
      is temporarily unavailable due to planned maintenance
      INSTITUTION_ERROR|INSTITUTION_DOWN|400|institution|this institution is not currently \
      responding to this request. please try again soon|the bank is temporarily unavailable; \
      please try again later
      INSTITUTION_ERROR|INSTITUTION_NOT_RESPONDING|400|institution|this institution is not \
      currently responding to this request. please try again soon|the bank is temporarily \
      unavailable; please try again later
      INSTITUTION_ERROR|INSTITUTION_NOT_AVAILABLE|400|institution|this institution is not \
      available for this request|the bank is temporarily unavailable; please try again later
      INSTITUTION_ERROR|INSTITUTION_NO_LONGER_SUPPORTED|400|institution|this institution is no \
      longer supported|this bank is no longer supported
      INSTITUTION_ERROR|UNSUPPORTED_RESPONSE|400|institution|the response from the institution \
      was not supported|-
      INSTITUTION_ERROR|INSTITUTION_REGISTRATION_REQUIRED|400|institution|your client must be \
      registered with this institution before use|-
      INSTITUTION_ERROR|UNAUTHORIZED_INSTITUTION|400|institution|you are not authorized to \
      access this institution|-
      """;

  private static final Map<String, Entry> ENTRIES = parse(TABLE);

  private ErrorCatalog() {}

  private static Map<String, Entry> parse(String table) {
    Map<String, Entry> entries = new LinkedHashMap<>();
    for (String row : table.strip().split("\n")) {
      String[] f = row.split("\\|", -1);
      String display = "-".equals(f[5]) ? null : f[5];
      entries.put(f[1], new Entry(f[0], f[1], Integer.parseInt(f[2]), f[4], display, f[3]));
    }
    return entries;
  }

  /** Every code the catalog knows, in a stable order. */
  static Set<String> codes() {
    return ENTRIES.keySet();
  }

  /** The entry for a code; an unknown code gets {@link #UNKNOWN_TYPE} and HTTP 400. */
  static Entry entry(String code) {
    Entry known = ENTRIES.get(code);
    if (known != null) {
      return known;
    }
    return new Entry(
        UNKNOWN_TYPE, code, 400, "an error the emulator does not know: " + code, null, null);
  }

  /** A PlaidError body for a code, with the default message. */
  static ObjectNode body(String code, String requestId) {
    Entry e = entry(code);
    return body(e, e.message(), requestId);
  }

  /** A PlaidError body for a code with a specific {@code error_message}. */
  static ObjectNode body(String code, String message, String requestId) {
    return body(entry(code), message, requestId);
  }

  private static ObjectNode body(Entry e, String message, String requestId) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("error_type", e.type());
    node.put("error_code", e.code());
    node.putNull("error_code_reason");
    node.put("error_message", message);
    if (e.displayMessage() == null) {
      node.putNull("display_message");
    } else {
      node.put("display_message", e.displayMessage());
    }
    if (requestId != null) {
      node.put("request_id", requestId);
    }
    if (e.docPage() != null) {
      node.put(
          "documentation_url",
          "https://plaid.com/docs/errors/"
              + e.docPage()
              + "/#"
              + e.code().toLowerCase(Locale.ROOT));
    }
    node.putNull("suggested_action");
    return node;
  }
}
