package dev.identitystream.plaid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PlaidErrorTest {

  private static Optional<PlaidError> answer(String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return PlaidError.fromAnswer(bytes, 0, bytes.length);
  }

  @Test
  void shouldKeepEveryFieldAsSentAndReadTheSummaryFromIt() throws IOException {
    // given an error with every documented field, one Plaid may add later, and odd values
    String error =
        "{\"error_type\":\"ASSET_REPORT_ERROR\",\"error_code\":\"PRODUCT_NOT_READY\","
            + "\"error_code_reason\":null,\"error_message\":\"not \\\"ready\\\" \uD83D\uDE00\",\"display_message\":null,"
            + "\"request_id\":\"r-1\",\"causes\":[{\"item_id\":\"i\",\"error_code\":\"ITEM_LOGIN_REQUIRED\",\"n\":1e400}],"
            + "\"status\":400,\"documentation_url\":\"https://plaid.com/docs/errors/\",\"suggested_action\":\"wait\","
            + "\"required_account_subtypes\":[\"checking\"],\"provided_account_subtypes\":[],\"future\":{\"x\":-0.0}}";

    // when
    PlaidError read = answer(" \n" + error.replace(",\"", ",\n  \"") + "\n").orElseThrow();

    // then
    assertThat(read.json()).isEqualTo(error);
    assertThat(read.errorType()).isEqualTo("ASSET_REPORT_ERROR");
    assertThat(read.errorCode()).isEqualTo("PRODUCT_NOT_READY");
    assertThat(read.errorCodeReason()).isNull();
    assertThat(read.errorMessage()).isEqualTo("not \"ready\" \uD83D\uDE00");
    assertThat(read.requestId()).isEqualTo("r-1");
    assertThat(read.documentationUrl()).isEqualTo("https://plaid.com/docs/errors/");
    assertThat(read.suggestedAction()).isEqualTo("wait");
  }

  @Test
  void shouldGiveNullSummaryFieldsForValuesThatAreNotStrings() throws IOException {
    PlaidError read =
        answer(
                "{\"error_type\":\"ITEM_ERROR\",\"error_code\":\"X\",\"error_message\":12,\"display_message\":{\"a\":1}}")
            .orElseThrow();
    assertThat(read.errorMessage()).isNull();
    assertThat(read.displayMessage()).isNull();
    assertThat(read.json()).contains("\"error_message\":12");
  }

  @Test
  void shouldRecogniseAPlaidErrorByItsTypeOrCode() throws IOException {
    assertThat(answer("{\"error_code\":\"INVALID_API_KEYS\"}"))
        .hasValueSatisfying(e -> assertThat(e.errorType()).isNull());
    assertThat(answer("{\"error_type\":\"ITEM_ERROR\",\"error_code\":null}")).isPresent();
    assertThat(answer("{\"error\":\"forbidden\"}")).isEmpty();
    assertThat(answer("{\"error_type\":7,\"error_code\":null}")).isEmpty();
    assertThat(answer("[\"error_type\"]")).isEmpty();
    assertThat(answer("\"error_type\"")).isEmpty();
  }

  @Test
  void shouldRefuseWhatIsNotJsonOrCannotBePassedOnExactly() {
    assertThatThrownBy(() -> answer("<html>403</html>")).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> answer("{\"error_type\":\"A\"} trailing"))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> answer("{\"error_type\":\"A\",\"error_type\":\"B\"}"))
        .isInstanceOf(UnusableBodyException.class);
    byte[] utf16 =
        "{\"error_type\":\"ITEM_ERROR\",\"error_code\":\"X\"}".getBytes(StandardCharsets.UTF_16);
    assertThatThrownBy(() -> PlaidError.fromAnswer(utf16, 0, utf16.length))
        .isInstanceOf(UnusableBodyException.class);
    assertThat(PlaidError.looksLikePlaidError(utf16, 0, utf16.length)).isTrue();
    byte[] page = "<html>forbidden</html>".getBytes(StandardCharsets.UTF_16);
    assertThat(PlaidError.looksLikePlaidError(page, 0, page.length)).isFalse();
  }

  @Test
  void shouldBuildAndReadBackAnError() throws IOException {
    PlaidError built = PlaidError.of("ITEM_ERROR", "ITEM_LOGIN_REQUIRED", "login \"changed\"");
    assertThat(answer(built.json())).contains(built);
    assertThat(PlaidError.fromJson(built.toJson())).contains(built);
  }
}
