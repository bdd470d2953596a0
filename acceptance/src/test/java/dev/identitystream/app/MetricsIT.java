package dev.identitystream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.identitystream.app.config.AppConfig;
import dev.identitystream.app.job.PlaidClients;
import dev.identitystream.app.job.StreamingJob;
import dev.identitystream.app.observability.Observability;
import dev.identitystream.emulator.PlaidEmulator;
import dev.identitystream.local.KafkaBrokerExtension;
import dev.identitystream.local.TestClients;
import dev.identitystream.topology.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The job's HTTP endpoint on a real broker and the emulator: counters move, readiness follows. */
class MetricsIT {

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  @TempDir Path stateDir;
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void shouldExposeCountersAfterRequestsAndBeReadyWhileRunning() throws Exception {
    try (JobTestSupport.Resources resources = new JobTestSupport.Resources()) {
      // given
      String secret = JobTestSupport.newSecret();
      PlaidEmulator emulator = resources.add(JobTestSupport.emulator(secret, Duration.ofMillis(5)));
      Topics topics = JobTestSupport.uniqueTopics("metrics");
      Map<String, String> settings =
          JobTestSupport.config(
              KAFKA.bootstrapServers(),
              emulator,
              secret,
              TestClients.uniqueName("metrics"),
              topics,
              stateDir);
      settings.put(AppConfig.TOPICS_PARTITIONS_CONFIG, "2");
      settings.put(AppConfig.METRICS_PORT_CONFIG, "0");
      AppConfig config = new AppConfig(settings);
      Observability observability = resources.add(Observability.create(config));
      StreamingJob job =
          resources.add(
              new StreamingJob(
                  config,
                  PlaidClients.create(config, observability.metrics()),
                  Clock.systemUTC(),
                  observability.metrics()));
      observability.bind(job);
      String url = observability.url().orElseThrow();
      // when
      job.start();
      JobTestSupport.produceRequests(KAFKA.bootstrapServers(), topics.requests(), "m", 4, 0, 5);
      try (KafkaProducer<String, String> producer =
          TestClients.producer(KAFKA.bootstrapServers())) {
        producer.send(
            new ProducerRecord<>(
                topics.requests(),
                "customer-err",
                "{\"access_token\":\"access-sandbox-error-ITEM_LOGIN_REQUIRED-1\",\"request_id\":\"err-1\"}"));
        producer.send(new ProducerRecord<>(topics.requests(), "customer-bad", "not json"));
        producer.flush();
      }
      // then
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                String metrics = get(url + "/metrics").body();
                assertThat(
                        value(
                            metrics,
                            "plaid_requests_total\\{error_code=\"none\",error_type=\"none\",outcome=\"success\"\\}"))
                    .isEqualTo(20.0);
                assertThat(
                        value(
                            metrics,
                            "plaid_requests_total\\{error_code=\"ITEM_LOGIN_REQUIRED\",error_type=\"ITEM_ERROR\",outcome=\"error_answer\"\\}"))
                    .isEqualTo(1.0);
                assertThat(
                        value(
                            metrics,
                            "stage_records_out_total\\{topic=\"" + topics.items() + "\"\\}"))
                    .isGreaterThanOrEqualTo(20.0);
                assertThat(
                        value(
                            metrics, "stage_records_out_total\\{topic=\"" + topics.dlq() + "\"\\}"))
                    .isEqualTo(1.0);
                assertThat(
                        value(
                            metrics,
                            "plaid_request_duration_seconds_count\\{outcome=\"success\"\\}"))
                    .isEqualTo(20.0);
                assertThat(value(metrics, "stage_in_flight_capacity")).isEqualTo(256.0);
              });
      String metrics = get(url + "/metrics").body();
      assertThat(metrics)
          .contains("kafka_stream_thread_process_total")
          .contains("kafka_consumer_fetch_manager_records_lag_max")
          .doesNotContain("access-sandbox")
          .doesNotContain(secret)
          .contains(
              "plaid_identity_stream_build_info{version=\""
                  + PomVersions.projectVersion()
                  + "\"} 1");
      // (Kafka's per-partition metrics are picked up every 10 s after the partitions are assigned)
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(() -> assertReadmeTableIsWhatMetricsServes(get(url + "/metrics").body()));
      HttpResponse<String> ready = get(url + "/health/ready");
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(get(url + "/health/live").statusCode()).isEqualTo(200);
    }
  }

  /**
   * The metric tables of docs/operations.md ("Metrics and health") name exactly the job's own
   * series that /metrics serves with exactly their labels, every JVM and process metric served, and
   * every Kafka metric they list with its labels ({@link MetricTables}).
   */
  private static void assertReadmeTableIsWhatMetricsServes(String scrape) throws Exception {
    String operations =
        java.nio.file.Files.readString(
            Path.of(System.getProperty("user.dir"), "docs", "operations.md"));
    int start = operations.indexOf("## Metrics and health");
    String section = operations.substring(start, operations.indexOf("\n## ", start + 1));
    assertThat(MetricTables.documented(section))
        .as("names in docs/operations.md's metric tables")
        .hasSizeGreaterThan(25);
    assertThat(MetricTables.mismatches(section, scrape))
        .as("docs/operations.md's metric tables against /metrics")
        .isEmpty();
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The value of the first sample matching {@code series} (a regex), or -1 when absent. */
  private static double value(String scrape, String series) {
    Matcher matcher = Pattern.compile("(?m)^" + series + " (\\S+)$").matcher(scrape);
    return matcher.find() ? Double.parseDouble(matcher.group(1)) : -1;
  }
}
