package dev.identitystream.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FaultRatesTest {

  @Test
  void shouldPickKindsByCumulativeRate() {
    FaultRates rates =
        FaultRates.none().with(FaultKind.RATE_LIMIT_429, 0.1).with(FaultKind.TIMEOUT, 0.2);
    assertThat(rates.pick(0.05)).isEqualTo(FaultKind.RATE_LIMIT_429);
    assertThat(rates.pick(0.25)).isEqualTo(FaultKind.TIMEOUT);
    assertThat(rates.pick(0.31)).isNull();
    assertThat(FaultRates.none().pick(0.0)).isNull();
  }

  @Test
  void shouldRejectRatesOutOfRange() {
    assertThatThrownBy(() -> FaultRates.none().with(FaultKind.DROP, 1.5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> FaultRates.none().with(FaultKind.DROP, 0.6).with(FaultKind.TIMEOUT, 0.6))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
