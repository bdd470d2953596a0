package dev.identitystream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local pipeline of docs/operations.md, as written: {@code broker}, {@code emulator} and {@code
 * run --config config/local.properties} each in its own JVM, then {@code enqueue} of {@code
 * config/sample-tokens.csv} and {@code tail}. Only the ports differ from the docs (free ones,
 * through the {@code PIS_*} variables and {@code --set}, so parallel builds on this machine do not
 * collide); the configuration file is the repository's own, its relative {@code state.dir} in a
 * temporary working directory.
 *
 * <p>Then every part stops on a signal with exit 0, and the broker, started again on its data
 * directory, still has the outputs.
 */
class LocalPipelineIT {

  private static final Path LOCAL_PROPERTIES = Path.of("config/local.properties").toAbsolutePath();
  private static final Path SAMPLE_TOKENS = Path.of("config/sample-tokens.csv").toAbsolutePath();
  private static final List<String> COMPLETED =
      List.of("req-alice", "req-bob", "req-carol", "req-dave", "req-erin");

  @TempDir Path dir;

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void shouldRunTheReadmePipelineAndStopEveryPartCleanly() throws Exception {
    // given a broker, the emulator and the job, started as docs/operations.md says
    int kafkaPort = freePort();
    int emulatorPort = freePort();
    String bootstrap = "127.0.0.1:" + kafkaPort;
    Path data = dir.resolve("kafka-data");
    Map<String, String> jobEnv =
        Map.of(
            "PIS_BOOTSTRAP_SERVERS", bootstrap,
            "PIS_PLAID_BASE_URL", "http://127.0.0.1:" + emulatorPort,
            "PIS_METRICS_PORT", "0",
            "PLAID_CLIENT_ID", "local",
            "PLAID_SECRET", "local-secret");
    try (JobProcess broker =
            process(
                List.of(
                    "broker", "--port", Integer.toString(kafkaPort), "--data-dir", data.toString()),
                Map.of(),
                "broker");
        JobProcess emulator =
            process(
                List.of(
                    "emulator", "--port", Integer.toString(emulatorPort), "--client-id", "local"),
                Map.of("PLAID_SECRET", "local-secret"),
                "emulator");
        JobProcess job =
            process(List.of("run", "--config", LOCAL_PROPERTIES.toString()), jobEnv, "run");
        JobProcess follow =
            process(
                List.of(
                    "tail",
                    "items",
                    "--config",
                    LOCAL_PROPERTIES.toString(),
                    "--follow",
                    "--compact"),
                Map.of("PIS_BOOTSTRAP_SERVERS", bootstrap),
                "tail-follow")) {
      broker.start();
      emulator.start();
      broker.awaitLog("listening on " + bootstrap, Duration.ofSeconds(90));
      emulator.awaitLog("Plaid emulator listening on", Duration.ofSeconds(30));
      job.start();
      job.awaitLog("REBALANCING -> RUNNING", Duration.ofSeconds(90));
      follow.start();

      // when
      CliTestSupport.Run enqueue =
          cli(
              "enqueue",
              "--config",
              LOCAL_PROPERTIES.toString(),
              "--input",
              SAMPLE_TOKENS.toString(),
              "--set",
              "bootstrap.servers=" + bootstrap);

      // then every request that can complete quickly has its Item status, and tail shows them
      assertThat(enqueue.exitCode()).as(enqueue.err()).isEqualTo(ExitCodes.OK);
      assertThat(enqueue.out()).contains("Sent 6 request(s) to identity-backfill-requests");
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofSeconds(1))
          .untilAsserted(
              () ->
                  assertThat(tail(bootstrap, "items", "--from-beginning", "--compact").out())
                      .contains(COMPLETED));
      CliTestSupport.Run items = tail(bootstrap, "items", "--from-beginning", "--compact");
      assertThat(items.out().lines().count()).isEqualTo(5);
      assertThat(items.out()).contains("\"status\":\"ERROR\"").doesNotContain("access-sandbox");
      assertThat(tail(bootstrap, "item-errors", "--from-beginning").out())
          .contains("\"error_code\" : \"ITEM_LOGIN_REQUIRED\"")
          .contains("\"request_id\" : \"req-dave\"");
      assertThat(tail(bootstrap, "backfill-requests", "--max", "2", "--from-beginning").out())
          .contains("\"access_token\" : \"[redacted]\"")
          .doesNotContain("access-sandbox");
      follow.awaitLog("req-erin", Duration.ofSeconds(30));

      // and every part stops on a signal with exit 0
      assertThat(follow.interrupt(Duration.ofSeconds(30))).isTrue();
      assertThat(follow.exitCode()).hasValue(ExitCodes.OK);
      assertThat(job.terminate(Duration.ofSeconds(60))).as(job.logTail(20)).isTrue();
      assertThat(job.exitCode()).as(job.logTail(20)).hasValue(ExitCodes.OK);
      assertThat(job.logContains("SIGTERM received: closing cleanly")).isTrue();
      assertThat(emulator.interrupt(Duration.ofSeconds(30))).isTrue();
      assertThat(emulator.exitCode()).hasValue(ExitCodes.OK);
      assertThat(broker.terminate(Duration.ofSeconds(60))).as(broker.logTail(20)).isTrue();
      assertThat(broker.exitCode()).as(broker.logTail(20)).hasValue(ExitCodes.OK);
      assertThat(broker.logContains("Broker stopped; its data stays in " + data)).isTrue();

      // and a second start of the broker reuses its data
      broker.start();
      broker.awaitLog(
          "topics, records and offsets of earlier runs are kept", Duration.ofSeconds(90));
      assertThat(tail(bootstrap, "items", "--from-beginning", "--compact").out().lines().count())
          .isEqualTo(5);
      assertThat(broker.interrupt(Duration.ofSeconds(60))).isTrue();
      assertThat(broker.exitCode()).hasValue(ExitCodes.OK);
    }
  }

  private JobProcess process(List<String> args, Map<String, String> env, String name) {
    return JobProcess.command(args, env, dir.resolve(name + ".log"), dir, List.of());
  }

  private static CliTestSupport.Run tail(String bootstrap, String topic, String... options) {
    String[] args = new String[6 + options.length];
    args[0] = "tail";
    args[1] = topic;
    args[2] = "--config";
    args[3] = LOCAL_PROPERTIES.toString();
    args[4] = "--set";
    args[5] = "bootstrap.servers=" + bootstrap;
    System.arraycopy(options, 0, args, 6, options.length);
    return cli(args);
  }

  private static CliTestSupport.Run cli(String... args) {
    return CliTestSupport.run(args);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
