package dev.identitystream.plaid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ResilienceConfigTest {

  @Test
  void shouldHaveSaneDefaults() {
    // when
    ResilienceConfig config = ResilienceConfig.defaults();

    // then
    assertThat(config.deadline()).isEqualTo(Duration.ofSeconds(60));
    assertThat(config.maxAttempts()).isEqualTo(10);
    assertThat(config.requestsPerMinute()).isZero();
    assertThat(config.baseBackoff()).isLessThan(config.maxBackoff());
    assertThat(config.breakerMinimumCalls()).isLessThanOrEqualTo(config.breakerWindowSize());
    assertThat(config.toBuilder().build()).isEqualTo(config);
  }

  @Test
  void shouldRefuseInvalidSettingsNamingThem() {
    assertThatThrownBy(() -> ResilienceConfig.builder().deadline(Duration.ZERO).build())
        .hasMessageContaining("deadline");
    assertThatThrownBy(() -> ResilienceConfig.builder().maxAttempts(0).build())
        .hasMessageContaining("maxAttempts");
    assertThatThrownBy(
            () ->
                ResilienceConfig.builder()
                    .backoff(Duration.ofSeconds(2), Duration.ofSeconds(1))
                    .build())
        .hasMessageContaining("baseBackoff <= maxBackoff");
    assertThatThrownBy(() -> ResilienceConfig.builder().requestsPerMinute(-1).build())
        .hasMessageContaining("requestsPerMinute");
    assertThatThrownBy(() -> ResilienceConfig.builder().breakerFailureRatePercent(0).build())
        .hasMessageContaining("breakerFailureRatePercent");
    assertThatThrownBy(() -> ResilienceConfig.builder().breakerWindow(0, 1).build())
        .hasMessageContaining("breakerWindowSize");
    assertThatThrownBy(() -> ResilienceConfig.builder().breakerRecheckInterval(null).build())
        .hasMessageContaining("breakerRecheckInterval");
  }
}
