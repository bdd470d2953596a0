package dev.identitystream.app.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitystream.app.CliTestSupport;
import dev.identitystream.app.ExitCodes;
import dev.identitystream.app.config.AppConfig;
import dev.identitystream.plaid.cassette.Cassette;
import dev.identitystream.plaid.cassette.CassetteWriter;
import dev.identitystream.plaid.cassette.Fingerprinter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code record} command's refusals, which all come before Kafka is contacted (none runs here).
 */
class RecordCommandTest {

  private static final String KEY = "record-test-key-0123456789";

  @TempDir Path dir;

  @Test
  void shouldRefuseToRecordWithoutACassetteKey() throws Exception {
    // given
    Path config = CliTestSupport.configFile(dir, settings(null));
    Path cassette = dir.resolve("cassette.jsonl");

    // when
    CliTestSupport.Run run =
        CliTestSupport.run("record", "-c", config.toString(), "--cassette", cassette.toString());

    // then
    assertThat(run.exitCode()).isEqualTo(ExitCodes.CONFIG);
    assertThat(run.err()).contains("cassette.key is missing");
    assertThat(cassette).doesNotExist();
  }

  @Test
  void shouldRefuseAKeyTooShortWithoutPrintingIt() throws Exception {
    // given
    Path config = CliTestSupport.configFile(dir, settings("tiny-KEY"));

    // when
    CliTestSupport.Run run =
        CliTestSupport.run(
            "record", "-c", config.toString(), "--cassette", dir.resolve("c.jsonl").toString());

    // then
    assertThat(run.exitCode()).isEqualTo(ExitCodes.CONFIG);
    assertThat(run.err()).contains("cassette.key is too short").doesNotContain("tiny-KEY");
  }

  @Test
  void shouldRefuseToOverwriteACassetteWithoutAppend() throws Exception {
    // given
    Path config = CliTestSupport.configFile(dir, settings(KEY));
    Path cassette = existingCassette(KEY);
    byte[] before = Files.readAllBytes(cassette);

    // when
    CliTestSupport.Run run =
        CliTestSupport.run("record", "-c", config.toString(), "--cassette", cassette.toString());

    // then
    assertThat(run.exitCode()).isEqualTo(ExitCodes.INPUT);
    assertThat(run.err()).contains("already exists").contains("--append");
    assertThat(Files.readAllBytes(cassette)).isEqualTo(before);
  }

  @Test
  void shouldRefuseToAppendToACassetteOfAnotherKey() throws Exception {
    // given
    Path config = CliTestSupport.configFile(dir, settings(KEY));
    Path cassette = existingCassette("another-key-0123456789");

    // when
    CliTestSupport.Run run =
        CliTestSupport.run(
            "record", "-c", config.toString(), "--cassette", cassette.toString(), "--append");

    // then
    assertThat(run.exitCode()).isEqualTo(ExitCodes.CONFIG);
    assertThat(run.err()).contains("cassette.key is not the key");
  }

  private static Map<String, String> settings(String key) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("bootstrap.servers", "127.0.0.1:1"); // never reached: every refusal comes first
    settings.put(AppConfig.PLAID_BASE_URL_CONFIG, "http://127.0.0.1:1");
    settings.put(AppConfig.PLAID_CLIENT_ID_CONFIG, "client");
    settings.put(AppConfig.PLAID_SECRET_CONFIG, "secret");
    if (key != null) {
      settings.put(AppConfig.CASSETTE_KEY_CONFIG, key);
    }
    return settings;
  }

  private Path existingCassette(String key) throws Exception {
    Path cassette = dir.resolve("cassette.jsonl");
    Fingerprinter fingerprinter = Fingerprinter.withKey(key.getBytes(StandardCharsets.UTF_8));
    try (CassetteWriter writer =
        CassetteWriter.startNew(cassette, Cassette.Header.of(Instant.EPOCH, fingerprinter))) {
      assertThat(writer.failure()).isNull();
    }
    return cassette;
  }
}
