package dev.identitystream.app;

import dev.identitystream.JsonText;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Hostile but legal Plaid answers, and the few bodies the job refuses on purpose. Each 200 is built
 * from its parts (accounts, Item, the Item's error) so that a test can check that each part reaches
 * the output as the bytes sent, whitespace between tokens aside ({@link #strip}).
 *
 * <p>Sources of the shapes: {@code
 * emulator/src/test/resources/plaid/identity-documents-uploads-get.openapi.yml} (fields,
 * nullability) and docs/PLAID-ERRORS.md (the PlaidError fields, {@code item.error}).
 */
final class HostileBodies {

  /** What the job must do with a body. */
  enum Outcome {
    ACCEPTED,
    ITEM_ERROR_ANSWER,
    DLQ
  }

  /**
   * One answer.
   *
   * @param accounts each account's JSON text as sent (200 only)
   * @param item the Item's JSON text as sent (200 only)
   * @param plaidError the error as sent: the body of an error answer, the Item's error of a 200, or
   *     null
   * @param dlqReason the DLQ reason when the outcome is {@link Outcome#DLQ}
   * @param contentType the {@code Content-Type} it comes with (null: none); the job reads the body
   *     whatever it says
   */
  record Case(
      String name,
      int status,
      byte[] body,
      Outcome outcome,
      List<String> accounts,
      String item,
      String plaidError,
      String dlqReason,
      String contentType) {

    Case(
        String name,
        int status,
        byte[] body,
        Outcome outcome,
        List<String> accounts,
        String item,
        String plaidError,
        String dlqReason) {
      this(name, status, body, outcome, accounts, item, plaidError, dlqReason, JSON);
    }

    /** The same answer under another name, labelled {@code contentType} (null: no header). */
    Case labelled(String newName, String newContentType) {
      return new Case(
          newName, status, body, outcome, accounts, item, plaidError, dlqReason, newContentType);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private static final String JSON = "application/json";

  private HostileBodies() {}

  /** The accepted answers: 200s and Plaid error answers. */
  static List<Case> accepted() {
    List<Case> cases = new ArrayList<>();
    cases.add(
        ok(
            "numbers-huge",
            List.of(
                account(
                    "acc-huge",
                    """
        "balances": {"available": 1e400, "current": -1e400, "limit": 1E+308, "iso_currency_code": "USD", "unofficial_currency_code": null}""")),
            item("item-huge", "\"x_big\": 1e10000, \"x_neg\": -1E-10000")));
    String digits = "1234567890".repeat(150);
    cases.add(
        ok(
            "numbers-longer-than-jackson-allows",
            List.of(account("acc-long", "\"n\": " + digits + ", \"f\": -0." + digits + "e-7")),
            item("item-long", "\"x\": " + digits + digits)));
    cases.add(
        ok(
            "numbers-exponent-forms",
            List.of(
                account(
                    "acc-exp",
                    "\"a\": 1.0E2, \"b\": 1e3, \"c\": 1E-7, \"d\": 2.5e+10, \"e\": 0e0, \"f\": 12.50, \"g\": 100.000, \"h\": 9007199254740993")),
            item("item-exp", "\"ratio\": 1.0E2")));
    cases.add(
        ok(
            "numbers-tiny",
            List.of(
                account(
                    "acc-tiny", "\"a\": 4.9e-324, \"b\": 1e-400, \"c\": 0.0000000000000000000001")),
            item("item-tiny", "\"x\": 1e-10000")));
    cases.add(
        ok(
            "negative-zero",
            List.of(account("acc-zero", "\"a\": -0.0, \"b\": -0, \"c\": -0e0, \"d\": -0.0E-0")),
            item("item-zero", "\"x\": -0.0")));
    cases.add(
        ok(
            "unicode-astral",
            List.of(
                account(
                    "acc-\uD83D\uDE00",
                    "\"name\": \"\uD835\uDD18\uD835\uDD2B\uD835\uDD26 \uD83C\uDFE6 \uD840\uDF0E\"")),
            item(
                "item-\uD83D\uDE80",
                "\"institution_name\": \"Bank \uD83C\uDFE6 of \uD835\uDD0A\"")));
    cases.add(
        ok(
            "unicode-rtl",
            List.of(
                account(
                    "acc-rtl",
                    "\"name\": \"\u05D7\u05E9\u05D1\u05D5\u05DF \u200F\u0639\u0631\u0628\u064A \u202Eevil\u202C e\u0301\"")),
            item(
                "item-rtl",
                "\"institution_name\": \"\u05D1\u05E0\u05E7 \u0627\u0644\u0639\u0631\u0628\u064A\"")));
    cases.add(
        ok(
            "unicode-escapes",
            List.of(
                account(
                    "acc-esc",
                    "\"name\": \"caf\\u00e9 \\ud83d\\ude00 \\u202e \\/ \\\\ \\\" \\b\\f\\n\\r\\t \\u0000 lone \\ud800\"")),
            item("item-esc", "\"institution_name\": \"\\u00c5\\ud835\\udd0a\"")));
    cases.add(
        ok(
            "unknown-fields-at-every-level",
            List.of(
                account(
                    "acc-unknown",
                    """
        "subtype": "hyper savings", "future": {"nested": [1, {"deeper": null}]},
        "balances": {"available": 1, "current": 2, "limit": null, "iso_currency_code": "USD", "unofficial_currency_code": null, "pending": 3},
        "owners": [{"names": ["A"], "phone_numbers": [], "emails": [], "addresses": [], "loyalty": {"tier": "gold"}}],
        "documents": [{"document_id": "d", "metadata": {"document_type": "PAYSTUB", "pages_ocr": [1]}, "risk_insights": {"risk_summary": {"risk_score": 99, "model": "v9"}, "risk_signals": [{"type": "NEW_SIGNAL", "weight": 0.5}]}}]""")),
            item(
                "item-unknown",
                "\"auth_method\": \"PASSKEY_AUTH\", \"products\": [\"cra_qualify\"], \"future\": {\"a\": [true]}"),
            ", \"top_level_unknown\": {\"x\": [1, 2, {\"y\": null}]}, \"another\": null"));
    cases.add(
        ok(
            "nulls-everywhere-the-spec-allows",
            List.of(
                account(
                    "acc-nulls",
                    """
        "mask": null, "official_name": null, "subtype": null, "holder_category": null, "documents": null,
        "balances": {"available": null, "current": null, "limit": null, "iso_currency_code": null, "unofficial_currency_code": null, "last_updated_datetime": null},
        "owners": [{"names": [], "phone_numbers": [], "emails": [], "addresses": [{"data": {"city": null, "region": null, "street": "1 St", "postal_code": null, "country": null}, "primary": true}]}]""")),
            "{\"item_id\": \"item-nulls\", \"webhook\": null, \"error\": null, \"available_products\": [], \"billed_products\": [],"
                + " \"consent_expiration_time\": null, \"update_type\": \"background\", \"institution_id\": null, \"institution_name\": null, \"auth_method\": null}"));
    cases.add(
        ok(
            "duplicate-account-ids",
            List.of(
                account("acc-dup", "\"name\": \"first\""),
                account("acc-dup", "\"name\": \"second\"")),
            item("item-dup", "")));
    cases.add(ok("zero-accounts", List.of(), item("item-none", "")));
    cases.add(
        ok(
            "hundred-accounts",
            IntStream.range(0, 100).mapToObj(i -> account("acc-" + i, "\"i\": " + i)).toList(),
            item("item-hundred", "")));
    cases.add(
        okWithItemError(
            "item-error-full-plaid-error",
            """
        {"error_type": "ITEM_ERROR", "error_code": "ITEM_LOGIN_REQUIRED", "error_code_reason": "OAUTH_CONSENT_EXPIRED",
         "error_message": "the login details of this item have changed", "display_message": "Please log in again \uD83D\uDD11",
         "request_id": "req-inner", "causes": [{"item_id": "x", "error_code": "A", "n": 1e400}], "status": 400,
         "documentation_url": "https://plaid.com/docs/errors/item/", "suggested_action": null,
         "required_account_subtypes": ["checking"], "provided_account_subtypes": [], "added_later": {"k": -0.0}}"""));
    cases.add(
        okWithItemError(
            "item-error-null-code", "{\"error_type\": \"ITEM_ERROR\", \"error_code\": null}"));
    cases.add(okWithItemError("item-error-empty-object", "{}"));
    cases.add(okWithItemError("item-error-bare-string", "\"ITEM_LOGIN_REQUIRED\""));
    cases.add(okWithItemError("item-error-number", "0"));
    cases.add(okWithItemError("item-error-array", "[]"));
    cases.add(okWithItemError("item-error-false", "false"));
    cases.add(
        okWithItemError(
            "item-error-fields-not-strings",
            "{\"error_type\": 7, \"error_code\": [\"X\"], \"error_message\": {\"a\": 1}, \"display_message\": true}"));
    cases.add(
        ok(
            "item-without-error-field",
            List.of(account("acc-noerr", "")),
            "{\"item_id\": \"item-noerr\"}"));
    cases.add(
        ok(
            "item-institution-not-strings",
            List.of(account("acc-inst", "")),
            "{\"item_id\": \"item-inst\", \"institution_id\": 123, \"institution_name\": {\"en\": \"Bank\"}, \"error\": null}"));
    cases.add(
        ok(
            "long-strings-and-names",
            List.of(
                account(
                    "acc-longstr",
                    "\"note\": \""
                        + "x".repeat(100_000)
                        + "\", \""
                        + "k".repeat(60_000)
                        + "\": 1")),
            item("item-longstr", "")));
    String deep = "[".repeat(900) + "{}" + "]".repeat(900);
    cases.add(
        ok(
            "deep-but-allowed-nesting",
            List.of(account("acc-deep", "\"deep\": " + deep)),
            item("item-deep", "")));
    cases.add(
        ok(
            "empty-containers",
            List.of(
                account(
                    "acc-empty", "\"owners\": [], \"x\": {}, \"y\": [[], {}], \"documents\": []")),
            item("item-empty", "\"available_products\": [], \"billed_products\": []")));
    cases.add(
        new Case(
            "pretty-printed-reordered-crlf",
            200,
            utf8(reordered()),
            Outcome.ACCEPTED,
            List.of(account("acc-crlf", "\"name\":\t\"tab\\tin string\"").replace(", ", ",\r\n\t")),
            "{\r\n\t\"item_id\" : \"item-crlf\" ,\r\n\t\"error\" : null\r\n}",
            null,
            null));
    cases.add(
        new Case(
            "utf8-byte-order-mark",
            200,
            utf8("\uFEFF" + body(List.of(account("acc-bom", "")), item("item-bom", ""), "")),
            Outcome.ACCEPTED,
            List.of(account("acc-bom", "")),
            item("item-bom", ""),
            null,
            null));

    cases.add(
        error(
            "error-every-field",
            400,
            """
        {"error_type": "ITEM_ERROR", "error_code": "NO_ACCOUNTS", "error_code_reason": null,
         "error_message": "no valid accounts were found", "display_message": null, "request_id": "req-e1",
         "causes": [{"error_type": "ITEM_ERROR", "error_code": "X", "item_id": "i"}], "status": 400,
         "documentation_url": "https://plaid.com/docs/errors/item/#no_accounts", "suggested_action": "Ask the user",
         "required_account_subtypes": ["checking", "savings"], "provided_account_subtypes": ["cd"], "new_in_2027": {"a": [1e400]}}"""));
    cases.add(
        error(
            "error-oauth-reason",
            400,
            "{\"error_type\":\"ITEM_ERROR\",\"error_code\":\"ITEM_LOGIN_REQUIRED\",\"error_code_reason\":\"OAUTH_USER_REVOKED\","
                + "\"error_message\":\"m\",\"display_message\":\"d\",\"request_id\":\"req-e2\"}"));
    cases.add(
        error(
            "error-fields-not-strings",
            400,
            "{\"error_type\":\"INVALID_INPUT\",\"error_code\":\"INVALID_ACCESS_TOKEN\",\"error_message\":42,"
                + "\"display_message\":{\"x\":1},\"documentation_url\":null,\"request_id\":[\"r\"]}"));
    cases.add(
        error(
            "error-unknown-type",
            400,
            "{\"error_type\":\"BRAND_NEW_TYPE\",\"error_code\":\"BRAND_NEW_CODE\",\"error_message\":\"new\",\"display_message\":null}"));
    cases.add(
        error(
            "error-without-type",
            400,
            "{\"error_code\":\"ITEM_NOT_FOUND\",\"error_message\":\"gone\"}"));
    cases.add(
        error(
            "error-unicode-and-numbers",
            400,
            "{\"error_type\":\"INSTITUTION_ERROR\",\"error_code\":\"INSTITUTION_DOWN\",\"error_message\":\"\u05D1\u05E0\u05E7 \uD83C\uDFE6 \\u202e\","
                + "\"display_message\":\"\\ud83d\\ude00\",\"retry_in\":1e400,\"z\":-0.0}"));
    cases.add(
        error(
            "error-retry-later-pretty",
            400,
            "{\r\n  \"error_type\" : \"ITEM_ERROR\",\r\n  \"error_code\" : \"PRODUCT_NOT_READY\",\r\n  \"error_message\" : \"later\",\r\n"
                + "  \"display_message\" : null\r\n}\r\n"));
    String longNumber = "9".repeat(1_500);
    cases.add(
        error(
            "error-number-longer-than-jackson-allows",
            400,
            "{\"error_type\":\"ITEM_ERROR\",\"error_code\":\"ITEM_LOGIN_REQUIRED\",\"error_message\":\"m\","
                + "\"display_message\":null,\"causes\":[{\"n\":"
                + longNumber
                + "}]}"));
    // The body decides, not its label: a JSON answer is read whatever Content-Type it comes with.
    Case plain =
        ok(
            "content-type-not-json",
            List.of(account("acc-plain", "\"name\": \"plain\"")),
            item("item-plain", ""));
    cases.add(plain.labelled(plain.name(), "text/plain; charset=ISO-8859-1"));
    Case unlabelled =
        ok("content-type-absent", List.of(account("acc-nolabel", "")), item("item-nolabel", ""));
    cases.add(unlabelled.labelled(unlabelled.name(), null));
    Case htmlError =
        error(
            "plaid-error-labelled-html",
            400,
            "{\"error_type\":\"ITEM_ERROR\",\"error_code\":\"ITEM_NOT_FOUND\",\"error_message\":\"gone\",\"display_message\":null}");
    cases.add(htmlError.labelled(htmlError.name(), "text/html"));
    return cases;
  }

  /** Bodies the job refuses on purpose, each with its DLQ reason. */
  static List<Case> refused() {
    String ok = body(List.of(account("acc-r", "\"name\": \"X\"")), item("item-r", ""), "");
    byte[] utf8 = utf8(ok);
    String deep = "[".repeat(1_001) + "]".repeat(1_001);
    List<Case> cases = new ArrayList<>();
    cases.add(
        dlq(
            "utf16-with-byte-order-mark",
            200,
            ("\uFEFF" + ok).getBytes(StandardCharsets.UTF_16BE),
            "UNUSABLE_RESPONSE"));
    cases.add(
        dlq(
            "utf16le-without-byte-order-mark",
            200,
            ok.getBytes(StandardCharsets.UTF_16LE),
            "UNUSABLE_RESPONSE"));
    cases.add(dlq("overlong-utf8", 200, replaceX(utf8, 0xC1, 0x81), "UNUSABLE_RESPONSE"));
    cases.add(
        dlq("utf8-encoded-surrogate", 200, replaceX(utf8, 0xED, 0xB0, 0x80), "UNUSABLE_RESPONSE"));
    cases.add(dlq("invalid-utf8-byte", 200, replaceX(utf8, 0xFE), "UNUSABLE_RESPONSE"));
    cases.add(
        dlq(
            "repeated-field-name",
            200,
            utf8(ok.replace("\"name\": \"X\"", "\"name\": \"a\", \"name\": \"b\"")),
            "UNUSABLE_RESPONSE"));
    cases.add(
        dlq(
            "nested-too-deep",
            200,
            utf8(body(List.of(account("acc-r", "\"d\": " + deep)), item("item-r", ""), "")),
            "UNUSABLE_RESPONSE"));
    cases.add(
        dlq(
            "plaid-error-in-utf16",
            400,
            "{\"error_type\":\"ITEM_ERROR\",\"error_code\":\"ITEM_LOGIN_REQUIRED\"}"
                .getBytes(StandardCharsets.UTF_16),
            "UNUSABLE_RESPONSE"));
    cases.add(
        dlq(
            "empty-item-id",
            200,
            utf8(body(List.of(), "{\"item_id\": \"\"}", "")),
            "RETRIES_EXHAUSTED"));
    // Not UTF-8: UTF-32 (with or without a byte order mark), a NUL byte, whatever else is right.
    cases.add(
        dlq(
            "utf32be-with-byte-order-mark",
            200,
            ("\uFEFF" + ok).getBytes(Charset.forName("UTF-32BE")),
            "UNUSABLE_RESPONSE"));
    cases.add(
        dlq(
            "utf32le-with-byte-order-mark",
            200,
            ("\uFEFF" + ok).getBytes(Charset.forName("UTF-32LE")),
            "UNUSABLE_RESPONSE"));
    cases.add(
        dlq(
            "utf32be-without-byte-order-mark",
            200,
            ok.getBytes(Charset.forName("UTF-32BE")),
            "UNUSABLE_RESPONSE"));
    cases.add(dlq("nul-byte-in-a-string", 200, replaceX(utf8, 0x00), "UNUSABLE_RESPONSE"));
    cases.add(dlq("nul-byte-after-the-json", 200, utf8(ok + "\u0000"), "UNUSABLE_RESPONSE"));
    // Not one JSON object: a transient fault of the way to Plaid (a cut or glued answer, a proxy's
    // empty reply), retried until the deadline, then dead-lettered with the last error.
    cases.add(dlq("trailing-garbage", 200, utf8(ok + " <!-- cached -->"), "RETRIES_EXHAUSTED"));
    cases.add(dlq("two-json-values", 200, utf8(ok + ok), "RETRIES_EXHAUSTED"));
    cases.add(dlq("truncated", 200, Arrays.copyOf(utf8, utf8.length / 2), "RETRIES_EXHAUSTED"));
    cases.add(dlq("empty-body", 200, new byte[0], "RETRIES_EXHAUSTED"));
    cases.add(dlq("whitespace-only-body", 200, utf8(" \r\n\t "), "RETRIES_EXHAUSTED"));
    String[][] notObjects = {
      {"array", "[]"}, {"string", "\"ok\""}, {"null", "null"}, {"number", "42"}, {"boolean", "true"}
    };
    for (String[] value : notObjects) {
      cases.add(
          dlq(
              "top-level-" + value[0] + "-not-an-object",
              200,
              utf8(value[1]),
              "RETRIES_EXHAUSTED"));
    }
    cases.add(
        dlq(
            "html-200-labelled-json",
            200,
            utf8("<html><body>maintenance</body></html>"),
            "RETRIES_EXHAUSTED"));
    cases.add(
        dlq("server-error-with-json-not-an-object", 500, utf8("[\"error\"]"), "RETRIES_EXHAUSTED"));
    return cases;
  }

  /** The JSON text without the whitespace between tokens (what the job keeps of a value). */
  static String strip(String json) {
    return JsonText.withoutWhitespace(json);
  }

  private static Case ok(String name, List<String> accounts, String item) {
    return ok(name, accounts, item, "");
  }

  private static Case ok(String name, List<String> accounts, String item, String extraTopLevel) {
    return new Case(
        name,
        200,
        utf8(body(accounts, item, extraTopLevel)),
        Outcome.ACCEPTED,
        accounts,
        item,
        null,
        null);
  }

  private static Case okWithItemError(String name, String error) {
    String item =
        "{\"item_id\": \"item-"
            + name
            + "\", \"institution_id\": \"ins_1\", \"error\": "
            + error
            + ", \"webhook\": null}";
    List<String> accounts = List.of(account("acc-" + name, ""));
    return new Case(
        name, 200, utf8(body(accounts, item, "")), Outcome.ACCEPTED, accounts, item, error, null);
  }

  private static Case error(String name, int status, String body) {
    return new Case(
        name, status, utf8(body), Outcome.ITEM_ERROR_ANSWER, List.of(), null, body, null);
  }

  private static Case dlq(String name, int status, byte[] body, String reason) {
    return new Case(name, status, body, Outcome.DLQ, List.of(), null, null, reason);
  }

  /**
   * An account shaped like the spec's; {@code extra} fields replace the spec's fields of the same
   * name.
   */
  private static String account(String id, String extra) {
    String base =
        "\"account_id\": \""
            + id
            + "\", \"mask\": \"0000\", \"name\": \"Checking\", \"official_name\": null,"
            + " \"type\": \"depository\", \"subtype\": \"checking\"";
    String rest =
        ", \"balances\": {\"available\": 100.10, \"current\": 110.50, \"limit\": null, \"iso_currency_code\": \"USD\","
            + " \"unofficial_currency_code\": null}, \"owners\": [], \"documents\": null";
    String joined = base + rest + (extra.isBlank() ? "" : ", " + extra);
    return "{ " + dropRepeated(joined) + " }";
  }

  /**
   * An Item shaped like the spec's; {@code extra} fields replace the spec's fields of the same
   * name.
   */
  private static String item(String id, String extra) {
    String fields =
        "\"item_id\": \""
            + id
            + "\", \"institution_id\": \"ins_109508\", \"institution_name\": \"First Platypus Bank\","
            + " \"webhook\": null, \"error\": null, \"available_products\": [\"balance\"], \"billed_products\": [\"identity\"],"
            + " \"consent_expiration_time\": null, \"update_type\": \"background\""
            + (extra.isBlank() ? "" : ", " + extra);
    return "{" + dropRepeated(fields) + "}";
  }

  private static String body(List<String> accounts, String item, String extraTopLevel) {
    return "{\"accounts\": [\n  "
        + String.join(",\n  ", accounts)
        + "\n], \"item\": "
        + item
        + ", \"request_id\": \"plaid-req-1\""
        + extraTopLevel
        + "}\n";
  }

  private static String reordered() {
    return "{\r\n\t\"request_id\" : \"plaid-req-crlf\",\r\n\t\"item\" : {\r\n\t\"item_id\" : \"item-crlf\" ,\r\n\t\"error\" : null\r\n},"
        + "\r\n\t\"accounts\" : [ "
        + account("acc-crlf", "\"name\":\t\"tab\\tin string\"").replace(", ", ",\r\n\t")
        + " ]\r\n}\r\n";
  }

  /** Drops a base field that {@code extra} sets again (the spec's fields, overridden by a case). */
  private static String dropRepeated(String fields) {
    List<String> names = new ArrayList<>();
    List<String> kept = new ArrayList<>();
    for (String field : splitTopLevel(fields)) {
      String name = field.strip().substring(0, field.strip().indexOf(':')).strip();
      if (!names.contains(name)) {
        names.add(name);
        kept.add(field.strip());
      } else {
        kept.set(names.indexOf(name), field.strip());
      }
    }
    return kept.stream().collect(Collectors.joining(", "));
  }

  /** Splits "a: 1, b: [1, 2]" at its top-level commas, outside strings. */
  private static List<String> splitTopLevel(String fields) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    boolean inString = false;
    int start = 0;
    for (int i = 0; i < fields.length(); i++) {
      char c = fields.charAt(i);
      if (inString) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '{' || c == '[') {
        depth++;
      } else if (c == '}' || c == ']') {
        depth--;
      } else if (c == ',' && depth == 0) {
        parts.add(fields.substring(start, i));
        start = i + 1;
      }
    }
    parts.add(fields.substring(start));
    return parts;
  }

  /** The body with the 'X' of the account's name replaced by these bytes. */
  private static byte[] replaceX(byte[] body, int... bytes) {
    String text = new String(body, StandardCharsets.ISO_8859_1);
    int at = text.indexOf("\"X\"") + 1;
    byte[] out = new byte[body.length - 1 + bytes.length];
    System.arraycopy(body, 0, out, 0, at);
    for (int i = 0; i < bytes.length; i++) {
      out[at + i] = (byte) bytes[i];
    }
    System.arraycopy(body, at + 1, out, at + bytes.length, body.length - at - 1);
    return out;
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
