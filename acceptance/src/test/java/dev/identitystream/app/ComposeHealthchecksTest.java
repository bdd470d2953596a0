package dev.identitystream.app;

import static dev.identitystream.app.ComposeFile.strings;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.identitystream.app.observability.Health;
import dev.identitystream.app.observability.MetricsServer;
import dev.identitystream.emulator.EmulatorOptions;
import dev.identitystream.emulator.PlaidEmulator;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

/**
 * The health checks of docker-compose.yml, run as Docker runs them ({@code bash -c ...}, here on
 * this machine) against the real endpoints they probe: the job's {@code /health/ready} (healthy on
 * 200 only: not while starting, not while Plaid refuses the client, not when nothing listens) and
 * the emulator's port. Only the port number is changed, to a free one.
 */
class ComposeHealthchecksTest {

  private final JsonNode services = ComposeFile.compose().path("services");

  /** The check's command for bash, from a compose test of the form [CMD, bash, -c, script]. */
  private String bashScript(String service) {
    List<String> test = strings(services.path(service).path("healthcheck").path("test"));
    assertThat(test.subList(0, 3)).as(service).containsExactly("CMD", "bash", "-c");
    return test.get(3);
  }

  private static int bash(String script) {
    return ExternalTools.run(List.of("bash", "-c", script), Map.of(), Duration.ofSeconds(20))
        .exitCode();
  }

  @Test
  void shouldFindTheJobHealthyOnlyWhileReady() throws Exception {
    // given the job's endpoint, with readiness we switch
    AtomicReference<Health> ready =
        new AtomicReference<>(Health.ready(KafkaStreams.State.REBALANCING));
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try {
      MetricsServer server =
          MetricsServer.start(
              "127.0.0.1",
              0,
              registry,
              () -> Health.live(KafkaStreams.State.RUNNING, null),
              ready::get);
      for (String service : List.of("job", "job-plaid")) {
        String script = bashScript(service);
        assertThat(script).contains("/dev/tcp/127.0.0.1/9464");
        String here =
            script.replace("/dev/tcp/127.0.0.1/9464", "/dev/tcp/127.0.0.1/" + server.port());

        // when / then: starting, running, paused for a client error
        ready.set(Health.ready(KafkaStreams.State.REBALANCING));
        assertThat(bash(here)).as(service + " while rebalancing").isNotZero();
        ready.set(Health.ready(KafkaStreams.State.RUNNING));
        assertThat(bash(here)).as(service + " while running").isZero();
        ready.set(Health.ready(KafkaStreams.State.RUNNING, "INVALID_INPUT/INVALID_API_KEYS"));
        assertThat(bash(here)).as(service + " while paused").isNotZero();
      }
      int port = server.port();
      server.close(); // and then nothing listens there
      String closed =
          bashScript("job").replace("/dev/tcp/127.0.0.1/9464", "/dev/tcp/127.0.0.1/" + port);
      assertThat(bash(closed)).as("nothing listening").isNotZero();
    } finally {
      registry.close();
    }
  }

  @Test
  void shouldFindTheEmulatorHealthyWhileItListens() {
    // given
    String script = bashScript("emulator");
    List<String> command = strings(services.path("emulator").path("command"));
    String composePort = command.get(command.indexOf("--port") + 1);
    assertThat(script).contains("/dev/tcp/127.0.0.1/" + composePort);
    PlaidEmulator emulator = PlaidEmulator.start(EmulatorOptions.defaults());
    String here =
        script.replace(
            "/dev/tcp/127.0.0.1/" + composePort, "/dev/tcp/127.0.0.1/" + emulator.port());

    // when / then
    try (emulator) {
      assertThat(bash(here)).isZero();
    }
    assertThat(bash(here)).isNotZero();
  }
}
