package dev.identitystream.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class LatencyModelTest {

  private static long[] samples(LatencyModel model, int n) {
    Mix64 random = new Mix64(1);
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      out[i] = model.sampleNanos(random.nextDouble(), random.nextDouble());
    }
    Arrays.sort(out);
    return out;
  }

  @Test
  void shouldSampleAFixedDelay() {
    assertThat(LatencyModel.fixed(Duration.ofMillis(100)).sampleNanos(0.3, 0.9))
        .isEqualTo(100_000_000L);
  }

  @Test
  void shouldSampleUniformlyWithinBounds() {
    long[] s = samples(LatencyModel.uniform(Duration.ofMillis(50), Duration.ofMillis(150)), 10_000);
    assertThat(s[0]).isGreaterThanOrEqualTo(50_000_000L);
    assertThat(s[s.length - 1]).isLessThanOrEqualTo(150_000_000L);
    assertThat(s[s.length / 2]).isBetween(95_000_000L, 105_000_000L);
  }

  @Test
  void shouldSampleLogNormalWithTheGivenMedianAndP99() {
    long[] s =
        samples(LatencyModel.logNormal(Duration.ofMillis(100), Duration.ofMillis(400)), 20_000);
    assertThat(s[s.length / 2]).isBetween(95_000_000L, 105_000_000L);
    assertThat(s[(int) (s.length * 0.99)]).isBetween(360_000_000L, 440_000_000L);
    assertThat(s[s.length - 1]).isLessThanOrEqualTo(4_000_000_000L);
  }

  @Test
  void shouldRejectImpossibleModels() {
    assertThatThrownBy(() -> LatencyModel.uniform(Duration.ofMillis(5), Duration.ofMillis(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LatencyModel.logNormal(Duration.ofMillis(5), Duration.ofMillis(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LatencyModel.fixed(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
