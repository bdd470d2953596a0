package dev.identitystream.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class EmulatorStatsTest {

  private static EmulatorStats.Arrival at(int second, String item) {
    return new EmulatorStats.Arrival(Instant.EPOCH.plusSeconds(second), item);
  }

  @Test
  void shouldFindTheBusiestSlidingWindow() {
    // given
    EmulatorStats stats =
        new EmulatorStats(
            6,
            Map.of(),
            Map.of(),
            Map.of(),
            0,
            1,
            new TreeMap<>(),
            List.of(at(0, "a"), at(10, "b"), at(59, "a"), at(60, "a"), at(61, "a"), at(200, "a")));

    // when / then
    assertThat(stats.maxArrivalsWithin(Duration.ofMinutes(1), null)).isEqualTo(4);
    assertThat(stats.maxArrivalsWithin(Duration.ofMinutes(1), "a")).isEqualTo(3);
    assertThat(stats.maxArrivalsWithin(Duration.ofSeconds(1), "b")).isEqualTo(1);
  }
}
