package dev.identitystream.app.config;

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
    Path file =
        file(
            "bootstrap.servers=file:9092\nplaid.max.in.flight=10\ntopic.items=file-items\n",
            "rw-r--r--");
    AppConfig config =
        ConfigLoader.load(
            file,
            Map.of(
                "PIS_PLAID_MAX_IN_FLIGHT",
                "20",
                "PIS_TOPIC_ITEM___ERRORS",
                "env-errors",
                "PIS_BOOTSTRAP_SERVERS",
                "env:9092"),
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
        ConfigLoader.load(
            null,
            Map.of(ConfigLoader.ENV_LOG_FORMAT, "json", ConfigLoader.ENV_LOG_LEVEL, "DEBUG"),
            Map.of());

    // then they do not reach Kafka Streams as log.format / log.level
    assertThat(config.kafkaProps()).doesNotContainKeys("log.format", "log.level");
  }

  @Test
  void shouldPassKafkaKeysAndKafkaTopicPrefixesThrough() {
    AppConfig config =
        ConfigLoader.load(
            null,
            Map.of(),
            Map.of("security.protocol", "SASL_SSL", "topic.segment.bytes", "1048576"));
    assertThat(config.kafkaProps())
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("topic.segment.bytes", "1048576");
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
    AppConfig config =
        ConfigLoader.load(
            null, Map.of("PLAID_CLIENT_ID", "id-1", "PLAID_SECRET", "s3cr3t"), Map.of());
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
    assertThat(ConfigLoader.load(closed, Map.of(), Map.of()).plaidSecret().value())
        .isEqualTo("s3cr3t");
  }

  @Test
  void shouldMapEnvironmentNamesToKeys() {
    assertThat(ConfigLoader.envToKey("BOOTSTRAP_SERVERS")).isEqualTo("bootstrap.servers");
    assertThat(ConfigLoader.envToKey("TOPIC_ITEM___ERRORS")).isEqualTo("topic.item-errors");
    assertThat(ConfigLoader.envToKey("SOME__UNDERSCORE_KEY")).isEqualTo("some_underscore.key");
  }

  @Test
  void shouldReadCredentialsFromTheFilesTheFileVariablesNameWhenTheVariablesAreUnset()
      throws IOException {
    // given: Docker-style secret files (the value alone, a final newline)
    Path id = Files.writeString(dir.resolve("client_id"), "id-from-file\n");
    Path secret = Files.writeString(dir.resolve("secret"), "  s3cr3t-from-file\r\n");
    Map<String, String> env =
        Map.of(
            ConfigLoader.ENV_CLIENT_ID_FILE,
            id.toString(),
            ConfigLoader.ENV_SECRET_FILE,
            secret.toString());

    // when
    AppConfig fromFiles = ConfigLoader.load(null, env, Map.of());
    Map<String, String> withEmptyVariable = new java.util.HashMap<>(env);
    withEmptyVariable.put(ConfigLoader.ENV_SECRET, "");
    AppConfig emptyVariable = ConfigLoader.load(null, withEmptyVariable, Map.of());

    // then the files are read, trimmed; an empty variable (compose passes an unset one as empty)
    // does not hide them
    assertThat(fromFiles.getString(AppConfig.PLAID_CLIENT_ID_CONFIG)).isEqualTo("id-from-file");
    assertThat(fromFiles.plaidSecret().value()).isEqualTo("s3cr3t-from-file");
    assertThat(emptyVariable.plaidSecret().value()).isEqualTo("s3cr3t-from-file");
  }

  @Test
  void shouldPreferTheVariablesOverTheFilesAndNotReadAFileThatIsNotNeeded() throws IOException {
    Path secret = Files.writeString(dir.resolve("secret"), "from-file\n");
    AppConfig config =
        ConfigLoader.load(
            null,
            Map.of(
                ConfigLoader.ENV_SECRET,
                "from-env",
                ConfigLoader.ENV_SECRET_FILE,
                secret.toString(),
                ConfigLoader.ENV_CLIENT_ID,
                "id",
                ConfigLoader.ENV_CLIENT_ID_FILE,
                dir.resolve("missing").toString()),
            Map.of());
    assertThat(config.plaidSecret().value()).isEqualTo("from-env");
    assertThat(config.getString(AppConfig.PLAID_CLIENT_ID_CONFIG)).isEqualTo("id");
  }

  @Test
  void shouldRefuseAMissingEmptyOrOversizeCredentialFileNamingThePathNeverTheContent()
      throws IOException {
    Path missing = dir.resolve("missing");
    Path empty = Files.writeString(dir.resolve("empty"), " \n");
    Path huge = Files.writeString(dir.resolve("huge"), "s3cr3t".repeat(1000));
    Path unreadable = Files.writeString(dir.resolve("unreadable"), "s3cr3t");
    Files.setPosixFilePermissions(unreadable, PosixFilePermissions.fromString("---------"));

    for (Path file : java.util.List.of(missing, empty, huge)) {
      assertThatThrownBy(
              () ->
                  ConfigLoader.load(
                      null, Map.of(ConfigLoader.ENV_SECRET_FILE, file.toString()), Map.of()))
          .as(file.toString())
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining(ConfigLoader.ENV_SECRET_FILE)
          .hasMessageContaining(file.toString())
          .hasMessageContaining(ConfigLoader.ENV_SECRET)
          .hasMessageNotContaining("s3cr3t");
    }
    boolean root = "root".equals(System.getProperty("user.name")); // root reads any file
    if (!root) {
      assertThatThrownBy(
              () ->
                  ConfigLoader.load(
                      null, Map.of(ConfigLoader.ENV_SECRET_FILE, unreadable.toString()), Map.of()))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("cannot be read")
          .hasMessageNotContaining("s3cr3t");
    }
  }
}
