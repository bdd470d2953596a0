package dev.identitystream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InFlightLimiterTest {

  @Test
  void shouldLetOneTaskUseEverySlotWhileNoOtherWaits() {
    InFlightLimiter limiter = new InFlightLimiter(4);
    InFlightLimiter.Share a = limiter.register();
    for (int i = 0; i < 4; i++) {
      assertThat(limiter.tryAcquire(a, Lane.LIVE)).isTrue();
    }
    assertThat(limiter.tryAcquire(a, Lane.LIVE)).isFalse();
    assertThat(limiter.inFlight()).isEqualTo(4);
  }

  @Test
  void shouldHandFreedSlotsToAWaitingTaskUntilSharesAreFair() {
    // given: task A holds all 4 slots, task B waits
    InFlightLimiter limiter = new InFlightLimiter(4);
    InFlightLimiter.Share a = limiter.register();
    InFlightLimiter.Share b = limiter.register();
    for (int i = 0; i < 4; i++) {
      limiter.tryAcquire(a, Lane.LIVE);
    }
    assertThat(limiter.tryAcquire(b, Lane.LIVE)).isFalse();
    limiter.markWaiting(b, true, true);
    // when: A's calls complete one by one and A tries to take the slot back first
    limiter.release(a, Lane.LIVE);
    assertThat(limiter.tryAcquire(a, Lane.LIVE)).as("A is above its fair share of 2").isFalse();
    assertThat(limiter.tryAcquire(b, Lane.LIVE)).isTrue();
    limiter.release(a, Lane.LIVE);
    assertThat(limiter.tryAcquire(a, Lane.LIVE)).isFalse();
    assertThat(limiter.tryAcquire(b, Lane.LIVE)).isTrue();
    // then: 2 and 2; below its share, A may take a slot again
    assertThat(a.inFlight()).isEqualTo(2);
    assertThat(b.inFlight()).isEqualTo(2);
    limiter.release(a, Lane.LIVE);
    assertThat(limiter.tryAcquire(a, Lane.LIVE)).isTrue();
  }

  @Test
  void shouldStopLimitingWhenNoTaskWaitsAnyMore() {
    InFlightLimiter limiter = new InFlightLimiter(4);
    InFlightLimiter.Share a = limiter.register();
    InFlightLimiter.Share b = limiter.register();
    limiter.markWaiting(b, true, true);
    limiter.tryAcquire(a, Lane.LIVE);
    limiter.tryAcquire(a, Lane.LIVE);
    assertThat(limiter.tryAcquire(a, Lane.LIVE)).isFalse();
    limiter.markWaiting(b, false, false);
    assertThat(limiter.tryAcquire(a, Lane.LIVE)).isTrue();
  }

  @Test
  void shouldLeaveNoSlotIdleWhenTheCapacityDoesNotDivideEvenly() {
    // given: 16 slots and 6 tasks, every one waiting with more requests than slots
    InFlightLimiter limiter = new InFlightLimiter(16);
    java.util.List<InFlightLimiter.Share> tasks = new java.util.ArrayList<>();
    for (int i = 0; i < 6; i++) {
      InFlightLimiter.Share share = limiter.register();
      limiter.markWaiting(share, true, true);
      tasks.add(share);
    }
    // when: each task takes what it may, round after round
    for (int round = 0; round < 4; round++) {
      tasks.forEach(t -> limiter.tryAcquire(t, Lane.LIVE));
    }
    // then: all 16 slots are used (a share rounded down, 2 each, would leave 4 idle), none above 3
    assertThat(limiter.inFlight()).isEqualTo(16);
    assertThat(tasks).allSatisfy(t -> assertThat(t.inFlight()).isBetween(2, 3));
  }

  @Test
  void shouldRefuseBulkCallsWhileAnotherTaskHasLiveCallsWaiting() {
    // given: 4 slots, task A holds 2 bulk calls, task B has live calls waiting
    InFlightLimiter limiter = new InFlightLimiter(4, 1.0);
    InFlightLimiter.Share a = limiter.register();
    InFlightLimiter.Share b = limiter.register();
    assertThat(limiter.tryAcquire(a, Lane.BULK)).isTrue();
    assertThat(limiter.tryAcquire(a, Lane.BULK)).isTrue();
    limiter.markWaiting(b, true, true);
    // then: A gets no slot for bulk work, B gets the free ones for live work
    assertThat(limiter.tryAcquire(a, Lane.BULK)).isFalse();
    assertThat(limiter.tryAcquire(b, Lane.LIVE)).isTrue();
    limiter.markWaiting(b, false, false);
    assertThat(limiter.tryAcquire(a, Lane.BULK)).isTrue();
    assertThat(limiter.bulkInFlight()).isEqualTo(3);
  }

  @Test
  void shouldKeepTheLiveReserveOfSlotsFreeOfBulkCalls() {
    // given: 10 slots of which bulk calls may hold 80%
    InFlightLimiter limiter = new InFlightLimiter(10, 0.8);
    InFlightLimiter.Share a = limiter.register();
    // when: one task takes all it can for bulk
    int bulk = 0;
    while (limiter.tryAcquire(a, Lane.BULK)) {
      bulk++;
    }
    // then: 8 bulk, and the 2 others are there for live calls
    assertThat(bulk).isEqualTo(8);
    assertThat(limiter.tryAcquire(a, Lane.LIVE)).isTrue();
    assertThat(limiter.tryAcquire(a, Lane.LIVE)).isTrue();
    assertThat(limiter.tryAcquire(a, Lane.LIVE)).isFalse();
    limiter.release(a, Lane.BULK);
    assertThat(limiter.bulkInFlight()).isEqualTo(7);
  }

  @Test
  void shouldHandOutNoMoreSlotsThanTheAdaptiveLimit() {
    // given: a cap of 8 and an adaptive limit that is 3 now
    InFlightLimiter limiter = new InFlightLimiter(8);
    java.util.concurrent.atomic.AtomicInteger adaptive =
        new java.util.concurrent.atomic.AtomicInteger(3);
    limiter.limitBy(adaptive::get);
    InFlightLimiter.Share a = limiter.register();
    // when / then
    int taken = 0;
    while (limiter.tryAcquire(a, Lane.LIVE)) {
      taken++;
    }
    assertThat(taken).isEqualTo(3);
    adaptive.set(100); // above the cap: the cap holds
    while (limiter.tryAcquire(a, Lane.LIVE)) {
      taken++;
    }
    assertThat(taken).isEqualTo(8);
    assertThat(limiter.limit()).isEqualTo(8);
  }
}
