package dev.identitystream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.identitystream.app.config.AppConfig;
import dev.identitystream.app.job.PlaidClients;
import dev.identitystream.app.job.StreamingJob;
import dev.identitystream.app.observability.Observability;
import dev.identitystream.emulator.OutageMode;
import dev.identitystream.emulator.PlaidEmulator;
import dev.identitystream.local.KafkaBrokerExtension;
import dev.identitystream.local.TestClients;
import dev.identitystream.topology.Topics;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus (Debian's package, installed by {@code .ci/install-tools}) scraping a running
 * job on a real broker while requests flow: every PromQL expression of
 * config/grafana-dashboard.json (its panels and its {@code $job} variable) is evaluated through
 * Prometheus' HTTP API and must return at least one finite sample; config/alerts.yml is loaded as
 * the compose stack loads it, and two alerts fire when their conditions are made true: DLQ growth
 * (requests that are not JSON) and the client-error pause (the emulator answers INVALID_API_KEYS to
 * everything), which clears again when Plaid accepts the client.
 */
class PrometheusIT {

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Grafana's $__rate_interval for a 1 s scrape is 4 s; a little more keeps rate() steady. */
  private static final String RATE_INTERVAL = "10s";

  @TempDir Path stateDir;
  @TempDir Path prometheusDir;

  @Test
  void shouldAnswerEveryDashboardQueryAndFireTheAlertsWhoseConditionsHold() throws Exception {
    Path binary =
        ExternalTools.require(
            "prometheus", "the dashboard's queries and the alert rules against a real Prometheus");
    try (JobTestSupport.Resources resources = new JobTestSupport.Resources()) {
      // given a job on a real broker and the emulator, with its endpoint on loopback
      String secret = JobTestSupport.newSecret();
      PlaidEmulator emulator = resources.add(JobTestSupport.emulator(secret, Duration.ofMillis(5)));
      Topics topics = JobTestSupport.uniqueTopics("prometheus");
      Map<String, String> settings =
          JobTestSupport.config(
              KAFKA.bootstrapServers(),
              emulator,
              secret,
              TestClients.uniqueName("prometheus"),
              topics,
              stateDir);
      settings.put(AppConfig.TOPICS_PARTITIONS_CONFIG, "2");
      settings.put(AppConfig.METRICS_PORT_CONFIG, "0");
      settings.put(AppConfig.PLAID_CLIENT_ERROR_PROBE_MS_CONFIG, "1000");
      settings.put(AppConfig.PLAID_RETRY_BACKOFF_MS_CONFIG, "20");
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
      job.start();
      URI endpoint = URI.create(observability.url().orElseThrow());

      // and a real Prometheus scraping it every second, with the compose stack's alert rules
      PrometheusServer prometheus =
          resources.add(
              PrometheusServer.start(
                  binary,
                  prometheusDir,
                  endpoint.getHost() + ":" + endpoint.getPort(),
                  ComposeFile.ROOT.resolve("config/alerts.yml")));

      // when requests flow: successes, Item errors, a retried 503, input that is not JSON
      resources.add(new RequestFlow(KAFKA.bootstrapServers(), topics.requests()));

      // then every query of the dashboard answers with data
      List<String> queries = dashboardQueries(prometheus);
      assertThat(queries).hasSizeGreaterThanOrEqualTo(25);
      await("every dashboard query answers")
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofSeconds(2))
          .untilAsserted(
              () -> assertThat(unanswered(prometheus, queries)).as(prometheus.log()).isEmpty());
      assertThat(prometheus.targets())
          .allSatisfy(target -> assertThat(target.path("health").asText()).isEqualTo("up"));

      // and DLQ growth fires
      await("DLQ alert")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> firing(prometheus, "PlaidIdentityStreamDlqGrowing"));

      // when Plaid refuses the job's client, the pause alert fires; when it accepts it again, it
      // clears
      assertThat(firing(prometheus, "PlaidClientRefused")).isFalse();
      emulator.setOutage(OutageMode.INVALID_API_KEYS);
      await("client-error alert")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> firing(prometheus, "PlaidClientRefused"));
      emulator.setOutage(OutageMode.NONE);
      await("client-error alert clears")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> !firing(prometheus, "PlaidClientRefused"));
      assertThat(firing(prometheus, "PlaidIdentityStreamDown")).isFalse();
    }
  }

  /** Every expression of the dashboard, with its variables as Grafana would set them. */
  private static List<String> dashboardQueries(PrometheusServer prometheus) throws Exception {
    JsonNode dashboard =
        JSON.readTree(ComposeFile.ROOT.resolve("config/grafana-dashboard.json").toFile());
    // the $job variable: label_values(plaid_breaker_state, job) must find this job
    JsonNode variable = dashboard.path("templating").path("list").get(1);
    assertThat(variable.path("query").asText()).isEqualTo("label_values(plaid_breaker_state, job)");
    await("the $job variable's values")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () ->
                prometheus
                    .labelValues("job", "plaid_breaker_state")
                    .toString()
                    .contains(PrometheusServer.JOB));
    List<String> queries = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        String expr =
            target
                .path("expr")
                .asText()
                .replace("$__rate_interval", RATE_INTERVAL)
                .replace("$job", PrometheusServer.JOB);
        assertThat(expr).as(panel.path("title").asText()).doesNotContain("$");
        queries.add(expr);
      }
    }
    // every expression of the file, wherever it is (a row's nested panels, an annotation...)
    String text =
        java.nio.file.Files.readString(ComposeFile.ROOT.resolve("config/grafana-dashboard.json"));
    assertThat(queries).hasSize(text.split("\"expr\"\\s*:", -1).length - 1);
    return queries;
  }

  /** The queries that return no sample with a finite value now, with what they returned. */
  private static Map<String, String> unanswered(PrometheusServer prometheus, List<String> queries) {
    Map<String, String> missing = new LinkedHashMap<>();
    for (String query : queries) {
      JsonNode result = prometheus.query(query);
      boolean finite = false;
      for (JsonNode sample : result) {
        double value = Double.parseDouble(sample.path("value").get(1).asText());
        finite |= Double.isFinite(value);
      }
      if (!finite) {
        missing.put(query, result.toString());
      }
    }
    return missing;
  }

  private static boolean firing(PrometheusServer prometheus, String alert) {
    for (JsonNode active : prometheus.alerts()) {
      if (alert.equals(active.path("labels").path("alertname").asText())
          && "firing".equals(active.path("state").asText())) {
        return true;
      }
    }
    return false;
  }

  /**
   * Requests every 50 ms until closed (at most 6,000): mostly successes, every 10th an Item error,
   * every 15th a token that fails once with 503 (a retry), every 20th not JSON (the DLQ).
   */
  private static final class RequestFlow implements AutoCloseable {
    private final KafkaProducer<String, String> producer;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final AtomicInteger sent = new AtomicInteger();

    RequestFlow(String bootstrapServers, String topic) {
      producer = TestClients.producer(bootstrapServers);
      scheduler.scheduleAtFixedRate(
          () -> {
            int n = sent.incrementAndGet();
            if (n > 6_000) {
              return;
            }
            String value;
            if (n % 20 == 0) {
              value = "not json " + n;
            } else if (n % 15 == 0) {
              value = "{\"access_token\":\"access-sandbox-fail1x503-flow-%d\"}".formatted(n);
            } else if (n % 10 == 0) {
              value =
                  "{\"access_token\":\"access-sandbox-error-ITEM_LOGIN_REQUIRED-flow-%d\",\"item_id\":\"item-%d\"}"
                      .formatted(n, n);
            } else {
              value = "{\"access_token\":\"access-sandbox-flow-%d\"}".formatted(n);
            }
            producer.send(new ProducerRecord<>(topic, "key-" + (n % 7), value));
          },
          0,
          50,
          TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws InterruptedException {
      scheduler.shutdownNow();
      scheduler.awaitTermination(10, TimeUnit.SECONDS);
      producer.close(Duration.ofSeconds(10));
    }
  }
}
