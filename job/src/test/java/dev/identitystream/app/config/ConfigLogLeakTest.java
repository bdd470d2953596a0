package dev.identitystream.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.identitystream.LogCapture;
import dev.identitystream.app.ExitCodes;
import dev.identitystream.app.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Plaid secret and Kafka passwords never reach a log line nor the console when the
 * configuration is wrong (or right: validate-config masks them), whatever the mistake: a secret as
 * a flag, a secret in a file others may read, an invalid value next to a secret, an unknown key.
 * Kafka's own config logging is captured at TRACE too.
 */
class ConfigLogLeakTest {

  private static final String SECRET = "cfg-s3cret-0b9e4d";
  private static final String JAAS_PASSWORD = "jaas-pa55-77c1f2";
  private static final String JAAS =
      "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\""
          + JAAS_PASSWORD
          + "\";";

  @TempDir Path dir;

  @Test
  void shouldNeverPrintOrLogASecretOnAConfigurationError() throws IOException {
    // given
    Path open = file("open.properties", "plaid.secret=" + SECRET + "\n", "rw-r--r--");
    Path invalid =
        file(
            "invalid.properties",
            "plaid.secret=" + SECRET + "\nsasl.jaas.config=" + JAAS + "\nplaid.max.in.flight=0\n",
            "rw-------");
    Path unknown =
        file(
            "unknown.properties",
            "plaid.secret=" + SECRET + "\nplaid.secrte=" + SECRET + "\n",
            "rw-------");
    Path valid =
        file(
            "valid.properties",
            "bootstrap.servers=127.0.0.1:1\nplaid.client.id=cid\nplaid.secret="
                + SECRET
                + "\nsasl.jaas.config="
                + JAAS
                + "\nsecurity.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\n",
            "rw-------");
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    PrintStream out = System.out;
    PrintStream err = System.err;
    try (LogCapture logs = LogCapture.start("dev.identitystream", "org.apache.kafka")) {
      System.setOut(new PrintStream(console, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(console, true, StandardCharsets.UTF_8));

      // when
      List<Integer> exits =
          List.of(
              Main.execute("validate-config", "--set", "plaid.secret=" + SECRET),
              Main.execute("validate-config", "--set", "sasl.jaas.config=" + JAAS),
              Main.execute("validate-config", "--config", open.toString()),
              Main.execute("validate-config", "--config", invalid.toString()),
              Main.execute("validate-config", "--config", unknown.toString()),
              Main.execute("run", "--config", invalid.toString()),
              Main.execute("validate-config", "--config", valid.toString()));
      assertThatThrownBy(
              () ->
                  ConfigLoader.load(
                      null,
                      Map.of(ConfigLoader.ENV_SECRET, SECRET, "PIS_PLAID_ENV", "staging"),
                      Map.of()))
          .satisfies(e -> assertThat(e.toString()).contains("plaid.env").doesNotContain(SECRET));

      // then every bad configuration failed, the valid one passed, and no secret was printed or
      // logged
      System.setOut(out);
      System.setErr(err);
      assertThat(exits)
          .containsExactly(
              ExitCodes.CONFIG,
              ExitCodes.CONFIG,
              ExitCodes.CONFIG,
              ExitCodes.CONFIG,
              ExitCodes.CONFIG,
              ExitCodes.CONFIG,
              ExitCodes.OK);
      String printed = console.toString(StandardCharsets.UTF_8);
      assertThat(printed)
          .contains("plaid.secret=[hidden]")
          .contains("sasl.jaas.config=[hidden]")
          .doesNotContain(SECRET)
          .doesNotContain(JAAS_PASSWORD);
      logs.assertNoneContains(List.of(SECRET, JAAS_PASSWORD));
      assertThat(logs.texts())
          .as("Kafka logged the configuration it was given")
          .anyMatch(text -> text.contains("StreamsConfig values"));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  private Path file(String name, String content, String perms) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, content);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(perms));
    return file;
  }
}
