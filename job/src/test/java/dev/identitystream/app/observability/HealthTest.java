package dev.identitystream.app.observability;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.streams.KafkaStreams.State;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HealthTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "CREATED, 503",
    "REBALANCING, 503",
    "RUNNING, 200",
    "PENDING_SHUTDOWN, 503",
    "NOT_RUNNING, 503",
    "PENDING_ERROR, 503",
    "ERROR, 503"
  })
  void shouldBeReadyOnlyWhenRunning(State state, int status) {
    // when
    Health health = Health.ready(state);
    // then
    assertThat(health.status()).isEqualTo(status);
    assertThat(health.body()).contains("\"state\":\"" + state + "\"");
    if (status == Health.UNAVAILABLE) {
      assertThat(health.body()).contains("\"status\":\"DOWN\"").contains("\"reason\":");
    }
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "CREATED, 200",
    "REBALANCING, 200",
    "RUNNING, 200",
    "PENDING_SHUTDOWN, 200",
    "NOT_RUNNING, 200",
    "PENDING_ERROR, 503",
    "ERROR, 503"
  })
  void shouldBeLiveUnlessStreamsFailed(State state, int status) {
    // when
    Health health = Health.live(state, null);
    // then
    assertThat(health.status()).isEqualTo(status);
  }

  @Test
  void shouldNotBeLiveWhenStoppedAfterAFatalError() {
    // given
    Throwable fatal = new IllegalStateException("secret-looking detail access-sandbox-x");
    // when
    Health health = Health.live(State.NOT_RUNNING, fatal);
    // then
    assertThat(health.status()).isEqualTo(Health.UNAVAILABLE);
    assertThat(health.body()).contains("a stream thread failed").doesNotContain("access-sandbox");
  }

  @Test
  void shouldNotBeReadyWhilePlaidRefusesTheClient() {
    // when
    Health paused = Health.ready(State.RUNNING, "INVALID_INPUT/INVALID_API_KEYS");
    Health resumed = Health.ready(State.RUNNING, null);
    // then
    assertThat(paused.status()).isEqualTo(Health.UNAVAILABLE);
    assertThat(paused.body())
        .contains(
            "\"status\":\"DOWN\"",
            "\"state\":\"RUNNING\"",
            "INVALID_INPUT/INVALID_API_KEYS",
            "paused");
    assertThat(resumed.status()).isEqualTo(Health.OK);
  }
}
