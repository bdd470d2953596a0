package dev.identitystream.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Runs the real commands in-process (Main.execute never calls System.exit). */
class MainTest {

  @Test
  void shouldPrintHelpForEveryCommand() {
    for (String command :
        new String[] {"run", "validate-config", "enqueue", "tail", "redrive", "backfill"}) {
      assertThat(Main.execute(command, "--help")).as(command).isEqualTo(ExitCodes.OK);
    }
  }

  @Test
  void shouldRefuseADevkitCommandThatThisJarLacksEvenWithHelpOrVersion() {
    // given the job's commands alone, as in the runtime jar (the devkit is not on this class path)
    for (String[] args :
        new String[][] {{"demo"}, {"demo", "--help"}, {"broker", "-V"}, {"replay", "-h"}}) {
      // when
      CliTestSupport.Run run = CliTestSupport.run(args);

      // then
      assertThat(run.exitCode()).as(String.join(" ", args)).isEqualTo(ExitCodes.USAGE);
      assertThat(run.err())
          .as(String.join(" ", args))
          .startsWith("Unknown command '" + args[0] + "': it is a development command of the full")
          .contains("target/plaid-identity-stream.jar")
          .contains("run, enqueue, tail, redrive, backfill, validate-config");
      assertThat(run.out()).isEmpty();
    }
  }

  @Test
  void shouldRefuseAnUnknownCommandEvenWithHelpOrVersion() {
    CliTestSupport.Run run = CliTestSupport.run("nosuch", "-V");
    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).startsWith("Unknown command 'nosuch'; the commands are run, enqueue");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void shouldSayWhatIsWrongWithAKeyValueOptionWithoutPicoclisDoubledWord() {
    CliTestSupport.Run run = CliTestSupport.run("run", "--set", "nokey");
    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err())
        .startsWith("Value for option '--set' (KEY=VALUE) should be in KEY=VALUE format")
        .doesNotContain("option option");
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
