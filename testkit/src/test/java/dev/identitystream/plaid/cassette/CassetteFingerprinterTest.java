package dev.identitystream.plaid.cassette;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.identitystream.plaid.PlaidRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CassetteFingerprinterTest {

  private final Fingerprinter fingerprinter = CassetteSamples.fingerprinter();

  @Test
  void shouldNameARequestByItsTokenAndAccountIdsWhateverTheirOrderOrRequestId() {
    // given
    PlaidRequest one = new PlaidRequest(CassetteSamples.TOKEN, List.of("b", "a"), "r-1");
    PlaidRequest same = new PlaidRequest(CassetteSamples.TOKEN, List.of("a", "b"), "r-2");

    // when
    String fingerprint = fingerprinter.of(one);

    // then
    assertThat(fingerprint).matches("[0-9a-f]{64}").isEqualTo(fingerprinter.of(same));
  }

  @Test
  void shouldTellApartOtherTokensOtherAccountIdsAndOtherKeys() {
    // given
    PlaidRequest request = new PlaidRequest(CassetteSamples.TOKEN, List.of("a"), "r");
    Fingerprinter otherKey =
        Fingerprinter.withKey("another-key-of-16-bytes".getBytes(StandardCharsets.UTF_8));

    // then
    assertThat(fingerprinter.of(request))
        .isNotEqualTo(
            fingerprinter.of(new PlaidRequest(CassetteSamples.TOKEN + "x", List.of("a"), "r")))
        .isNotEqualTo(fingerprinter.of(new PlaidRequest(CassetteSamples.TOKEN, List.of(), "r")))
        .isNotEqualTo(
            fingerprinter.of(new PlaidRequest(CassetteSamples.TOKEN, List.of("a", "a"), "r")))
        .isNotEqualTo(otherKey.of(request));
    assertThat(fingerprinter.keyId()).matches("[0-9a-f]{16}").isNotEqualTo(otherKey.keyId());
  }

  @Test
  void shouldNotBeFooledByWhereOneStringEndsAndTheNextBegins() {
    // given: the same characters split differently between token and account ids
    PlaidRequest one = new PlaidRequest("access-sandbox-ab", List.of("c"), "r");
    PlaidRequest other = new PlaidRequest("access-sandbox-a", List.of("bc"), "r");

    // then
    assertThat(fingerprinter.of(one)).isNotEqualTo(fingerprinter.of(other));
  }

  @Test
  void shouldRefuseAShortKeyAndNeverPrintTheKey() {
    assertThatThrownBy(() -> Fingerprinter.withKey("short".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("short");
    assertThat(fingerprinter.toString())
        .doesNotContain(new String(CassetteSamples.KEY, StandardCharsets.UTF_8));
    assertThat(fingerprinter.hasKeyId(fingerprinter.keyId())).isTrue();
    assertThat(fingerprinter.hasKeyId("0000000000000000")).isFalse();
  }
}
