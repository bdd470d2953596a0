package dev.identitystream.app.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The wait every long-running command shares (the job's own stop is covered by the crash ITs). */
class JobLifecycleTest {

  @Test
  void shouldEndTheWaitWhenTheCommandsConditionHolds() throws Exception {
    AtomicInteger checks = new AtomicInteger();
    try (JobLifecycle lifecycle = JobLifecycle.install()) {
      JobLifecycle.Outcome outcome =
          lifecycle.await(null, Duration.ofMillis(1), () -> checks.incrementAndGet() >= 3);

      assertThat(outcome).isEqualTo(JobLifecycle.Outcome.DONE);
      assertThat(checks).hasValue(3);
      assertThat(lifecycle.stopRequested()).isFalse();
    }
  }

  @Test
  void shouldEndTheWaitOnAStopRequestBeforeLookingAtTheCondition() throws Exception {
    try (JobLifecycle lifecycle = JobLifecycle.install()) {
      lifecycle.requestStop("SIGTERM");

      assertThat(lifecycle.await(null, Duration.ofMillis(1), () -> true))
          .isEqualTo(JobLifecycle.Outcome.SIGNAL);
      assertThat(lifecycle.await(null, Duration.ofMillis(1)))
          .isEqualTo(JobLifecycle.Outcome.SIGNAL);
      lifecycle.awaitSignal();
      assertThat(lifecycle.signalName()).isEqualTo("SIGTERM");
    }
  }
}
