package dev.identitystream.plaid;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FleetRateTest {

  @Test
  void shouldPaceTheInstanceAtItsShareOfTheApplicationBudget() {
    // given: 600 a minute for the application; this instance runs 2 of 6 tasks
    FleetRate rate = new FleetRate("t", 600, 0);
    rate.setShare(2, 6);
    // then: a third of it, 200 a minute, as 2 permits every 600 ms
    assertThat(rate.share()).isEqualTo(2.0 / 6);
    assertThat(rate.reserveLive()).isZero();
    assertThat(rate.reserveLive()).isZero();
    long wait = rate.reserveLive();
    assertThat(wait).isPositive().isLessThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(600));
    // when: a rebalance gives it a third task
    rate.setShare(3, 6);
    // then
    assertThat(rate.share()).isEqualTo(0.5);
  }

  @Test
  void shouldKeepItsPaceWhenItHasNoTask() {
    FleetRate rate = new FleetRate("t", 600, 0);
    rate.setShare(2, 6);
    rate.setShare(0, 6);
    assertThat(rate.share()).isZero();
    rate.setShare(1, 6);
    assertThat(rate.share()).isEqualTo(1.0 / 6);
  }

  @Test
  void shouldGiveBulkAttemptsNoPermitWhileLiveAttemptsAreQueued() {
    // given: one permit a second
    FleetRate rate = new FleetRate("t", 60, 0);
    // when: bulk takes the free permit, then a live attempt queues for the next one
    assertThat(rate.reserveBulk()).isZero();
    assertThat(rate.reserveLive()).isPositive();
    // then: bulk gets nothing until the live queue is served
    assertThat(rate.reserveBulk()).isEqualTo(-1);
  }

  @Test
  void shouldLeaveTheLiveReserveFreeWhileLiveTrafficRuns() {
    // given: three permits every three seconds, all of the budget reserved for live traffic
    FleetRate reserved = new FleetRate("t", 60, 1.0);
    reserved.setShare(3, 3);
    assertThat(reserved.reserveBulk()).as("no live traffic yet: bulk may use the budget").isZero();
    assertThat(reserved.reserveLive()).isZero();
    // then: permits are free, but live traffic runs and they are kept for it
    assertThat(reserved.reserveBulk()).isEqualTo(-1);
    // and without a reserve bulk takes a free permit even while live traffic runs
    FleetRate open = new FleetRate("t", 60, 0);
    open.setShare(3, 3);
    assertThat(open.reserveLive()).isZero();
    assertThat(open.reserveBulk()).isZero();
  }
}
