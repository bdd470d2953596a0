package dev.identitystream.app.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams.State;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MetricsServerTest {

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicReference<State> state = new AtomicReference<>(State.REBALANCING);
  private final HttpClient http = HttpClient.newHttpClient();
  private MetricsServer server;

  @BeforeEach
  void start() throws Exception {
    server =
        MetricsServer.start(
            "127.0.0.1",
            0,
            registry,
            () -> Health.live(state.get(), null),
            () -> Health.ready(state.get()));
  }

  @AfterEach
  void stop() {
    server.close();
    registry.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(server.url() + path)).GET().build());
  }

  private HttpResponse<String> send(HttpRequest request) throws Exception {
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void shouldServeMetricsInPrometheusTextFormat() throws Exception {
    // given
    Counter.builder("stage.records.out")
        .tag("topic", "identity-items")
        .register(registry)
        .increment(3);
    // when
    HttpResponse<String> response = get("/metrics");
    // then
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
    assertThat(response.body()).contains("stage_records_out_total{topic=\"identity-items\"} 3.0");
  }

  @Test
  void shouldAnswerReadinessFromTheStreamsState() throws Exception {
    // when
    HttpResponse<String> rebalancing = get("/health/ready");
    state.set(State.RUNNING);
    HttpResponse<String> running = get("/health/ready");
    // then
    assertThat(rebalancing.statusCode()).isEqualTo(503);
    assertThat(rebalancing.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(rebalancing.body())
        .contains("\"reason\":\"Kafka Streams is REBALANCING, not RUNNING\"");
    assertThat(running.statusCode()).isEqualTo(200);
  }

  @Test
  void shouldAnswerLivenessFromTheStreamsState() throws Exception {
    // when
    HttpResponse<String> rebalancing = get("/health/live");
    state.set(State.ERROR);
    HttpResponse<String> error = get("/health/live");
    // then
    assertThat(rebalancing.statusCode()).isEqualTo(200);
    assertThat(error.statusCode()).isEqualTo(503);
  }

  @Test
  void shouldRefuseUnknownPathsAndOtherMethods() throws Exception {
    // when
    HttpResponse<String> unknown = get("/metrics/extra");
    HttpResponse<String> post =
        send(
            HttpRequest.newBuilder(URI.create(server.url() + "/metrics"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());
    // then
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(post.statusCode()).isEqualTo(405);
  }
}
