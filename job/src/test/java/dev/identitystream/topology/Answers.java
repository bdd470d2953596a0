package dev.identitystream.topology;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.identitystream.event.Json;
import dev.identitystream.plaid.IdentityDocumentsResponse;
import dev.identitystream.plaid.PlaidError;
import dev.identitystream.plaid.PlaidResult;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Plaid answers for tests, shaped like the OpenAPI extract's examples. */
final class Answers {

  private Answers() {}

  static ObjectNode account(String accountId) {
    return (ObjectNode)
        parse(
            """
            {"account_id":"%s","balances":{"available":null,"current":110.10,"iso_currency_code":"USD",
             "limit":null,"unofficial_currency_code":null},"mask":"0000","name":"Plaid Checking",
             "official_name":"Plaid Gold Standard 0%% Interest Checking","type":"depository","subtype":"checking",
             "owners":[{"names":["Alberta Bobbeth Charleson"],"phone_numbers":[],"emails":[],"addresses":[],
             "document_id":"9f838fef-b0a5-4ef4-bf73-8e5248d43ad7"}],
             "documents":[{"document_id":"9f838fef-b0a5-4ef4-bf73-8e5248d43ad7",
             "metadata":{"document_type":"BANK_STATEMENT","is_account_number_match":true,"page_count":1,
             "last_updated":"2024-01-02T00:00:00Z","uploaded_at":"2024-01-01T00:00:00Z"},
             "risk_insights":{"risk_summary":{"risk_score":0},"risk_signals":[]}}]}
            """
                .formatted(accountId));
  }

  static ObjectNode item(String itemId) {
    return (ObjectNode)
        parse(
            """
            {"item_id":"%s","institution_id":"ins_109508","institution_name":"First Platypus Bank",
             "webhook":"https://www.genericwebhookurl.com/webhook","error":null,
             "available_products":["balance"],"billed_products":["identity"],"products":["identity"],
             "consented_products":["identity"],"consent_expiration_time":null,"update_type":"background",
             "auth_method":"INSTANT_AUTH"}
            """
                .formatted(itemId));
  }

  static ObjectNode body(String itemId, int accounts) {
    ObjectNode body = Json.mapper().createObjectNode();
    ArrayNode array = body.putArray("accounts");
    for (int i = 0; i < accounts; i++) {
      array.add(account(itemId + "-acc-" + i));
    }
    body.set("item", item(itemId));
    body.put("request_id", "plaid-req-" + itemId);
    return body;
  }

  static PlaidResult.Success success(String itemId, int accounts) {
    return success(body(itemId, accounts));
  }

  static PlaidResult.Success success(ObjectNode body) {
    return new PlaidResult.Success(200, IdentityDocumentsResponse.fromJson(body), 1);
  }

  static PlaidResult.ErrorAnswer error(int status, String type, String code) {
    ObjectNode body = Json.mapper().createObjectNode();
    body.put("error_type", type);
    body.put("error_code", code);
    body.putNull("error_code_reason");
    body.put("error_message", "the error " + code);
    body.put("display_message", "Something went wrong");
    body.put("request_id", "plaid-err-" + code);
    body.put("documentation_url", "https://plaid.com/docs/errors/");
    body.put("suggested_action", "See the docs");
    return new PlaidResult.ErrorAnswer(status, PlaidError.fromJson(body).orElseThrow(), 1);
  }

  static JsonNode parse(String json) {
    try {
      return Json.mapper().readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
