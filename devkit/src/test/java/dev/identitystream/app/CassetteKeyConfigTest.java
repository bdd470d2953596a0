package dev.identitystream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.identitystream.app.config.AppConfig;
import dev.identitystream.app.config.ConfigLoader;
import dev.identitystream.app.config.ValidateConfigCommand;
import dev.identitystream.plaid.cassette.Fingerprinter;
import dev.identitystream.testkit.CassetteKeys;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** {@code cassette.key}: a secret setting, from the environment or a file, never from a flag. */
class CassetteKeyConfigTest {

  private static final String KEY = "cassette-key-from-env-0123456789";

  @Test
  void shouldTakeTheKeyFromPisCassetteKeyInTheEnvironment() {
    // when
    AppConfig config = ConfigLoader.load(null, Map.of("PIS_CASSETTE_KEY", KEY), Map.of());

    // then
    Fingerprinter fingerprinter = CassetteKeys.fingerprinter(config);
    assertThat(fingerprinter.keyId())
        .isEqualTo(Fingerprinter.withKey(KEY.getBytes(StandardCharsets.UTF_8)).keyId());
    assertThat(config.kafkaProps()).doesNotContainKey(AppConfig.CASSETTE_KEY_CONFIG);
  }

  @Test
  void shouldMaskTheKeyAndRefuseItAsAFlag() {
    assertThat(ConfigLoader.isSecret(AppConfig.CASSETTE_KEY_CONFIG)).isTrue();
    assertThat(ValidateConfigCommand.masked(AppConfig.CASSETTE_KEY_CONFIG, KEY))
        .isEqualTo("[hidden]");
    assertThatThrownBy(
            () -> ConfigLoader.load(null, Map.of(), Map.of(AppConfig.CASSETTE_KEY_CONFIG, KEY)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("not accepted on the command line")
        .hasMessageNotContaining(KEY);
  }

  @Test
  void shouldNameTheKeyWhenItIsMissing() {
    // given
    AppConfig config = ConfigLoader.load(null, Map.of(), Map.of());

    // then
    assertThatThrownBy(() -> CassetteKeys.fingerprinter(config))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("cassette.key is missing")
        .hasMessageContaining("PIS_CASSETTE_KEY");
  }
}
