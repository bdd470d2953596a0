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
    // given a pretty-printed body whose strings hold spaces, escaped quotes, backslashes and non-ASCII text
    String body = """
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
        """.formatted(ITEM);

    // when
    IdentityDocumentsResponse response = parse(body);

    // then the text has no whitespace between tokens, and every string and number as sent
    assertThat(response.accounts()).extracting(RawAccount::accountId).containsExactly("a1", "a2");
    assertThat(response.accounts().get(0).json())
        .isEqualTo("{\"account_id\":\"a1\",\"name\":\"Plaid \\\"Gold\\\" \\\\ Standard  0% Interest\","
            + "\"owners\":[{\"names\":[\"Zoë  Ångström\"]}],\"balances\":{\"current\":1234.5600,\"limit\":null,\"big\":1e3}}");
    assertThat(response.accounts().get(1).json()).isEqualTo("{\"account_id\":\"a2\"}");
    assertThat(response.accounts().get(0).toNode().get("balances").get("current").decimalValue().scale()).isEqualTo(4);
    assertThat(response.itemId()).isEqualTo("it-1");
    assertThat(response.institutionId()).isEqualTo("ins_1");
    assertThat(response.requestId()).isEqualTo("req-1");
  }

  @Test
  void shouldReadABodyInTheMiddleOfABuffer() throws IOException {
    // given a buffer holding other bytes before and after the body
    String body = "{\"accounts\":[{\"account_id\":\"x\", \"v\": [1, 2]}]," + ITEM + ",\"request_id\":\"r\"}";
    byte[] buffer = ("garbage[" + body + "]more").getBytes(StandardCharsets.UTF_8);

    // when
    IdentityDocumentsResponse response = IdentityDocumentsResponse.parse(buffer, 8, body.length());

    // then
    assertThat(response.accounts()).singleElement().satisfies(a -> assertThat(a.json()).isEqualTo("{\"account_id\":\"x\",\"v\":[1,2]}"));
  }

  @Test
  void shouldAgreeWithTheTreeReadingAndRoundTripThroughJson() throws IOException {
    // given
    String body = "{\"accounts\":[{\"account_id\":\"a\",\"n\":12.50,\"u\":{\"k\":[true,false,null]}}],"
        + "\"extra\":{\"deep\":[[{}]]}," + ITEM + ",\"request_id\":\"r\"}";

    // when
    IdentityDocumentsResponse streamed = parse(body);
    IdentityDocumentsResponse fromTree = IdentityDocumentsResponse.fromJson(PlaidJson.treeReader().readTree(body));

    // then
    assertThat(streamed).isEqualTo(fromTree);
    assertThat(IdentityDocumentsResponse.fromJson(streamed.toJson())).isEqualTo(streamed);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "[]| response body is not a JSON object",
        "{\"item\":{\"item_id\":\"i\"},\"request_id\":\"r\"}| response has no 'accounts' array",
        "{\"accounts\":{},\"item\":{\"item_id\":\"i\"},\"request_id\":\"r\"}| response has no 'accounts' array",
        "{\"accounts\":[1],\"item\":{\"item_id\":\"i\"},\"request_id\":\"r\"}| accounts[0] has no textual 'account_id'",
        "{\"accounts\":[{\"account_id\":\"a\"},{\"account_id\":7}],\"item\":{\"item_id\":\"i\"},\"request_id\":\"r\"}| accounts[1] has no textual 'account_id'",
        "{\"accounts\":[],\"item\":null,\"request_id\":\"r\"}| response has no 'item' object with a textual 'item_id'",
        "{\"accounts\":[],\"item\":{\"item_id\":1},\"request_id\":\"r\"}| response has no 'item' object with a textual 'item_id'",
        "{\"accounts\":[],\"item\":{\"item_id\":\"i\"}}| response has no textual 'request_id'",
      })
  void shouldNameWhatBreaksTheContract(String body, String message) {
    assertThatThrownBy(() -> parse(body)).isInstanceOf(MalformedResponseException.class).hasMessage(message);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {"{\"accounts\":[{\"account_id\":\"a\"]}", "{\"accounts\":[]} trailing", "{\"accounts\":[]}{}", "not json"})
  void shouldRejectBodiesThatAreNotOneJsonValue(String body) {
    assertThatThrownBy(() -> parse(body)).isInstanceOf(JsonProcessingException.class);
  }
}
