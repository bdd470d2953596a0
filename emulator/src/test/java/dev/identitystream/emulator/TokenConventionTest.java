package dev.identitystream.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokenConventionTest {

  @Test
  void shouldReadEveryConvention() {
    assertThat(TokenConvention.parse("access-sandbox-error-item_login_required-x"))
        .contains(new TokenConvention.ErrorCode("ITEM_LOGIN_REQUIRED"));
    assertThat(TokenConvention.parse("access-sandbox-error-RATE_LIMIT"))
        .contains(new TokenConvention.ErrorCode("RATE_LIMIT"));
    assertThat(TokenConvention.parse("access-sandbox-accounts12-x"))
        .contains(new TokenConvention.Accounts(12));
    assertThat(TokenConvention.parse("access-sandbox-fail3xtimeout-x"))
        .contains(new TokenConvention.FailFirst(3, FaultKind.TIMEOUT));
    assertThat(TokenConvention.parse("access-sandbox-fail0x500-x"))
        .contains(new TokenConvention.FailFirst(0, FaultKind.SERVER_ERROR_500));
    assertThat(TokenConvention.parse("access-sandbox-itemerror-x"))
        .contains(new TokenConvention.ItemError());
    assertThat(TokenConvention.parse("access-sandbox-unknown"))
        .contains(new TokenConvention.UnknownFields());
  }

  @Test
  void shouldTreatOtherIdsAndProductionTokensAsPlain() {
    assertThat(TokenConvention.parse("access-sandbox-de3ce8ef-33f8-452c-a685-8671031fc0f6"))
        .contains(new TokenConvention.Plain());
    assertThat(TokenConvention.parse("access-sandbox-errors-are-fine"))
        .contains(new TokenConvention.Plain());
    assertThat(TokenConvention.parse("access-production-error-ITEM_LOGIN_REQUIRED-x"))
        .contains(new TokenConvention.Plain());
  }

  @Test
  void shouldRejectTokensOutsidePlaidsFormat() {
    assertThat(TokenConvention.parse("access-sandbox-")).isEmpty();
    assertThat(TokenConvention.parse("access-staging-abc")).isEmpty();
    assertThat(TokenConvention.parse("link-sandbox-abc")).isEmpty();
    assertThat(TokenConvention.parse("access-sandbox-" + "x".repeat(250))).isEmpty();
  }

  @Test
  void shouldFlagMisusedKeywords() {
    assertThat(TokenConvention.parse("access-sandbox-accounts0-x"))
        .containsInstanceOf(TokenConvention.Misused.class);
    assertThat(TokenConvention.parse("access-sandbox-fail1xfoo-x"))
        .containsInstanceOf(TokenConvention.Misused.class);
    assertThat(TokenConvention.parse("access-sandbox-fail1001x500-x"))
        .containsInstanceOf(TokenConvention.Misused.class);
  }
}
