package dev.identitystream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @TempDir Path dir;

  private Path file(String content, String perms) throws IOException {
    Path file = dir.resolve("job.properties");
    Files.writeString(file, content);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(perms));
    return file;
  }

  @Test
  void shouldLayerFileThenEnvironmentThenFlags() throws IOException {
    Path file = file("bootstrap.servers=file:9092\nplaid.max.in.flight=10\ntopic.items=file-items\n", "rw-r--r--");
    AppConfig config =
        ConfigLoader.load(
            file,
            Map.of("PIS_PLAID_MAX_IN_FLIGHT", "20", "PIS_TOPIC_ITEM___ERRORS", "env-errors", "PIS_BOOTSTRAP_SERVERS", "env:9092"),
            Map.of("plaid.max.in.flight", "30"));
    assertThat(config.getInt(AppConfig.PLAID_MAX_IN_FLIGHT_CONFIG)).isEqualTo(30);
    assertThat(config.topics().itemErrors()).isEqualTo("env-errors");
    assertThat(config.topics().items()).isEqualTo("file-items");
    assertThat(config.kafkaProps()).containsEntry("bootstrap.servers", "env:9092");
  }

  @Test
  void shouldLeaveTheLoggingVariablesToLogback() {
    // when
    AppConfig config =
        ConfigLoader.load(null, Map.of(ConfigLoader.ENV_LOG_FORMAT, "json", ConfigLoader.ENV_LOG_LEVEL, "DEBUG"), Map.of());

    // then they do not reach Kafka Streams as log.format / log.level
    assertThat(config.kafkaProps()).doesNotContainKeys("log.format", "log.level");
  }

  @Test
  void shouldPassKafkaKeysAndKafkaTopicPrefixesThrough() {
    AppConfig config =
        ConfigLoader.load(null, Map.of(), Map.of("security.protocol", "SASL_SSL", "topic.segment.bytes", "1048576"));
    assertThat(config.kafkaProps()).containsEntry("security.protocol", "SASL_SSL").containsEntry("topic.segment.bytes", "1048576");
  }

  @Test
  void shouldFailOnAnUnknownAppKeyNamingIt() {
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("plaid.max.inflight", "5")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("plaid.max.inflight");
  }

  @Test
  void shouldFailOnAnInvalidValueNamingTheKey() {
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("plaid.max.in.flight", "0")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("plaid.max.in.flight");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("plaid.env", "staging")))
        .hasMessageContaining("plaid.env");
  }

  @Test
  void shouldRefuseSecretsOnTheCommandLine() {
    for (String key : new String[] {"plaid.secret", "sasl.jaas.config", "ssl.keystore.password"}) {
      assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of(key, "s3cr3t-value")))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("command line")
          .hasMessageNotContaining("s3cr3t-value");
    }
  }

  @Test
  void shouldTakeCredentialsFromTheEnvironment() {
    AppConfig config = ConfigLoader.load(null, Map.of("PLAID_CLIENT_ID", "id-1", "PLAID_SECRET", "s3cr3t"), Map.of());
    assertThat(config.getString(AppConfig.PLAID_CLIENT_ID_CONFIG)).isEqualTo("id-1");
    assertThat(config.plaidSecret().value()).isEqualTo("s3cr3t");
    assertThat(config.plaidSecret().toString()).doesNotContain("s3cr3t");
  }

  @Test
  void shouldRefuseASecretInAFileOthersCanRead() throws IOException {
    Path open = file("plaid.secret=s3cr3t\n", "rw-r--r--");
    assertThatThrownBy(() -> ConfigLoader.load(open, Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("chmod 600")
        .hasMessageNotContaining("s3cr3t");
    Path closed = file("plaid.secret=s3cr3t\n", "rw-------");
    assertThat(ConfigLoader.load(closed, Map.of(), Map.of()).plaidSecret().value()).isEqualTo("s3cr3t");
  }

  @Test
  void shouldMapEnvironmentNamesToKeys() {
    assertThat(ConfigLoader.envToKey("BOOTSTRAP_SERVERS")).isEqualTo("bootstrap.servers");
    assertThat(ConfigLoader.envToKey("TOPIC_ITEM___ERRORS")).isEqualTo("topic.item-errors");
    assertThat(ConfigLoader.envToKey("SOME__UNDERSCORE_KEY")).isEqualTo("some_underscore.key");
  }
}
