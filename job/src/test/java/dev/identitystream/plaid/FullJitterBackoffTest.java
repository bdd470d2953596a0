package dev.identitystream.plaid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FullJitterBackoffTest {

  private final FullJitterBackoff backoff =
      new FullJitterBackoff(Duration.ofMillis(100), Duration.ofSeconds(5));

  @Test
  void shouldDoubleTheCeilingFromTheBaseUpToTheCap() {
    assertThat(backoff.ceilingMillis(1)).isEqualTo(100);
    assertThat(backoff.ceilingMillis(2)).isEqualTo(200);
    assertThat(backoff.ceilingMillis(3)).isEqualTo(400);
    assertThat(backoff.ceilingMillis(6)).isEqualTo(3200);
    assertThat(backoff.ceilingMillis(7)).isEqualTo(5000);
    assertThat(backoff.ceilingMillis(100)).isEqualTo(5000);
    assertThat(backoff.ceilingMillis(Integer.MAX_VALUE)).isEqualTo(5000);
  }

  @Test
  void shouldDrawUniformlyBetweenZeroAndTheCeiling() {
    // when
    Set<Long> seen = new HashSet<>();
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (int i = 0; i < 5000; i++) {
      long delay = backoff.apply(2);
      seen.add(delay);
      min = Math.min(min, delay);
      max = Math.max(max, delay);
    }

    // then
    assertThat(min).isGreaterThanOrEqualTo(0).isLessThan(20);
    assertThat(max).isLessThanOrEqualTo(200).isGreaterThan(180);
    assertThat(seen.size()).isGreaterThan(150);
  }

  @Test
  void shouldRefuseABaseAboveTheCap() {
    assertThatThrownBy(() -> new FullJitterBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .hasMessageContaining("base <= cap");
  }
}
