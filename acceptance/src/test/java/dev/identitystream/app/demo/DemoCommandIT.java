package dev.identitystream.app.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitystream.app.ExitCodes;
import dev.identitystream.app.JobProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first-run experience in its own JVM, its temporary directory pointed at the test's: the demo
 * exits 0 with no ERROR and no stack trace, explains its counts, says what to try next, and leaves
 * no directory behind; {@code demo --no-job} runs the broker and the emulator until Ctrl-C (exit
 * 0).
 */
class DemoCommandIT {

  @TempDir Path dir;

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void shouldExplainItsCountsAndLeaveNothingBehind() throws Exception {
    // given
    Path tmp = Files.createDirectory(dir.resolve("tmp"));
    try (JobProcess demo =
        JobProcess.command(
            List.of("demo"),
            Map.of(),
            dir.resolve("demo.log"),
            dir,
            List.of("-Djava.io.tmpdir=" + tmp))) {
      // when
      demo.start();
      await(demo);

      // then
      String log = Files.readString(demo.logFile());
      assertThat(demo.exitCode()).as(log).hasValue(ExitCodes.OK);
      assertThat(log)
          .contains("Every expected output arrived.")
          .contains("Why these counts:")
          .containsPattern(
              "identity-items +20 OK \\(one per successful request\\) and 2 ERROR: Plaid refused 3 requests")
          .contains("Try next")
          .doesNotContain("ERROR ")
          .doesNotContain("Exception")
          .doesNotContain("\tat ");
      assertThat(leftIn(tmp)).as("left in java.io.tmpdir").isEmpty();
    }
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void shouldRunOnlyTheBrokerAndTheEmulatorUntilCtrlC() throws Exception {
    // given
    Path tmp = Files.createDirectory(dir.resolve("tmp"));
    int kafkaPort = freePort();
    int emulatorPort = freePort();
    try (JobProcess services =
        JobProcess.command(
            List.of(
                "demo",
                "--no-job",
                "--broker-port",
                Integer.toString(kafkaPort),
                "--emulator-port",
                Integer.toString(emulatorPort)),
            Map.of(),
            dir.resolve("services.log"),
            dir,
            List.of("-Djava.io.tmpdir=" + tmp))) {
      services.start();
      services.awaitLog("Ctrl-C or SIGTERM stops both", Duration.ofSeconds(90));

      // when Ctrl-C
      boolean exited = services.interrupt(Duration.ofSeconds(60));

      // then
      assertThat(exited).isTrue();
      assertThat(services.exitCode()).as(services.logTail(20)).hasValue(ExitCodes.OK);
      assertThat(services.logContains("Kafka broker:   127.0.0.1:" + kafkaPort)).isTrue();
      assertThat(services.logContains("Plaid emulator: http://127.0.0.1:" + emulatorPort)).isTrue();
      assertThat(services.logContains("REBALANCING")).as("no job runs").isFalse();
      assertThat(leftIn(tmp)).isEmpty();
    }
  }

  private static void await(JobProcess process) {
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(150))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> !process.isAlive());
  }

  /**
   * What is left in a directory, JVM perf data aside (the JVM keeps it in the OS temp dir anyway).
   */
  private static List<Path> leftIn(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> !p.getFileName().toString().startsWith("hsperfdata")).toList();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
