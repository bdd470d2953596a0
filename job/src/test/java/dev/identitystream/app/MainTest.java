package dev.identitystream.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Runs the real commands in-process (Main.execute never calls System.exit). */
class MainTest {

  @Test
  void shouldPrintHelpForEveryCommand() {
    for (String command :
        new String[] {
          "run", "demo", "emulator", "validate-config", "enqueue", "backfill", "record", "replay"
        }) {
      assertThat(Main.execute(command, "--help")).as(command).isEqualTo(ExitCodes.OK);
    }
  }

  @Test
  void shouldExitWithUsageOnAnUnknownOption() {
    assertThat(Main.execute("run", "--no-such-option")).isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void shouldExitWithConfigOnAnInvalidSetting() {
    assertThat(Main.execute("validate-config", "--set", "plaid.max.in.flight=-1"))
        .isEqualTo(ExitCodes.CONFIG);
    assertThat(
            Main.execute(
                "validate-config",
                "--set",
                "processing.guarantee=sometimes",
                "--set",
                "bootstrap.servers=x:1"))
        .isEqualTo(ExitCodes.CONFIG);
  }

  @Test
  void shouldRefuseToRunWithoutCredentials() {
    assertThat(Main.execute("run", "--set", "bootstrap.servers=127.0.0.1:1"))
        .isEqualTo(ExitCodes.CONFIG);
  }
}
