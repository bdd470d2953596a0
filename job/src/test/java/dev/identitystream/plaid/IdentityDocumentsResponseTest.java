package dev.identitystream.plaid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.identitystream.plaid.IdentityDocumentsResponse.MalformedResponseException;
import dev.identitystream.plaid.IdentityDocumentsResponse.RawAccount;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IdentityDocumentsResponseTest {

  private static final String ITEM = "\"item\":{\"item_id\":\"it-1\",\"institution_id\":\"ins_1\"}";

  private static IdentityDocumentsResponse parse(String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return IdentityDocumentsResponse.parse(bytes, 0, bytes.length);
  }

  @Test
  void shouldKeepEachAccountAsCompactTextWithStringsUntouched() throws IOException {
    // given a pretty-printed body whose strings hold spaces, escaped quotes, backslashes and
    // non-ASCII text
    String body =
        """
        {
          "accounts": [
            { "account_id" : "a1",
              "name": "Plaid \\"Gold\\" \\\\ Standard  0%% Interest",
              "owners": [ { "names": [ "Zoë  Ångström" ] } ],
              "balances": { "current": 1234.5600, "limit": null, "big": 1e3 } },
            {"account_id":"a2"}
          ],
          %s,
          "request_id": "req-1"
        }
        """
            .formatted(ITEM);

    // when
    IdentityDocumentsResponse response = parse(body);

    // then the text has no whitespace between tokens, and every string and number as sent
    assertThat(response.accounts()).extracting(RawAccount::accountId).containsExactly("a1", "a2");
    assertThat(response.accounts().get(0).json())
        .isEqualTo(
            "{\"account_id\":\"a1\",\"name\":\"Plaid \\\"Gold\\\" \\\\ Standard  0% Interest\","
                + "\"owners\":[{\"names\":[\"Zoë  Ångström\"]}],\"balances\":{\"current\":1234.5600,\"limit\":null,\"big\":1e3}}");
    assertThat(response.accounts().get(1).json()).isEqualTo("{\"account_id\":\"a2\"}");
    assertThat(
            response
                .accounts()
                .get(0)
                .toNode()
                .get("balances")
                .get("current")
                .decimalValue()
                .scale())
        .isEqualTo(4);
    assertThat(response.itemId()).isEqualTo("it-1");
    assertThat(response.institutionId()).isEqualTo("ins_1");
    assertThat(response.requestId()).isEqualTo("req-1");
  }

  @Test
  void shouldReadABodyInTheMiddleOfABuffer() throws IOException {
    // given a buffer holding other bytes before and after the body
    String body =
        "{\"accounts\":[{\"account_id\":\"x\", \"v\": [1, 2]}]," + ITEM + ",\"request_id\":\"r\"}";
    byte[] buffer = ("garbage[" + body + "]more").getBytes(StandardCharsets.UTF_8);

    // when
    IdentityDocumentsResponse response = IdentityDocumentsResponse.parse(buffer, 8, body.length());

    // then
    assertThat(response.accounts())
        .singleElement()
        .satisfies(a -> assertThat(a.json()).isEqualTo("{\"account_id\":\"x\",\"v\":[1,2]}"));
  }

  @Test
  void shouldAgreeWithTheTreeReadingAndRoundTripThroughJson() throws IOException {
    // given
    String body =
        "{\"accounts\":[{\"account_id\":\"a\",\"n\":12.50,\"u\":{\"k\":[true,false,null]}}],"
            + "\"extra\":{\"deep\":[[{}]]},"
            + ITEM
            + ",\"request_id\":\"r\"}";

    // when
    IdentityDocumentsResponse streamed = parse(body);
    IdentityDocumentsResponse fromTree =
        IdentityDocumentsResponse.fromJson(PlaidJson.treeReader().readTree(body));

    // then
    assertThat(streamed).isEqualTo(fromTree);
    assertThat(IdentityDocumentsResponse.fromJson(streamed.toJson())).isEqualTo(streamed);
  }

  @ParameterizedTest(name = "{1}: [{0}]")
  @CsvSource(
      delimiter = '|',
      value = {
        "[]| response body is not a JSON object",
        "\"ok\"| response body is not a JSON object",
        "''| response body is empty",
        "' \t  '| response body is empty",
        "{\"item\":{\"item_id\":\"i\"},\"request_id\":\"r\"}| response has no 'accounts' array",
        "{\"accounts\":{},\"item\":{\"item_id\":\"i\"},\"request_id\":\"r\"}| response has no 'accounts' array",
        "{\"accounts\":[1],\"item\":{\"item_id\":\"i\"},\"request_id\":\"r\"}| accounts[0] has no string 'account_id'",
        "{\"accounts\":[{\"account_id\":\"a\"},{\"account_id\":7}],\"item\":{\"item_id\":\"i\"},\"request_id\":\"r\"}| accounts[1] has no string 'account_id'",
        "{\"accounts\":[],\"item\":null,\"request_id\":\"r\"}| response has no 'item' object with a non-empty string 'item_id'",
        "{\"accounts\":[],\"item\":{\"item_id\":1},\"request_id\":\"r\"}| response has no 'item' object with a non-empty string 'item_id'",
        "{\"accounts\":[],\"item\":{\"item_id\":\"\"},\"request_id\":\"r\"}| response has no 'item' object with a non-empty string 'item_id'",
        "{\"accounts\":[],\"item\":{\"item_id\":\"i\"}}| response has no string 'request_id'",
      })
  void shouldNameWhatBreaksTheContract(String body, String message) {
    assertThatThrownBy(() -> parse(body))
        .isInstanceOf(MalformedResponseException.class)
        .hasMessage(message);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"accounts\":[{\"account_id\":\"a\"]}",
        "{\"accounts\":[]} trailing",
        "{\"accounts\":[]}{}",
        "not json"
      })
  void shouldRejectBodiesThatAreNotOneJsonValue(String body) {
    assertThatThrownBy(() -> parse(body)).isInstanceOf(JsonProcessingException.class);
  }

  @Test
  void shouldKeepTheItemAsSentWithNumbersUnicodeAndEscapesUntouched() throws IOException {
    // given an Item with numbers a tree would rewrite, astral and RTL text, and escapes
    String item =
        "{\"item_id\":\"it-\uD83D\uDE00\",\"institution_name\":\"\u05D1\u05E0\u05E7 \\u200F\uD835\uDD18\","
            + "\"n\":[1e400,1.0E2,-0.0,1e10000,4.9e-324,12.50],\"s\":\"\\ud83d\\ude00 \\/ \\u0000\",\"error\":null}";
    String body =
        "{\"accounts\":[],\"item\": " + item.replace(",", " ,\n ") + ",\"request_id\":\"r\"}";

    // when
    IdentityDocumentsResponse response = parse(body);

    // then
    assertThat(response.item().json()).isEqualTo(item);
    assertThat(response.itemId()).isEqualTo("it-\uD83D\uDE00");
    assertThat(response.institutionName()).isEqualTo("\u05D1\u05E0\u05E7 \u200F\uD835\uDD18");
    assertThat(response.itemError()).isEmpty();
    assertThat(parse(response.rawBody())).isEqualTo(response);
  }

  @ParameterizedTest(name = "item.error = {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{}",
        "{\"error_type\":\"ITEM_ERROR\",\"error_code\":null}",
        "\"a bare string\"",
        "42",
        "[1,\"x\"]",
        "true",
        "{\"error_type\":\"ITEM_ERROR\",\"error_code\":\"ITEM_LOGIN_REQUIRED\",\"error_message\":7,\"causes\":[{\"c\":1}]}",
      })
  void shouldTreatAnyNonNullItemErrorAsAnErrorKeptAsSent(String error) throws IOException {
    // given
    String body =
        "{\"accounts\":[],\"item\":{\"item_id\":\"i\",\"error\": "
            + error
            + " },\"request_id\":\"r\"}";

    // when
    IdentityDocumentsResponse response = parse(body);

    // then
    assertThat(response.itemError())
        .hasValueSatisfying(
            e -> {
              assertThat(e.json()).isEqualTo(error);
              assertThat(e.errorMessage()).isNull();
            });
    assertThat(response.item().json()).isEqualTo("{\"item_id\":\"i\",\"error\":" + error + "}");
  }

  @Test
  void shouldAcceptNumbersOfAnyLengthAndAUtf8ByteOrderMark() throws IOException {
    // given a 1,500-digit integer (Jackson's default limit is 1,000) after a UTF-8 byte order mark
    String digits = "7".repeat(1_500);
    String body =
        "\uFEFF{\"accounts\":[{\"account_id\":\"a\",\"n\":"
            + digits
            + "}],"
            + ITEM
            + ",\"request_id\":\"r\"}";

    // when
    IdentityDocumentsResponse response = parse(body);

    // then
    assertThat(response.accounts().get(0).json())
        .isEqualTo("{\"account_id\":\"a\",\"n\":" + digits + "}");
  }

  @Test
  void shouldAcceptNestingUpToTheLimit() throws IOException {
    String deep =
        "[".repeat(PlaidJson.MAX_NESTING_DEPTH - 3) + "]".repeat(PlaidJson.MAX_NESTING_DEPTH - 3);
    IdentityDocumentsResponse response =
        parse(
            "{\"accounts\":[{\"account_id\":\"a\",\"d\":"
                + deep
                + "}],"
                + ITEM
                + ",\"request_id\":\"r\"}");
    assertThat(response.accounts().get(0).json()).endsWith(deep + "}");
  }

  static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> unusableBodies() {
    String ok =
        "{\"accounts\":[{\"account_id\":\"a\",\"name\":\"X\"}]," + ITEM + ",\"request_id\":\"r\"}";
    byte[] utf8 = ok.getBytes(StandardCharsets.UTF_8);
    String deep =
        "[".repeat(PlaidJson.MAX_NESTING_DEPTH + 1) + "]".repeat(PlaidJson.MAX_NESTING_DEPTH + 1);
    return java.util.stream.Stream.of(
        arguments(
            "UTF-16 with a byte order mark",
            ("\uFEFF" + ok).getBytes(StandardCharsets.UTF_16BE),
            "UTF-16 byte order mark"),
        arguments(
            "UTF-16LE with a byte order mark",
            ("\uFEFF" + ok).getBytes(StandardCharsets.UTF_16LE),
            "UTF-16 byte order mark"),
        arguments(
            "UTF-16 without a byte order mark", ok.getBytes(StandardCharsets.UTF_16BE), "NUL byte"),
        arguments(
            "UTF-32BE with a byte order mark",
            ("\uFEFF" + ok).getBytes(java.nio.charset.Charset.forName("UTF-32BE")),
            "UTF-32 byte order mark"),
        arguments(
            "UTF-32LE with a byte order mark",
            ("\uFEFF" + ok).getBytes(java.nio.charset.Charset.forName("UTF-32LE")),
            "UTF-32 byte order mark"),
        arguments(
            "UTF-32 without a byte order mark",
            ok.getBytes(java.nio.charset.Charset.forName("UTF-32LE")),
            "NUL byte"),
        arguments("a NUL byte in a string", replaceX(utf8, 0x00), "NUL byte"),
        arguments("an overlong '/'", replaceX(utf8, 0xC0, 0xAF), "not well-formed UTF-8"),
        arguments(
            "an encoded surrogate", replaceX(utf8, 0xED, 0xA0, 0x80), "not well-formed UTF-8"),
        arguments("a byte 0xFF", replaceX(utf8, 0xFF), "not well-formed UTF-8"),
        arguments("a lone continuation byte", replaceX(utf8, 0x80), "not well-formed UTF-8"),
        arguments(
            "a code point above U+10FFFF",
            replaceX(utf8, 0xF4, 0x90, 0x80, 0x80),
            "not well-formed UTF-8"),
        arguments("Latin-1 text", replaceX(utf8, 0xE9), "not well-formed UTF-8"),
        arguments(
            "a repeated name in an account",
            "{\"accounts\":[{\"account_id\":\"a\",\"account_id\":\"b\"}],\"item\":{\"item_id\":\"i\"},\"request_id\":\"r\"}"
                .getBytes(StandardCharsets.UTF_8),
            "repeats a field name"),
        arguments(
            "a repeated name in the Item",
            "{\"accounts\":[],\"item\":{\"item_id\":\"i\",\"x\":1,\"x\":2},\"request_id\":\"r\"}"
                .getBytes(StandardCharsets.UTF_8),
            "repeats a field name"),
        arguments(
            "a repeated top-level name",
            "{\"accounts\":[],\"accounts\":[],\"item\":{\"item_id\":\"i\"},\"request_id\":\"r\"}"
                .getBytes(StandardCharsets.UTF_8),
            "repeats a field name"),
        arguments(
            "nesting deeper than the limit",
            ("{\"accounts\":[{\"account_id\":\"a\",\"d\":"
                    + deep
                    + "}],"
                    + ITEM
                    + ",\"request_id\":\"r\"}")
                .getBytes(StandardCharsets.UTF_8),
            "nested deeper than 1000"));
  }

  @ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.MethodSource("unusableBodies")
  void shouldRefuseBodiesItCannotPassOnExactly(String what, byte[] body, String message) {
    assertThatThrownBy(() -> IdentityDocumentsResponse.parse(body, 0, body.length))
        .isInstanceOf(UnusableBodyException.class)
        .hasMessageContaining(message);
  }

  /** The body with the 'X' in the account's name replaced by these bytes. */
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

  private static org.junit.jupiter.params.provider.Arguments arguments(Object... values) {
    return org.junit.jupiter.params.provider.Arguments.of(values);
  }
}
