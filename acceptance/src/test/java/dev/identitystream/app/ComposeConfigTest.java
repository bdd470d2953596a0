package dev.identitystream.app;

import static dev.identitystream.app.ComposeFile.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker-compose.yml read by a real compose implementation: Debian's {@code docker-compose} 1.29
 * (installed by {@code .ci/install-tools}), whose {@code config} validates a file against its
 * Compose Specification schema and resolves it (merge keys, interpolation, profiles, service
 * references of depends_on and network_mode) without a Docker engine.
 *
 * <p>1.29 predates one key of today's Compose Specification that the file uses, the top-level
 * {@code name}: the file is given to it without that line (and the name as {@code -p}); {@link
 * ComposeFileTest} checks the name. Docker's own parser (compose-go) is not installable here: npm's
 * {@code @balena/compose-parser} downloads its binary from GitHub or builds it with Go modules,
 * neither reachable from this machine.
 */
class ComposeConfigTest {

  private static final String PROJECT = "plaid-identity-stream";

  @TempDir Path tmp;
  private Path compose;
  private Path withoutName;

  @BeforeEach
  void setUp() throws IOException {
    compose =
        ExternalTools.require("docker-compose", "docker-compose.yml with a real compose parser");
    String text = Files.readString(ROOT.resolve("docker-compose.yml"));
    String stripped = text.replaceFirst("(?m)^name: " + PROJECT + "\\n", "");
    assertThat(stripped).as("the top-level name line").isNotEqualTo(text);
    withoutName = Files.writeString(tmp.resolve("docker-compose.yml"), stripped);
  }

  private ExternalTools.Run config(Path file, Map<String, String> env, String... options) {
    List<String> command =
        new ArrayList<>(
            List.of(
                compose.toString(),
                "--project-directory",
                ROOT.toString(),
                "-p",
                PROJECT,
                "-f",
                file.toString()));
    command.addAll(List.of(options));
    command.add("config");
    return ExternalTools.run(command, env, Duration.ofMinutes(1));
  }

