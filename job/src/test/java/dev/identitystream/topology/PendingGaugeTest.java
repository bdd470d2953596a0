package dev.identitystream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;

class PendingGaugeTest {

  private final PendingGauge gauge = new PendingGauge();

  @Test
  void shouldSumOpenTasksAndKeepPeakOfOneTask() {
    // given
    AtomicInteger first = gauge.register(new TaskId(0, 0));
    AtomicInteger second = gauge.register(new TaskId(0, 1));

    // when
    gauge.update(first, 5, 5);
    gauge.update(second, 3, 3);
    gauge.update(first, 2, 2);

    // then
    assertThat(gauge.total()).isEqualTo(5);
    assertThat(gauge.peakPerTask()).isEqualTo(5);
  }

  @Test
  void shouldForgetClosedTaskButNotItsReopenedSuccessor() {
    // given
    TaskId task = new TaskId(0, 0);
    AtomicInteger closing = gauge.register(task);
    gauge.update(closing, 4, 4);
    AtomicInteger reopened = gauge.register(task);
    gauge.update(reopened, 1, 1);

    // when
    gauge.unregister(task, closing);

    // then
    assertThat(gauge.total()).isEqualTo(1);
    gauge.unregister(task, reopened);
    assertThat(gauge.total()).isZero();
    assertThat(gauge.peakPerTask()).isEqualTo(4);
  }

  @Test
  void shouldReportEachOpenTasksPendingAndInFlight() {
    // given
    TaskId first = new TaskId(0, 0);
    TaskId second = new TaskId(0, 1);
    AtomicInteger firstCount = gauge.register(first);
    AtomicInteger secondCount = gauge.register(second);

    // when
    gauge.update(firstCount, 7, 7, 3);
    gauge.update(secondCount, 2, 2, 0);
    gauge.update(secondCount, 1, 1); // an update without slots keeps the last in-flight count

    // then
    assertThat(gauge.byTask())
        .containsExactly(
            java.util.Map.entry(first, new PendingGauge.TaskLoad(7, 3)),
            java.util.Map.entry(second, new PendingGauge.TaskLoad(1, 0)));
    gauge.unregister(first, firstCount);
    assertThat(gauge.byTask()).containsOnlyKeys(second);
  }
}
