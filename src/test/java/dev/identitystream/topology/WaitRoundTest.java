package dev.identitystream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WaitRoundTest {

  private static final long MAX_BLOCK = 1_000;

  private final WaitRound waitRound = new WaitRound();

  @Test
  void shouldLetFullTasksOfOnePassShareOneDeadline() {
    // given: task A starts a round at t=0 and waits it out
    long roundOfA = waitRound.join(-1, 0, MAX_BLOCK);

    // when: tasks B and C, full too, wait right after in the same pass
    long roundOfB = waitRound.join(-1, MAX_BLOCK + 1, MAX_BLOCK);
    long roundOfC = waitRound.join(-1, MAX_BLOCK + 2, MAX_BLOCK);

    // then: they join A's round, whose deadline has passed: no more waiting in this pass
    assertThat(roundOfB).isEqualTo(roundOfA);
    assertThat(roundOfC).isEqualTo(roundOfA);
    assertThat(waitRound.deadlineNanos()).isEqualTo(MAX_BLOCK);
  }

  @Test
  void shouldStartNextRoundWhenTaskWaitsAgain() {
    // given
    long first = waitRound.join(-1, 0, MAX_BLOCK);
    waitRound.join(-1, MAX_BLOCK + 1, MAX_BLOCK);

    // when: task A is full again on the next pass
    long second = waitRound.join(first, MAX_BLOCK + 5, MAX_BLOCK);

    // then
    assertThat(second).isEqualTo(first + 1);
    assertThat(waitRound.deadlineNanos()).isEqualTo(2 * MAX_BLOCK + 5);
  }

  @Test
  void shouldStartNewRoundWhenCurrentOneIsStale() {
    // given
    long first = waitRound.join(-1, 0, MAX_BLOCK);

    // when: another task is full long after the round ended
    long later = waitRound.join(-1, 2 * MAX_BLOCK + 1, MAX_BLOCK);

    // then: it gets a whole wait of its own
    assertThat(later).isEqualTo(first + 1);
    assertThat(waitRound.deadlineNanos()).isEqualTo(3 * MAX_BLOCK + 1);
  }
}
