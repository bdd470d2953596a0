package dev.identitystream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InFlightLimiterTest {

  @Test
  void shouldLetOneTaskUseEverySlotWhileNoOtherWaits() {
    InFlightLimiter limiter = new InFlightLimiter(4);
    InFlightLimiter.Share a = limiter.register();
    for (int i = 0; i < 4; i++) {
      assertThat(limiter.tryAcquire(a)).isTrue();
    }
    assertThat(limiter.tryAcquire(a)).isFalse();
    assertThat(limiter.inFlight()).isEqualTo(4);
  }

  @Test
  void shouldHandFreedSlotsToAWaitingTaskUntilSharesAreFair() {
    // given: task A holds all 4 slots, task B waits
    InFlightLimiter limiter = new InFlightLimiter(4);
    InFlightLimiter.Share a = limiter.register();
    InFlightLimiter.Share b = limiter.register();
    for (int i = 0; i < 4; i++) {
      limiter.tryAcquire(a);
    }
    assertThat(limiter.tryAcquire(b)).isFalse();
    limiter.markWaiting(b, true);
    // when: A's calls complete one by one and A tries to take the slot back first
    limiter.release(a);
    assertThat(limiter.tryAcquire(a)).as("A is above its fair share of 2").isFalse();
    assertThat(limiter.tryAcquire(b)).isTrue();
    limiter.release(a);
    assertThat(limiter.tryAcquire(a)).isFalse();
    assertThat(limiter.tryAcquire(b)).isTrue();
    // then: 2 and 2; below its share, A may take a slot again
    assertThat(a.inFlight()).isEqualTo(2);
    assertThat(b.inFlight()).isEqualTo(2);
    limiter.release(a);
    assertThat(limiter.tryAcquire(a)).isTrue();
  }

  @Test
  void shouldStopLimitingWhenNoTaskWaitsAnyMore() {
    InFlightLimiter limiter = new InFlightLimiter(4);
    InFlightLimiter.Share a = limiter.register();
    InFlightLimiter.Share b = limiter.register();
    limiter.markWaiting(b, true);
    limiter.tryAcquire(a);
    limiter.tryAcquire(a);
    assertThat(limiter.tryAcquire(a)).isFalse();
    limiter.markWaiting(b, false);
    assertThat(limiter.tryAcquire(a)).isTrue();
  }

  @Test
  void shouldLeaveNoSlotIdleWhenTheCapacityDoesNotDivideEvenly() {
    // given: 16 slots and 6 tasks, every one waiting with more requests than slots
    InFlightLimiter limiter = new InFlightLimiter(16);
    java.util.List<InFlightLimiter.Share> tasks = new java.util.ArrayList<>();
    for (int i = 0; i < 6; i++) {
      InFlightLimiter.Share share = limiter.register();
      limiter.markWaiting(share, true);
      tasks.add(share);
    }
    // when: each task takes what it may, round after round
    for (int round = 0; round < 4; round++) {
      tasks.forEach(limiter::tryAcquire);
    }
    // then: all 16 slots are used (a share rounded down, 2 each, would leave 4 idle), none above 3
    assertThat(limiter.inFlight()).isEqualTo(16);
    assertThat(tasks).allSatisfy(t -> assertThat(t.inFlight()).isBetween(2, 3));
  }
}
