package dev.identitystream.plaid;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Samples on a synthetic clock: the limits window by the samples' own start and end times. */
class AdaptiveConcurrencyTest {

  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
  private static final PlaidResult OK =
      new PlaidResult.TransportFailure(
          FailureKind.MALFORMED_BODY, 200, "an answer (its kind does not matter here)", 1);
  private static final PlaidResult CLIENT_LIMIT =
      new PlaidResult.ErrorAnswer(
          429, PlaidError.of("RATE_LIMIT_EXCEEDED", "RATE_LIMIT", "slow down"), 1);
  private static final PlaidResult ITEM_LIMIT =
      new PlaidResult.ErrorAnswer(
          429, PlaidError.of("RATE_LIMIT_EXCEEDED", "IDENTITY_LIMIT", "one Item"), 1);

  private long clock;

  /** One second of 20 attempts of latency {@code rtt}; the last one is {@code last}. */
  private void second(AdaptiveConcurrency limit, long rtt, PlaidResult last) {
    for (int i = 0; i < 20; i++) {
      limit.onAttempt(i == 19 ? last : OK, clock, rtt);
      clock += SECOND / 20;
    }
  }

  private AdaptiveConcurrency limit(boolean enabled) {
    AdaptiveConcurrency limit = new AdaptiveConcurrency(enabled, 4, 64, 10 * SECOND);
    limit.countInFlight(limit); // always busy: the limit itself is in use
    return limit;
  }

  @Test
  void shouldBackOffOnClientRateLimitsAndGrowAgainWhenTheyStop() {
    AdaptiveConcurrency limit = limit(true);
    second(limit, SECOND / 20, OK);
    assertThat(limit.getAsInt()).isEqualTo(64);
    // when: every second has a client-level 429
    for (int i = 0; i < 15; i++) {
      second(limit, SECOND / 20, CLIENT_LIMIT);
    }
    int backedOff = limit.getAsInt();
    assertThat(backedOff).isBetween(4, 20);
    // and they stop
    for (int i = 0; i < 10; i++) {
      second(limit, SECOND / 20, OK);
    }
    // then: it grows again, one per window
    assertThat(limit.getAsInt()).isBetween(backedOff + 5, backedOff + 11);
  }

  @Test
  void shouldNotBackOffOnAnItemLevelRateLimit() {
    AdaptiveConcurrency limit = limit(true);
    for (int i = 0; i < 10; i++) {
      second(limit, SECOND / 20, ITEM_LIMIT);
    }
    assertThat(limit.getAsInt()).isEqualTo(64);
  }

  @Test
  void shouldBackOffWhenLatencyRises() {
    AdaptiveConcurrency limit = limit(true);
    for (int i = 0; i < 60; i++) {
      second(limit, SECOND / 20, OK);
    }
    assertThat(limit.getAsInt()).isEqualTo(64);
    // when: Plaid answers ten times slower
    for (int i = 0; i < 20; i++) {
      second(limit, SECOND / 2, OK);
    }
    // then
    assertThat(limit.getAsInt()).isLessThan(40);
  }

  @Test
  void shouldStayAtTheCapWhenTurnedOff() {
    AdaptiveConcurrency limit = limit(false);
    for (int i = 0; i < 10; i++) {
      second(limit, SECOND / 20, CLIENT_LIMIT);
    }
    assertThat(limit.getAsInt()).isEqualTo(64);
  }
}
