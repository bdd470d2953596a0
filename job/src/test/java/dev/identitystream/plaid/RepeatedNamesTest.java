package dev.identitystream.plaid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Names repeated in one object, anywhere in a body, are refused exactly as Jackson's {@code
 * STRICT_DUPLICATE_DETECTION} refused them when the job parsed with it: {@link
 * UnusableBodyException} with the same message and offset. Jackson's strict parser is the oracle.
 */
class RepeatedNamesTest {

  /**
   * A 200 body with objects at every level Plaid uses: accounts, owners, documents, the Item and
   * its error.
   */
  private static final String BODY =
      """
      {"accounts":[{"account_id":"a1","balances":{"available":100.5,"current":110,"iso_currency_code":"USD","limit":null},\
      "mask":"0000","name":"Plaid Checking","owners":[{"names":["Zoë"],"addresses":[{"data":{"city":"Malakoff",\
      "country":"US","street":"2992 Cameron Road"},"primary":true}],"emails":[{"data":"a@b.c","primary":true,"type":"primary"}]}],\
      "documents":[{"document_id":"d1","metadata":{"page_count":2,"is_account_number_match":true},\
      "risk_insights":{"risk_signals":[{"type":"FONT","payload":{"font":"Arial","a":[[{"x":1,"y":{"z":null}}]]}}],\
      "risk_summary":{"risk_score":0}}}],"type":"depository","subtype":"checking"},{"account_id":"a2","mask":"1111"}],\
      "item":{"item_id":"it-1","institution_id":"ins_1","error":{"error_type":"ITEM_ERROR","error_code":"X",\
      "causes":[{"item_id":"it-1","error_code":"Y"}]},"webhook":""},\
      "unknown":{"deep":[{"k":{"k":{"k":1}}}]},"request_id":"r1"}""";

  @Test
  void shouldParseTheBodyItselfWithEveryNameOnce() throws IOException {
    IdentityDocumentsResponse response = parse(bytes(BODY));
    assertThat(response.accounts()).hasSize(2);
    assertThat(response.itemError()).isPresent();
  }

  /**
   * The body with a repeat of each object's first name inserted, one object at a time, plainly and
   * escaped.
   */
  static Stream<Arguments> repeatInEachObject() {
    List<Arguments> cases = new ArrayList<>();
    for (int brace = BODY.indexOf('{'); brace >= 0; brace = BODY.indexOf('{', brace + 1)) {
      int nameEnd = BODY.indexOf('"', brace + 2);
      String name = BODY.substring(brace + 2, nameEnd);
      String escaped = "\\u%04x".formatted((int) name.charAt(0)) + name.substring(1);
      String at = "object at " + brace + " (" + name + ")";
      cases.add(
          Arguments.of(
              at + ", first",
              BODY.substring(0, brace + 1) + "\"" + name + "\":0," + BODY.substring(brace + 1)));
      cases.add(
          Arguments.of(
              at + ", escaped",
              BODY.substring(0, brace + 1) + "\"" + escaped + "\":0," + BODY.substring(brace + 1)));
      int close = matchingClose(BODY, brace);
      cases.add(
          Arguments.of(
              at + ", last",
              BODY.substring(0, close) + ",\"" + name + "\":[{}]" + BODY.substring(close)));
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("repeatInEachObject")
  void shouldRefuseANameRepeatedInAnyObjectAsJacksonDid(String where, String body) {
    assertRefusedAsJacksonRefuses(bytes(body));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "{\"a\":1,\"\\u0061\":2}",
        "{\"\\u0061\":1,\"\\u0061\":2}",
        "{\"a/b\":1,\"a\\/b\":2}",
        "{\"\uD83D\uDE00\":1,\"\\ud83d\\ude00\":2}",
        "{\"é\":1,\"\\u00e9\":2}",
        "{\"x\":1,\"y\":{\"x\":2},\"x\":3}",
        "{\"x\":{\"y\":1},\"z\":[{\"y\":1},{\"y\":2,\"y\":3}]}",
      })
  void shouldTreatNamesThatDecodeAlikeAsOneName(String value) {
    assertRefusedAsJacksonRefuses(
        bytes(
            "{\"accounts\":[],\"item\":{\"item_id\":\"i\"},\"v\":"
                + value
                + ",\"request_id\":\"r\"}"));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "{\"a\":1,\"A\":2,\"a \":3,\"\\u0062\":4}",
        "{\"\":1,\" \":2}",
        "[{\"a\":1},{\"a\":2}]",
        "{\"a\":{\"a\":{\"a\":1}}}"
      })
  void shouldAcceptNamesThatDiffer(String value) throws IOException {
    IdentityDocumentsResponse response =
        parse(
            bytes(
                "{\"accounts\":[{\"account_id\":\"a\",\"v\":"
                    + value
                    + "}],\"item\":{\"item_id\":\"i\"},\"request_id\":\"r\"}"));
    assertThat(response.accounts().get(0).json())
        .isEqualTo("{\"account_id\":\"a\",\"v\":" + value + "}");
  }

