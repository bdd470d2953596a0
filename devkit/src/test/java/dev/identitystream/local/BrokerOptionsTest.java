package dev.identitystream.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BrokerOptionsTest {

  @Test
  void shouldRefuseKeysThatDefineTheNode() {
    // given
    BrokerOptions options = BrokerOptions.defaults();

    // when / then
    assertThatThrownBy(() -> options.withProperty("listeners", "PLAINTEXT://0.0.0.0:9092"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("listeners");
    assertThatThrownBy(() -> options.withProperties(Map.of("node.id", "2")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldMergeExtraPropertiesWithLaterValuesWinning() {
    // given
    BrokerOptions options = BrokerOptions.defaults().withProperty("num.partitions", "3");

    // when
    BrokerOptions merged =
        options.withProperties(Map.of("num.partitions", "6", "log.retention.ms", "1000"));

    // then
    assertThat(merged.extraProperties())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("num.partitions", "6", "log.retention.ms", "1000"));
    assertThat(options.extraProperties()).containsExactlyEntriesOf(Map.of("num.partitions", "3"));
  }

  @Test
  void shouldRefuseInvalidPortAndTimeout() {
    // given
    BrokerOptions options = BrokerOptions.defaults();

    // when / then
    assertThatThrownBy(() -> options.withPort(70_000)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> options.withStartTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
