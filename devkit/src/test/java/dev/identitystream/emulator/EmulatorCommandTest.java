package dev.identitystream.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class EmulatorCommandTest {

  private static EmulatorCommand parse(Map<String, String> env, String... args) {
    return parse(env, new StringWriter(), args);
  }

  private static EmulatorCommand parse(Map<String, String> env, StringWriter err, String... args) {
    EmulatorCommand command = new EmulatorCommand(env);
    CommandLine commandLine = new CommandLine(command);
    commandLine.setErr(new PrintWriter(err, true));
    commandLine.parseArgs(args);
    return command;
  }

  @Test
  void shouldBuildOptionsFromFlagsAndEnvironment() throws Exception {
    // given
    Map<String, String> env = Map.of("PLAID_CLIENT_ID", "env-client", "PLAID_SECRET", "env-secret");

    // when
    EmulatorOptions options =
        parse(
                env,
                "--port",
                "0",
                "--latency-ms",
                "100",
                "--latency-max-ms",
                "150",
                "--fault",
                "429=0.1",
                "--fault",
                "timeout=0.01",
                "--item-rpm",
                "15",
                "--client-rpm",
                "2000",
                "--seed",
                "5")
            .toOptions();

    // then
    assertThat(options.clientId()).isEqualTo("env-client");
    assertThat(options.secret()).isEqualTo("env-secret");
    assertThat(options.latency())
        .isEqualTo(LatencyModel.uniform(Duration.ofMillis(100), Duration.ofMillis(150)));
    assertThat(options.faults().rate(FaultKind.RATE_LIMIT_429)).isEqualTo(0.1);
    assertThat(options.faults().rate(FaultKind.TIMEOUT)).isEqualTo(0.01);
    assertThat(options.itemRequestsPerMinute()).isEqualTo(15);
    assertThat(options.clientRequestsPerMinute()).isEqualTo(2000);
    assertThat(options.seed()).isEqualTo(5);
    assertThat(options.toString()).doesNotContain("env-secret");
  }

  @Test
  void shouldReadTheSecretFromAnOwnerOnlyFile(@TempDir Path dir) throws Exception {
    // given
    Path file = Files.writeString(dir.resolve("secret"), "file-secret\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    StringWriter err = new StringWriter();

    // when
    EmulatorOptions options =
        parse(Map.of(), err, "--client-id", "flag-client", "--secret-file", file.toString())
            .toOptions();

    // then
    assertThat(options.clientId()).isEqualTo("flag-client");
    assertThat(options.secret()).isEqualTo("file-secret");
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void shouldWarnWhenTheSecretFileIsReadableByOthers(@TempDir Path dir) throws Exception {
    // given
    Path file = Files.writeString(dir.resolve("secret"), "file-secret");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    StringWriter err = new StringWriter();

    // when
    parse(Map.of(), err, "--secret-file", file.toString()).toOptions();

    // then
    assertThat(err.toString()).contains("readable by other users").doesNotContain("file-secret");
  }

  @Test
  void shouldNameTheOptionOfAValueOutOfRange(@TempDir Path dir) {
    Map<String[], String> expected =
        Map.of(
            new String[] {"--latency-ms", "-5"}, "--latency-ms must be 0 or more, was -5",
            new String[] {"--handler-threads", "-1"}, "--handler-threads must be 0 or more, was -1",
            new String[] {"--client-rpm", "-3"}, "--client-rpm must be 0 or more, was -3",
            new String[] {"--stats-interval-s", "-1"},
                "--stats-interval-s must be 0 or more, was -1",
            new String[] {"--timeout-hold-ms", "0"}, "--timeout-hold-ms must be 1 or more, was 0",
            new String[] {"--secret-file", dir.toString()},
                "cannot read the secret file " + dir + ": it is a directory");
    expected.forEach(
        (args, message) -> {
          // when
          StringWriter err = new StringWriter();
          CommandLine commandLine = new CommandLine(new EmulatorCommand(Map.of()));
          commandLine.setErr(new PrintWriter(err));
          int exitCode = commandLine.execute(args);

          // then
          assertThat(exitCode).as(args[0]).isEqualTo(CommandLine.ExitCode.USAGE);
          assertThat(err.toString()).as(args[0]).startsWith(message).doesNotContain("warning");
        });
  }

  @Test
  void shouldRefuseASecretOnTheCommandLine() {
    // given
    StringWriter err = new StringWriter();
    CommandLine commandLine = new CommandLine(new EmulatorCommand(Map.of()));
    commandLine.setErr(new PrintWriter(err));

    // when
    int exitCode = commandLine.execute("--secret", "oops");

    // then
    assertThat(exitCode).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(err.toString()).contains("Unknown option");
  }

  @Test
  void shouldPrintTheBaseUrlOnStart() throws Exception {
    // given
    StringWriter out = new StringWriter();
    EmulatorCommand command = new EmulatorCommand(Map.of());
    CommandLine commandLine = new CommandLine(command);
    commandLine.setOut(new PrintWriter(out));
    commandLine.parseArgs("--latency-ms", "5");

    // when
    try (PlaidEmulator emulator = command.start()) {
      // then
      assertThat(out.toString()).contains("Plaid emulator listening on " + emulator.baseUrl());
      assertThat(
              new EmulatorClient(emulator).post(EmulatorClient.body("access-sandbox-cli")).status())
          .isEqualTo(200);
    }
  }
}