  private JsonNode resolved(Map<String, String> env, String... options) {
    ExternalTools.Run run = config(withoutName, env, options);
    assertThat(run.exitCode()).as(run.output()).isZero();
    try {
      String yaml = run.output().substring(run.output().indexOf("services:"));
      return new ObjectMapper(new YAMLFactory()).readTree(yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void shouldDeclareExactlyTheProfilesLocalAndPlaid() {
    // when
    ExternalTools.Run profiles = config(withoutName, Map.of(), "--profile", "local");
    ExternalTools.Run listed =
        ExternalTools.run(
            List.of(
                compose.toString(),
                "--project-directory",
                ROOT.toString(),
                "-p",
                PROJECT,
                "-f",
                withoutName.toString(),
                "config",
                "--profiles"),
            Map.of(),
            Duration.ofMinutes(1));

    // then (1.29's config lists every service with its profiles; it does not filter by --profile)
    assertThat(profiles.exitCode()).as(profiles.output()).isZero();
    assertThat(listed.output().lines().toList()).containsExactly("local", "plaid");
    JsonNode services = resolved(Map.of()).path("services");
    assertThat(services.fieldNames())
        .toIterable()
        .containsExactlyInAnyOrder(
            "kafka", "topic-init", "emulator", "job", "job-plaid", "prometheus", "grafana");
    assertThat(ComposeFile.strings(services.path("emulator").path("profiles")))
        .containsExactly("local");
    assertThat(ComposeFile.strings(services.path("job").path("profiles"))).containsExactly("local");
    assertThat(ComposeFile.strings(services.path("job-plaid").path("profiles")))
        .containsExactly("plaid");
    for (String always : List.of("kafka", "topic-init", "prometheus", "grafana")) {
      assertThat(services.path(always).has("profiles")).as(always).isFalse();
    }
  }

  @Test
  void shouldGiveTheLocalProfileTheEmulatorsCredentialsOnlyWhateverTheShellHolds() {
    // when: a shell that holds real credentials
    JsonNode services =
        resolved(Map.of("PLAID_CLIENT_ID", "real-id", "PLAID_SECRET", "real-secret"))
            .path("services");

    // then the local job and the emulator get the made-up ones, never the real ones
    for (String name : List.of("job", "emulator")) {
      JsonNode env = services.path(name).path("environment");
      assertThat(env.path("PLAID_CLIENT_ID").asText()).as(name).isEqualTo("local-client");
      assertThat(env.path("PLAID_SECRET").asText()).as(name).isEqualTo("local-secret");
      assertThat(services.path(name).toString())
          .as(name)
          .doesNotContain("real-secret")
          .doesNotContain("real-id");
    }
    assertThat(services.path("job").path("network_mode").asText()).isEqualTo("service:emulator");
    assertThat(services.path("job").path("stop_grace_period").asText()).isEqualTo("45s");
    assertThat(
            services.path("kafka").path("environment").path("KAFKA_ADVERTISED_LISTENERS").asText())
        .isEqualTo("PLAINTEXT://kafka:9092,HOST://127.0.0.1:9092");
  }

  @Test
  void shouldGiveThePlaidJobTheEnvironmentsChoices() {
    // when
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PLAID_ENV", "production");
    env.put("PLAID_SECRET", "from-shell");
    env.put("KAFKA_HOST_PORT", "19093");
    env.put("PLAID_SECRETS_DIR", "/etc/plaid-secrets");
    JsonNode services = resolved(env, "--profile", "plaid").path("services");

    // then: the secret from the shell, the client id left to the file (unset in the shell: null)
    JsonNode job = services.path("job-plaid").path("environment");
    assertThat(job.path("PIS_PLAID_ENV").asText()).isEqualTo("production");
    assertThat(job.path("PLAID_SECRET").asText()).isEqualTo("from-shell");
    assertThat(job.path("PLAID_CLIENT_ID").isNull()).as(job.toString()).isTrue();
    assertThat(job.path("PLAID_SECRET_FILE").asText()).isEqualTo("/run/secrets/plaid/secret");
    assertThat(services.path("job-plaid").path("volumes").toString())
        .contains("/etc/plaid-secrets:/run/secrets/plaid:ro");
    assertThat(
            services.path("kafka").path("environment").path("KAFKA_ADVERTISED_LISTENERS").asText())
        .endsWith("HOST://127.0.0.1:19093");
    assertThat(services.path("kafka").path("ports").toString()).contains("127.0.0.1:19093:19092");
  }

  @Test
  void shouldDefaultThePlaidEnvironmentToSandbox() {
    JsonNode job = resolved(Map.of(), "--profile", "plaid").path("services").path("job-plaid");
    assertThat(job.path("environment").path("PIS_PLAID_ENV").asText()).isEqualTo("sandbox");
  }

  @Test
  void shouldRejectAFileThatBreaksTheSpecification() throws IOException {
    // given: the same file with a misspelt key and with a service reference that does not exist
    String text = Files.readString(withoutName);
    Path misspelt =
        Files.writeString(
            tmp.resolve("misspelt.yml"),
            text.replace("stop_grace_period: 45s", "stop_grace_periods: 45s"));
    Path dangling =
        Files.writeString(
            tmp.resolve("dangling.yml"),
            text.replace(
                "network_mode: \"service:emulator\"", "network_mode: \"service:emulater\""));

    // then the parser refuses both: the check above is not one that passes whatever the file says
    ExternalTools.Run misspeltRun = config(misspelt, Map.of(), "--profile", "local");
    assertThat(misspeltRun.exitCode()).as(misspeltRun.output()).isNotZero();
    assertThat(misspeltRun.output()).contains("stop_grace_periods");
    ExternalTools.Run danglingRun = config(dangling, Map.of(), "--profile", "local");
    assertThat(danglingRun.exitCode()).as(danglingRun.output()).isNotZero();
    assertThat(danglingRun.output()).contains("emulater");
  }
}
