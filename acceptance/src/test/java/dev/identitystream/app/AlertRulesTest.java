package dev.identitystream.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
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
 * config/alerts.yml and config/prometheus.yml through promtool (Debian's prometheus package,
 * installed by {@code .ci/install-tools}): the rules parse, each alert fires exactly when its
 * condition has held for its {@code for} (promtool's unit tests in
 * acceptance/src/test/resources/prometheus/alerts-test.yml), and the compose stack's Prometheus
 * configuration loads with its rule file. PrometheusIT evaluates the same rules against a running
 * job.
 */
class AlertRulesTest {

  static final List<String> ALERTS =
      List.of(
          "PlaidIdentityStreamDown",
          "PlaidIdentityStreamStalled",
          "PlaidIdentityStreamDlqGrowing",
          "PlaidCircuitBreakerOpen",
          "PlaidClientRefused",
          "PlaidIdentityStreamConsumerLag");

  @TempDir Path tmp;
  private Path promtool;

  @BeforeEach
  void setUp() {
    promtool =
        ExternalTools.require(
            "promtool", "config/alerts.yml and config/prometheus.yml with promtool");
  }

  private ExternalTools.Run promtool(String... args) {
    List<String> command = new ArrayList<>(List.of(promtool.toString()));
    command.addAll(List.of(args));
    return ExternalTools.run(command, Map.of(), Duration.ofMinutes(1));
  }

  @Test
  void shouldDeclareTheAlertsTheStackNeeds() {
    JsonNode groups =
        ComposeFile.read(ComposeFile.ROOT.resolve("config/alerts.yml")).path("groups");
    List<String> names = new ArrayList<>();
    groups.forEach(
        group -> group.path("rules").forEach(rule -> names.add(rule.path("alert").asText())));
    assertThat(names).containsExactlyInAnyOrderElementsOf(ALERTS);
  }

  @Test
  void shouldPassPromtoolsCheckOfTheRules() {
    ExternalTools.Run run = promtool("check", "rules", "config/alerts.yml");
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output()).contains("SUCCESS: " + ALERTS.size() + " rules found");
  }

  @Test
  void shouldFireEachAlertWhenItsConditionHoldsAndNotOtherwise() {
    ExternalTools.Run run =
        promtool("test", "rules", "acceptance/src/test/resources/prometheus/alerts-test.yml");
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output()).contains("SUCCESS");
    String tests =
        ComposeFile.read(
                ComposeFile.ROOT.resolve(
                    "acceptance/src/test/resources/prometheus/alerts-test.yml"))
            .toString();
    assertThat(ALERTS)
        .allSatisfy(alert -> assertThat(tests).contains("\"alertname\":\"" + alert + "\""));
  }

  @Test
  void shouldLoadTheComposeStacksPrometheusConfigurationWithItsRules() {
    ExternalTools.Run run = promtool("check", "config", "config/prometheus.yml");
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output()).contains("SUCCESS: 1 rule files found");
  }

  @Test
  void shouldRefuseBrokenRulesSoThatTheChecksAboveCanFail() throws IOException {
    // given: the rules with one expression broken, and a unit test expecting an alert that never
    // fires
    String rules = Files.readString(ComposeFile.ROOT.resolve("config/alerts.yml"));
    Path broken = Files.writeString(tmp.resolve("alerts.yml"), rules.replace("== 0\n", "== \n"));
    Path quiet =
        Files.writeString(
            tmp.resolve("quiet.yml"),
            rules.replace("(plaid_client_error_paused) == 1", "(plaid_client_error_paused) == 2"));
    String unitTests =
        Files.readString(
                ComposeFile.ROOT.resolve(
                    "acceptance/src/test/resources/prometheus/alerts-test.yml"))
            .replace("../../../../../config/alerts.yml", quiet.toString());
    Path tests = Files.writeString(tmp.resolve("alerts-test.yml"), unitTests);

    // then
    assertThat(promtool("check", "rules", broken.toString()).exitCode()).isNotZero();
    ExternalTools.Run run = promtool("test", "rules", tests.toString());
    assertThat(run.exitCode()).as(run.output()).isNotZero();
    assertThat(run.output()).contains("PlaidClientRefused");
  }
}
