package dev.identitystream.app;

import static dev.identitystream.app.ComposeFile.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker-compose.yml exactly as it is in the repository, top-level {@code name} included, against
 * the current Compose Specification's JSON schema: npm's {@code dclint} (installed by {@code
 * .ci/install-tools} at a pinned version) bundles that schema and validates the file with it (YAML
 * merge keys resolved) before its own lint rules. Debian's {@code docker-compose} 1.29 ({@link
 * ComposeConfigTest}) resolves interpolation and profiles but predates the specification's
 * top-level {@code name}; this test is the one that reads the file whole.
 *
 * <p>Only dclint's errors fail the check ({@code --quiet}); its warnings are style (key and service
 * order, quoting). Its error rules all apply, so the job services' {@code build} with {@code image}
 * must carry a {@code pull_policy}.
 */
class ComposeSpecTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  private Path dclint;
  private String text;

  @BeforeEach
  void setUp() throws IOException {
    dclint =
        ExternalTools.require(
            "dclint", "docker-compose.yml against the Compose Specification's JSON schema");
    text = Files.readString(ROOT.resolve("docker-compose.yml"));
  }

  /** dclint's errors for {@code file}: rule and message, one string each. */
  private List<String> errors(Path file) {
    ExternalTools.Run run =
        ExternalTools.run(
            List.of(
                dclint.toString(),
                file.toString(),
                "--quiet",
                "--color",
                "false",
                "--formatter",
                "json"),
            Map.of(),
            Duration.ofMinutes(1));
    String output = run.output();
    int start = output.indexOf('[');
    assertThat(start).as("dclint's JSON report: " + output).isNotNegative();
    List<String> errors = new ArrayList<>();
    try {
      for (JsonNode report : JSON.readTree(output.substring(start))) {
        for (JsonNode message : report.path("messages")) {
          errors.add(message.path("rule").asText() + ": " + message.path("message").asText());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("dclint's report is not JSON: " + output, e);
    }
    assertThat(run.exitCode()).as(output).isEqualTo(errors.isEmpty() ? 0 : 1);
    return errors;
  }

  private Path variant(String name, String from, String to) throws IOException {
    assertThat(text).as("the line to change in " + name).contains(from);
    return Files.writeString(tmp.resolve(name + ".yml"), text.replace(from, to));
  }

  @Test
  void shouldMatchTheComposeSpecificationAsItIsTopLevelNameIncluded() {
    assertThat(text).containsPattern("(?m)^name: plaid-identity-stream$");
    assertThat(errors(ROOT.resolve("docker-compose.yml"))).isEmpty();
  }

  @Test
  void shouldBeCheckedAgainstASchemaThatKnowsTheTopLevelName() throws IOException {
    // a top-level key the specification does not have is refused: so `name` passes on its merits
    assertThat(errors(variant("names", "\nname: plaid-identity-stream\n", "\nnames: x\n")))
        .anyMatch(e -> e.startsWith("invalid-schema:"));
    // and the name must be a string
    assertThat(errors(variant("name-list", "\nname: plaid-identity-stream\n", "\nname: [a, b]\n")))
        .anyMatch(e -> e.startsWith("invalid-schema:"));
  }

  @Test
  void shouldRefuseWhatTheSpecificationRefuses() throws IOException {
    // a misspelt key in a service, and in the anchor every job service merges
    assertThat(
            errors(
                variant(
                    "misspelt",
                    "    stop_grace_period: 30s\n    environment:\n      CLUSTER_ID",
                    "    stop_grace_periods: 30s\n    environment:\n      CLUSTER_ID")))
        .anyMatch(e -> e.contains("instancePath=\"/services/kafka\""));
    assertThat(
            errors(
                variant(
                    "misspelt-anchor",
                    "  stop_grace_period: 45s\n",
                    "  stop_grace_periods: 45s\n")))
        .anyMatch(e -> e.startsWith("invalid-schema:") && e.contains("instancePath=\"/services/"));
    // a duration that is not a string, and a depends_on condition that does not exist
    assertThat(errors(variant("interval", "    interval: 10s\n", "    interval: 10\n")))
        .anyMatch(e -> e.contains("/healthcheck/interval"));
    assertThat(
            errors(
                variant(
                    "condition",
                    "condition: service_completed_successfully",
                    "condition: service_completed")))
        .anyMatch(e -> e.contains("instancePath=\"/services/job/depends_on"));
  }
}
