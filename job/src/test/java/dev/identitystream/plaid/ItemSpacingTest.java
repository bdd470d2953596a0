package dev.identitystream.plaid;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ItemSpacingTest {

  private static final long MS = 1_000_000L;

  @Test
  void shouldSpaceAnItemsAttemptsAfterAnItemLevelRateLimit() {
    ItemSpacing spacing = new ItemSpacing(Duration.ofSeconds(4), Duration.ofMinutes(1));
    assertThat(spacing.waitNanos("access-sandbox-a", 0)).as("never limited: no wait").isZero();
    // when: Plaid limits Item a at t=0
    spacing.limited("access-sandbox-a", 0);
    // then: its next attempt waits until t=4 s, the one after until t=8 s; Item b is not spaced
    assertThat(spacing.waitNanos("access-sandbox-a", 1_000 * MS)).isEqualTo(3_000 * MS);
    assertThat(spacing.waitNanos("access-sandbox-a", 4_000 * MS)).isZero();
    assertThat(spacing.waitNanos("access-sandbox-a", 5_000 * MS)).isEqualTo(3_000 * MS);
    assertThat(spacing.waitNanos("access-sandbox-b", 5_000 * MS)).isZero();
    // and a minute after the limit the Item is forgotten
    assertThat(spacing.waitNanos("access-sandbox-a", 61_000 * MS)).isZero();
    assertThat(spacing.size()).isZero();
  }

  @Test
  void shouldDoNothingWhenTurnedOff() {
    ItemSpacing spacing = new ItemSpacing(Duration.ZERO, Duration.ofMinutes(1));
    spacing.limited("access-sandbox-a", 0);
    assertThat(spacing.waitNanos("access-sandbox-a", 1)).isZero();
  }
}
