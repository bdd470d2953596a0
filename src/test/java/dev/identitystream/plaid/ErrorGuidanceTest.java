package dev.identitystream.plaid;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ErrorGuidanceTest {

  @ParameterizedTest(name = "{0}/{1} -> {2}")
  @CsvSource({
    "RATE_LIMIT_EXCEEDED, RATE_LIMIT, RETRY_NOW",
    "RATE_LIMIT_EXCEEDED, INSTITUTION_RATE_LIMIT, RETRY_NOW",
    "RATE_LIMIT_EXCEEDED, CREDITS_EXHAUSTED, DO_NOT_RETRY",
    "API_ERROR, INTERNAL_SERVER_ERROR, RETRY_NOW",
    "API_ERROR, PLANNED_MAINTENANCE, RETRY_NOW",
    "ITEM_ERROR, ITEM_LOGIN_REQUIRED, DO_NOT_RETRY",
    "ITEM_ERROR, PRODUCT_NOT_READY, RETRY_LATER",
    "INSTITUTION_ERROR, INSTITUTION_DOWN, RETRY_LATER",
    "INSTITUTION_ERROR, INSTITUTION_NOT_RESPONDING, RETRY_LATER",
    "INSTITUTION_ERROR, INSTITUTION_NOT_AVAILABLE, RETRY_LATER",
    "INSTITUTION_ERROR, INSTITUTION_NO_LONGER_SUPPORTED, DO_NOT_RETRY",
    "INVALID_INPUT, INVALID_ACCESS_TOKEN, DO_NOT_RETRY",
    "INVALID_REQUEST, MISSING_FIELDS, DO_NOT_RETRY",
    "BRAND_NEW_ERROR, INSTITUTION_DOWN, DO_NOT_RETRY",
    "BRAND_NEW_ERROR, SOMETHING, DO_NOT_RETRY"
  })
  void shouldFollowPlaidsRetryGuidance(String type, String code, ErrorGuidance expected) {
    assertThat(ErrorGuidance.of(PlaidError.of(type, code, "m"))).isEqualTo(expected);
    assertThat(expected.retryable()).isEqualTo(expected != ErrorGuidance.DO_NOT_RETRY);
  }
}
