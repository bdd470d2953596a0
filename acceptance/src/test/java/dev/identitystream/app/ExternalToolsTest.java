package dev.identitystream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/** How the deployment tests get their tools, and how they say so when they cannot. */
class ExternalToolsTest {

  @Test
  void shouldSkipSayingWhatWasNotCheckedAndWhyWhenAToolCannotBeHad() {
    java.io.ByteArrayOutputStream said = new java.io.ByteArrayOutputStream();
    assertThatThrownBy(
            () ->
                ExternalTools.require(
                    "no-such-tool-for-this-test",
                    "nothing real",
                    new java.io.PrintStream(said, true, java.nio.charset.StandardCharsets.UTF_8)))
        .isInstanceOf(TestAbortedException.class)
        .hasMessageStartingWith(
            "SKIPPED: nothing real was not checked: no-such-tool-for-this-test is not installed")
        .hasMessageContaining(".ci/install-tools could not install it");
    assertThat(said.toString(java.nio.charset.StandardCharsets.UTF_8))
        .startsWith("SKIPPED: nothing real was not checked");
  }

  @Test
  void shouldFindAnInstalledToolAndRunItWithAMinimalEnvironment() {
    assertThat(ExternalTools.require("bash", "a shell")).isExecutable();
    ExternalTools.Run run =
        ExternalTools.run(
            List.of("bash", "-c", "echo \"$GIVEN/${PLAID_SECRET:-unset}\"; exit 3"),
            Map.of("GIVEN", "x"),
            Duration.ofSeconds(10));
    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.output()).isEqualTo("x/unset\n");
  }
}
