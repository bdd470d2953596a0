package dev.identitystream.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FailCountersTest {

  @Test
  void shouldFailOnlyTheFirstNCallsPerToken() {
    // given
    FailCounters counters = new FailCounters(100);

    // when / then
    assertThat(counters.countAndCheck("a", 2)).isTrue();
    assertThat(counters.countAndCheck("b", 2)).isTrue();
    assertThat(counters.countAndCheck("a", 2)).isTrue();
    assertThat(counters.countAndCheck("a", 2)).isFalse();
    assertThat(counters.countAndCheck("a", 2)).isFalse();
  }

  @Test
  void shouldForgetTheLeastRecentlyUsedTokensPastItsCapacity() {
    // given: "a" has used its one failure
    FailCounters counters = new FailCounters(2);
    counters.countAndCheck("a", 1);

    // when: two other tokens push it out
    counters.countAndCheck("b", 1);
    counters.countAndCheck("c", 1);

    // then: "a" fails again from zero, "c" is still remembered
    assertThat(counters.countAndCheck("a", 1)).isTrue();
    assertThat(counters.countAndCheck("c", 1)).isFalse();
  }
}
