package dev.identitystream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.identitystream.app.config.AppConfig;
import dev.identitystream.emulator.PlaidEmulator;
import dev.identitystream.local.KafkaBrokerExtension;
import dev.identitystream.local.TestClients;
import dev.identitystream.topology.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run} in its own JVM: SIGTERM and SIGINT stop it with exit 0; a clean stop leaves the
 * consumer group, so the next start is assigned its tasks at once (not after the 45 s session
 * timeout); after a {@code kill -9} the next start says, in one line, why it waits.
 */
class RestartIT {

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  private static final String RUNNING = "REBALANCING -> RUNNING";

  @TempDir Path dir;
  private PlaidEmulator emulator;

  @AfterEach
  void tearDown() {
    if (emulator != null) {
      emulator.close();
    }
  }

  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void shouldRestartAtOnceAfterACleanStopAndSayWhyItWaitsAfterACrash() throws Exception {
    // given the job running in its own JVM
    String secret = JobTestSupport.newSecret();
    emulator = JobTestSupport.emulator(secret, Duration.ZERO);
    Topics topics = JobTestSupport.uniqueTopics("restart");
    Map<String, String> settings =
        new LinkedHashMap<>(
            JobTestSupport.config(
                KAFKA.bootstrapServers(),
                emulator,
                secret,
                TestClients.uniqueName("restart-app"),
                topics,
                dir.resolve("state")));
    settings.put(AppConfig.METRICS_PORT_CONFIG, "-1");
    Path config = CliTestSupport.configFile(dir, settings);
    try (JobProcess job = JobProcess.run(config, Map.of(), dir.resolve("job.log"))) {
      job.start();
      job.awaitLog(RUNNING, Duration.ofSeconds(90));

      // when SIGTERM
      assertThat(job.terminate(Duration.ofSeconds(60))).isTrue();

      // then a clean exit
      assertThat(job.exitCode()).as(job.logTail(20)).hasValue(ExitCodes.OK);
      assertThat(job.logContains("SIGTERM received: closing cleanly")).isTrue();

      // and the next start runs well before the old member's session (45 s) could have expired
      long restarted = System.nanoTime();
      job.start();
      await().atMost(Duration.ofSeconds(90)).until(() -> job.logCount(RUNNING) == 2);
      assertThat(Duration.ofNanos(System.nanoTime() - restarted))
          .isLessThan(Duration.ofSeconds(25));
      assertThat(job.logContains("still has")).isFalse();

      // when killed, the next start says why it waits
      job.kill9();
      job.start();
      job.awaitLog("still has 1 member(s) from before this start", Duration.ofSeconds(60));
      assertThat(job.logContains("session.timeout.ms=45000")).isTrue();

      // and Ctrl-C stops it with exit 0, even while it waits
      assertThat(job.interrupt(Duration.ofSeconds(60))).isTrue();
      assertThat(job.exitCode()).as(job.logTail(20)).hasValue(ExitCodes.OK);
    }
  }
}