  @ParameterizedTest(name = "{0} names")
  @ValueSource(ints = {UniqueNames.LINEAR_LIMIT, UniqueNames.LINEAR_LIMIT + 1, 5_000})
  void shouldFindARepeatAmongManyNamesInOneObject(int count) throws IOException {
    // given an account of many names, without and then with a repeat of a name in its middle
    String names =
        IntStream.range(0, count)
            .mapToObj(i -> "\"n" + i + "\":" + i)
            .reduce((a, b) -> a + "," + b)
            .orElseThrow();
    String account = "{\"account_id\":\"a\"," + names + "}";
    String repeated = "{\"account_id\":\"a\"," + names + ",\"n" + count / 2 + "\":0}";

    // when / then
    assertThat(parse(bytes(body(account))).accounts().get(0).json()).isEqualTo(account);
    assertRefusedAsJacksonRefuses(bytes(body(repeated)));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {"\"a\":x", "\"a\" 1", "\"a\":tru", "\"a\":01", "\"a\":-", "\"a\":]", "\"a\""})
  void shouldPreferTheRepeatedNameToASyntaxErrorInItsToken(String repeat) {
    // given a repeated name whose value (or colon) is broken: Jackson checks the name first
    byte[] body =
        bytes(
            "{\"accounts\":[{\"account_id\":\"x\",\"a\":1,"
                + repeat
                + "}],\"item\":{\"item_id\":\"i\"},\"request_id\":\"r\"}");

    // when / then
    assertRefusedAsJacksonRefuses(body);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "{\"accounts\":[{\"account_id\":\"x\",\"a\":1,\"b\":x}],\"item\":{\"item_id\":\"i\"},\"request_id\":\"r\"}",
        "{\"accounts\":[{\"account_id\":\"x\",\"a\":tru,\"a\":1}],\"item\":{\"item_id\":\"i\"},\"request_id\":\"r\"}",
        "{\"accounts\":[],\"item\":{\"item_id\":\"i\"},\"request_id\":\"r\"} {\"a\":1,\"a\":2}",
        "{\"accounts\":[],\"item\":{\"item_id\":\"i\"},\"request_id\":\"r\"} x",
      })
  void shouldReportASyntaxErrorBeforeAnyRepeatAsNotJson(String body) {
    assertThatThrownBy(() -> parse(bytes(body))).isInstanceOf(JsonProcessingException.class);
  }

  @Test
  void shouldRefuseARepeatedNameInAnErrorAnswer() {
    // given error answers with a repeat at the top, in a cause, and in an unknown field
    List<String> bodies =
        List.of(
            "{\"error_type\":\"ITEM_ERROR\",\"error_code\":\"X\",\"error_type\":\"ITEM_ERROR\"}",
            "{\"error_type\":\"ITEM_ERROR\",\"causes\":[{\"item_id\":\"i\",\"item_id\":\"j\"}],\"error_code\":\"X\"}",
            "{\"error_type\":\"ITEM_ERROR\",\"error_code\":\"X\",\"future\":{\"a\":[{\"b\":1,\"\\u0062\":2}]}}",
            "{\"error_type\":\"ITEM_ERROR\",\"error_code\":\"X\",\"error_code\":tru}");

    // when / then
    for (String body : bodies) {
      byte[] bytes = bytes(body);
      assertThat(catchThrowable(() -> PlaidError.fromAnswer(bytes, 0, bytes.length)))
          .as(body)
          .isInstanceOf(UnusableBodyException.class)
          .hasMessage(jacksonsRefusal(bytes));
    }
  }

  @Test
  void shouldGiveTheOffsetJacksonGaveInABufferAfterAByteOrderMark() {
    // given a body after a UTF-8 byte order mark, in the middle of a larger array
    String body =
        "\uFEFF{\"accounts\":[{\"account_id\":\"a\", \"account_id\" : \"b\"}],\"item\":{\"item_id\":\"i\"},\"request_id\":\"r\"}";
    byte[] buffer = ("xx" + body + "yy").getBytes(StandardCharsets.UTF_8);
    int length = body.getBytes(StandardCharsets.UTF_8).length;

    // when / then: the offset counts from the JSON's start, as before
    assertThatThrownBy(() -> IdentityDocumentsResponse.parse(buffer, 2, length))
        .isInstanceOf(UnusableBodyException.class)
        .hasMessage("response body repeats a field name in one object (near offset 44)");
  }

  private static void assertRefusedAsJacksonRefuses(byte[] body) {
    String expected = jacksonsRefusal(body);
    assertThat(expected).as("Jackson's strict parser refuses it").isNotNull();
    assertThat(catchThrowable(() -> parse(body)))
        .as(new String(body, StandardCharsets.UTF_8))
        .isInstanceOf(UnusableBodyException.class)
        .hasMessage(expected);
  }

  /** The refusal of the job before {@link BodyParser}: Jackson's strict parser, classified. */
  private static String jacksonsRefusal(byte[] body) {
    try (JsonParser strict = PlaidJson.strictParser(body, 0, body.length)) {
      strict.nextToken();
      strict.skipChildren();
      return null;
    } catch (JsonParseException e) {
      return JsonBytes.isRepeatedName(e)
          ? catchThrowable(() -> JsonBytes.classified(e)).getMessage()
          : null;
    } catch (IOException e) {
      return null;
    }
  }

  private static IdentityDocumentsResponse parse(byte[] body) throws IOException {
    return IdentityDocumentsResponse.parse(body, 0, body.length);
  }

  private static String body(String account) {
    return "{\"accounts\":[" + account + "],\"item\":{\"item_id\":\"i\"},\"request_id\":\"r\"}";
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The index of the '}' closing the object that opens at {@code open} (no braces in this body's
   * strings).
   */
  private static int matchingClose(String text, int open) {
    int depth = 0;
    for (int i = open; ; i++) {
      char c = text.charAt(i);
      if (c == '{') {
        depth++;
      } else if (c == '}' && --depth == 0) {
        return i;
      }
    }
  }
}
