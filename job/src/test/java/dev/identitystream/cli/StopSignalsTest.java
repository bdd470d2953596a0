package dev.identitystream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The stop request as commands see it (signals themselves are sent to child JVMs in the ITs). */
class StopSignalsTest {

  @Test
  void shouldReportAStopRequestOnceAndKeepTheFirstReason() throws InterruptedException {
    try (StopSignals signals = StopSignals.install()) {
      assertThat(signals.received()).isFalse();
      assertThat(signals.await(Duration.ofMillis(10))).isFalse();

      signals.requestStop("SIGTERM");
      signals.requestStop("SIGINT");

      assertThat(signals.received()).isTrue();
      assertThat(signals.await(Duration.ZERO)).isTrue();
      assertThat(signals.signalName()).isEqualTo("SIGTERM");
    }
  }
}
