package dev.identitystream.plaid.cassette;

import com.fasterxml.jackson.databind.JsonNode;
import dev.identitystream.plaid.FailureKind;
import dev.identitystream.plaid.IdentityDocumentsResponse;
import dev.identitystream.plaid.PlaidError;
import dev.identitystream.plaid.PlaidJson;
import dev.identitystream.plaid.PlaidResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Results of every kind, a key and tokens for the cassette tests. */
final class CassetteSamples {

  static final byte[] KEY = "0123456789abcdef-test-key".getBytes(StandardCharsets.UTF_8);
  static final String TOKEN = "access-sandbox-SECRET-TOKEN-41b7";

  private CassetteSamples() {}

  static Fingerprinter fingerprinter() {
    return Fingerprinter.withKey(KEY);
  }

  /** A 200 whose amounts keep their scale (12.50) and whose account has an unknown field. */
  static PlaidResult.Success success(String itemId) {
    JsonNode body =
        json(
            """
        {"accounts":[{"account_id":"acc-1","balances":{"current":12.50,"iso_currency_code":"USD"},
          "new_field":{"x":[1,2]}},{"account_id":"acc-2","balances":{"current":1000}}],
         "item":{"item_id":"%s","institution_id":"ins_1","error":null},
         "request_id":"plaid-req-1"}"""
                .formatted(itemId));
    return new PlaidResult.Success(200, IdentityDocumentsResponse.fromJson(body), 1);
  }

  static PlaidResult.ErrorAnswer errorAnswer() {
    JsonNode body =
        json(
            """
        {"error_type":"ITEM_ERROR","error_code":"ITEM_LOGIN_REQUIRED","error_message":"the login details changed",
         "display_message":null,"request_id":"plaid-req-2","causes":[],"status":400,"suggested_action":null}""");
    return new PlaidResult.ErrorAnswer(400, PlaidError.fromJson(body).orElseThrow(), 1);
  }

  static PlaidResult.TransportFailure transportFailure() {
    return new PlaidResult.TransportFailure(
        FailureKind.BODY_TOO_LARGE, 200, "body over 2097152 bytes", 1);
  }

  static PlaidResult.Exhausted exhausted() {
    return new PlaidResult.Exhausted(
        new PlaidResult.TransportFailure(
            FailureKind.HTTP_STATUS, 502, "HTTP 502 without a Plaid body", 1),
        3);
  }

  static PlaidResult.Exhausted exhaustedOnAnError() {
    PlaidError rateLimited =
        PlaidError.of("RATE_LIMIT_EXCEEDED", "RATE_LIMIT", "too many requests");
    return new PlaidResult.Exhausted(new PlaidResult.ErrorAnswer(429, rateLimited, 1), 10);
  }

  static List<PlaidResult> everyKind() {
    return List.of(
        success("item-1").withAttempts(2),
        errorAnswer(),
        transportFailure(),
        exhausted(),
        exhaustedOnAnError());
  }

  static JsonNode json(String text) {
    try {
      return PlaidJson.treeReader().readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
