package dev.identitystream.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;

class FleetShareTest {

  private static TaskId task(int partition) {
    return new TaskId(0, partition);
  }

  @Test
  void shouldGiveEachInstanceItsTasksAmongAllPartitions() {
    assertThat(FleetShare.compute(2, 6, 3)).isCloseTo(1 / 3.0, within(1e-9));
    assertThat(FleetShare.compute(6, 6, 5)).isEqualTo(1.0);
  }

  @Test
  void shouldGiveNoShareWithoutTasks() {
    assertThat(FleetShare.compute(0, 6, -1)).isZero();
    assertThat(FleetShare.compute(0, 0, -1)).isZero();
    FleetShare fleet = new FleetShare();
    fleet.inputPartitions(6);
    assertThat(fleet.share()).isZero();
  }

  @Test
  void shouldMoveAShareWithTheTaskThatMoves() {
    // given: two instances with three tasks each of six
    FleetShare a = new FleetShare();
    FleetShare b = new FleetShare();
    a.inputPartitions(6);
    b.inputPartitions(6);
    List.of(0, 1, 2).forEach(p -> a.opened(task(p)));
    List.of(3, 4, 5).forEach(p -> b.opened(task(p)));
    assertThat(a.share() + b.share()).isCloseTo(1.0, within(1e-9));
    // when: task 2 moves from a to b (closed on a first, as Kafka Streams does)
    a.closed(task(2));
    assertThat(a.share() + b.share())
        .as("while it moves the fleet is below its budget")
        .isLessThan(1.0);
    b.opened(task(2));
    // then
    assertThat(a.share()).isCloseTo(2 / 6.0, within(1e-9));
    assertThat(b.share()).isCloseTo(4 / 6.0, within(1e-9));
    assertThat(a.share() + b.share()).isCloseTo(1.0, within(1e-9));
  }

  @Test
  void shouldNeverOvercountWhenPartitionsWereAddedButNotYetRead() {
    // given: the instance knows 4 partitions and runs tasks 0 and 1
    FleetShare fleet = new FleetShare();
    fleet.inputPartitions(4);
    fleet.opened(task(0));
    fleet.opened(task(1));
    assertThat(fleet.share()).isEqualTo(0.5);
    // when: partitions were added (8 now) and a new task opens before the count is read again
    fleet.opened(task(6));
    // then: the highest task seen stands in for the count (3 of at least 7), then the real count
    assertThat(fleet.share()).isCloseTo(3 / 7.0, within(1e-9));
    fleet.inputPartitions(8);
    assertThat(fleet.share()).isCloseTo(3 / 8.0, within(1e-9));
    assertThat(fleet.totalTasks()).isEqualTo(8);
  }

  @Test
  void shouldTellListenersEveryChangeAsTasksOfTotal() {
    FleetShare fleet = new FleetShare();
    List<String> heard = new ArrayList<>();
    fleet.onChange((local, total) -> heard.add(local + "/" + total));
    fleet.inputPartitions(6);
    fleet.opened(task(0));
    fleet.opened(task(0)); // a revival opens it again: no change
    fleet.opened(task(3));
    fleet.closed(task(0));
    assertThat(heard).containsExactly("0/0", "0/6", "1/6", "2/6", "1/6");
  }
}
