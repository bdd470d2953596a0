package dev.identitystream.plaid;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ErrorGuidanceTest {

  @ParameterizedTest(name = "{0}/{1} -> {2}")
  @CsvSource({
    "RATE_LIMIT_EXCEEDED, RATE_LIMIT, RETRY_NOW",
    "RATE_LIMIT_EXCEEDED, INSTITUTION_RATE_LIMIT, RETRY_NOW",
    "RATE_LIMIT_EXCEEDED, CREDITS_EXHAUSTED, CLIENT_ERROR",
    "RATE_LIMIT_EXCEEDED, ADDITION_LIMIT, CLIENT_ERROR",
    "INVALID_INPUT, INVALID_API_KEYS, CLIENT_ERROR",
    "INVALID_INPUT, UNAUTHORIZED_ENVIRONMENT, CLIENT_ERROR",
    "INVALID_INPUT, INVALID_PRODUCT, CLIENT_ERROR",
    "INVALID_INPUT, UNAUTHORIZED_ROUTE_ACCESS, CLIENT_ERROR",
    "INVALID_INPUT, DIRECT_INTEGRATION_NOT_ENABLED, CLIENT_ERROR",
    "INVALID_REQUEST, UNKNOWN_FIELDS, CLIENT_ERROR",
    "INVALID_REQUEST, INVALID_BODY, CLIENT_ERROR",
    "INVALID_REQUEST, INVALID_HEADERS, CLIENT_ERROR",
    "INVALID_REQUEST, INCOMPATIBLE_API_VERSION, CLIENT_ERROR",
    "INVALID_REQUEST, NOT_FOUND, CLIENT_ERROR",
    "INVALID_REQUEST, NO_LONGER_AVAILABLE, CLIENT_ERROR",
    "INVALID_REQUEST, INVALID_FIELD, DO_NOT_RETRY",
    "INVALID_INPUT, INVALID_ACCOUNT_ID, DO_NOT_RETRY",
    "INVALID_INPUT, ADDITIONAL_CONSENT_REQUIRED, DO_NOT_RETRY",
    "ITEM_ERROR, PRODUCT_NOT_ENABLED, DO_NOT_RETRY",
    "INSTITUTION_ERROR, INSTITUTION_REGISTRATION_REQUIRED, DO_NOT_RETRY",
    "ITEM_ERROR, INVALID_API_KEYS, DO_NOT_RETRY",
    "API_ERROR, INTERNAL_SERVER_ERROR, RETRY_NOW",
    "API_ERROR, PLANNED_MAINTENANCE, RETRY_NOW",
    "ITEM_ERROR, ITEM_LOGIN_REQUIRED, DO_NOT_RETRY",
    "ITEM_ERROR, PRODUCT_NOT_READY, RETRY_LATER",
    "INSTITUTION_ERROR, INSTITUTION_DOWN, RETRY_LATER",
    "INSTITUTION_ERROR, INSTITUTION_NOT_RESPONDING, RETRY_LATER",
    "INSTITUTION_ERROR, INSTITUTION_NOT_AVAILABLE, RETRY_LATER",
    "INSTITUTION_ERROR, INSTITUTION_NO_LONGER_SUPPORTED, DO_NOT_RETRY",
    "INVALID_INPUT, INVALID_ACCESS_TOKEN, DO_NOT_RETRY",
    "INVALID_REQUEST, MISSING_FIELDS, CLIENT_ERROR",
    "BRAND_NEW_ERROR, INSTITUTION_DOWN, DO_NOT_RETRY",
    "BRAND_NEW_ERROR, SOMETHING, DO_NOT_RETRY"
  })
  void shouldFollowPlaidsRetryGuidance(String type, String code, ErrorGuidance expected) {
    PlaidError error = PlaidError.of(type, code, "m");
    assertThat(ErrorGuidance.of(error)).isEqualTo(expected);
    assertThat(expected.retryable())
        .isEqualTo(expected == ErrorGuidance.RETRY_NOW || expected == ErrorGuidance.RETRY_LATER);
    assertThat(ErrorGuidance.refusesClient(new PlaidResult.ErrorAnswer(400, error, 1)))
        .isEqualTo(expected == ErrorGuidance.CLIENT_ERROR);
  }

  @Test
  void shouldJudgeErrorsWithoutTypeOrCodeByWhatTheyHave() {
    assertThat(ErrorGuidance.of(error(null, "INVALID_API_KEYS")))
        .isEqualTo(ErrorGuidance.DO_NOT_RETRY);
    assertThat(ErrorGuidance.of(error("API_ERROR", null))).isEqualTo(ErrorGuidance.RETRY_NOW);
    assertThat(ErrorGuidance.of(error("ITEM_ERROR", null))).isEqualTo(ErrorGuidance.DO_NOT_RETRY);
    assertThat(ErrorGuidance.of(error(null, null))).isEqualTo(ErrorGuidance.DO_NOT_RETRY);
  }

  @Test
  void shouldTellRefusalsThatAreNotPlaidsFromTransientFailures() {
    assertThat(
            ErrorGuidance.refusesClient(
                new PlaidResult.TransportFailure(FailureKind.REFUSED, 404, "d", 1)))
        .isTrue();
    assertThat(
            ErrorGuidance.refusesClient(
                new PlaidResult.TransportFailure(FailureKind.HTTP_STATUS, 503, "d", 1)))
        .isFalse();
    assertThat(
            ErrorGuidance.refusesClient(
                new PlaidResult.TransportFailure(FailureKind.UNUSABLE_BODY, 200, "d", 1)))
        .isFalse();
  }

  private static PlaidError error(String type, String code) {
    return new PlaidError(type, code, null, null, null, null, null, null, "{}");
  }
}
