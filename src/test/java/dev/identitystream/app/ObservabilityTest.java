package dev.identitystream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.identitystream.plaid.PlaidClient;
import dev.identitystream.plaid.PlaidResult;
import dev.identitystream.topology.StageMetrics;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ObservabilityTest {

  @TempDir Path stateDir;

  private AppConfig config(String port) {
    Map<String, String> settings = new HashMap<>();
    settings.put("bootstrap.servers", "127.0.0.1:1");
    settings.put("state.dir", stateDir.toString());
    settings.put(AppConfig.METRICS_PORT_CONFIG, port);
    return new AppConfig(settings);
  }

  private static StreamingJob job(AppConfig config) {
    PlaidClient client = request -> CompletableFuture.<PlaidResult>completedFuture(null);
    return new StreamingJob(config, client, Clock.systemUTC(), StageMetrics.NONE);
  }

  @Test
  void shouldFailNamingTheKeyWhenThePortIsTakenBeforeAnyJobExists() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      // given
      AppConfig config = config(Integer.toString(taken.getLocalPort()));

      // when / then: create() opens the endpoint, so the port fails before Kafka is touched
      assertThatThrownBy(() -> Observability.create(config))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining(AppConfig.METRICS_PORT_CONFIG)
          .hasMessageContaining(Integer.toString(taken.getLocalPort()));
    }
  }

  @Test
  void shouldServeNothingWhenThePortIsMinusOne() {
    // given
    AppConfig config = config("-1");
    try (Observability observability = Observability.create(config);
        StreamingJob job = job(config)) {
      // when
      observability.bind(job);
      // then
      assertThat(observability.url()).isEmpty();
      assertThat(observability.registry().find(JobMetrics.IN_FLIGHT_CAPACITY).gauge()).isNotNull();
    }
  }
}
