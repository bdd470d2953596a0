package dev.identitystream.app.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.identitystream.app.config.AppConfig;
import dev.identitystream.app.job.StreamingJob;
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

  @Test
  void shouldServeJvmProcessAndBuildMetricsAndEveryCounterAtZeroBeforeAnyRequest() {
    // given
    AppConfig config = config("-1");
    try (Observability observability = Observability.create(config);
        StreamingJob job = job(config)) {
      // when: bound, before any request
      observability.bind(job);
      String scrape = observability.registry().scrape();

      // then JVM and process metrics are there
      assertThat(scrape)
          .contains("jvm_memory_used_bytes{area=\"heap\"")
          .contains("jvm_threads_live_threads ")
          .contains("jvm_classes_loaded_classes ")
          .contains("jvm_info{")
          .contains("process_cpu_usage ")
          .contains("process_uptime_seconds ")
          .contains("process_files_open_files ")
          .contains("system_cpu_count ");
      // and the build's version
      assertThat(scrape)
          .containsPattern(
              "(?m)^plaid_identity_stream_build_info\\{version=\"[^\"]+\"\\} 1(\\.0)?$");
      // and every counter of the job at zero, the output topics' included
      assertThat(scrape)
          .contains(
              "plaid_requests_total{error_code=\"none\",error_type=\"none\",outcome=\"success\"} 0.0")
          .contains(
              "plaid_requests_total{error_code=\"none\",error_type=\"none\",outcome=\"exhausted\"} 0.0")
          .contains("plaid_request_duration_seconds_count{outcome=\"error_answer\"} 0")
          .contains("plaid_attempt_duration_seconds_count{outcome=\"transport_failure\"} 0")
          .contains("plaid_retries_total{error_code=\"none\",error_type=\"none\"} 0.0")
          .contains("plaid_client_error_pauses_total{error_code=\"none\",error_type=\"none\"} 0.0")
          .contains("plaid_breaker_transitions_total{state=\"open\"} 0.0")
          .contains("stage_dlq_records_total 0.0")
          .contains(
              "stage_pending_capacity_per_task "
                  + config.getInt(AppConfig.STAGE_MAX_PENDING_CONFIG)
                  + ".0");
      for (String topic : config.topics().outputs()) {
        assertThat(scrape).contains("stage_records_out_total{topic=\"" + topic + "\"} 0.0");
      }
    }
  }
}
