package dev.identitystream.app;

import static dev.identitystream.local.TestClients.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.identitystream.LogCapture;
import dev.identitystream.app.JobTestSupport.ItemStatus;
import dev.identitystream.app.config.AppConfig;
import dev.identitystream.app.job.PlaidClients;
import dev.identitystream.app.job.StreamingJob;
import dev.identitystream.app.observability.Observability;
import dev.identitystream.emulator.EmulatorStats;
import dev.identitystream.emulator.OutageMode;
import dev.identitystream.emulator.PlaidEmulator;
import dev.identitystream.local.KafkaBrokerExtension;
import dev.identitystream.topology.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Plaid refuses the job's client for a while, then accepts it again: the emulator answers {@code
 * INVALID_API_KEYS} to everything (as after a bad secret rotation), or a proxy in front of it
 * answers a 403 HTML page without a Plaid error body. On a real broker, through the job's own
 * client, metrics and health endpoint: while refused, no Item status changes, nothing reaches the
 * Item-error topic or the DLQ (no retries until a deadline, no {@code RETRIES_EXHAUSTED} flood),
 * readiness is down and says why, the pause metric is 1, one ERROR line names the error and Plaid
 * is asked only at the probe's pace; once the refusal ends every request completes, each exactly
 * once, without a restart.
 */
class ClientErrorIT {

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  private static final int KEYS = 10;
  private static final long PROBE_MS = 1_000;
  private static final Duration EPISODE = Duration.ofSeconds(8);

  @TempDir Path stateDir;
  private final HttpClient http = HttpClient.newHttpClient();

  /**
   * One kind of refusal: what the emulator answers, what readiness and the ERROR line name, the
   * labels of the pause counter, and how many refusals the emulator counted.
   */
  record Refusal(
      OutageMode mode,
      String named,
      String logLine,
      String pauseLabels,
      ToLongFunction<EmulatorStats> refusals) {
    @Override
    public String toString() {
      return mode.name();
    }
  }

  static Stream<Refusal> refusals() {
    return Stream.of(
        new Refusal(
            OutageMode.INVALID_API_KEYS,
            "INVALID_INPUT/INVALID_API_KEYS",
            "Plaid refuses this job's client: HTTP 400 INVALID_INPUT/INVALID_API_KEYS",
            "error_code=\"INVALID_API_KEYS\",error_type=\"INVALID_INPUT\"",
            stats -> stats.errorCode("INVALID_API_KEYS")),
        new Refusal(
            OutageMode.PROXY_FORBIDDEN,
            "TRANSPORT/REFUSED HTTP 403",
            "Plaid refuses this job's client: REFUSED HTTP 403: HTTP 403 without a Plaid error body",
            "error_code=\"REFUSED\",error_type=\"TRANSPORT\"",
            stats -> stats.status(403)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void shouldPauseWithoutWritingAnythingWhilePlaidRefusesTheClientThenCompleteEveryRequest(
      Refusal refusal) throws Exception {
    try (JobTestSupport.Resources resources = new JobTestSupport.Resources();
        LogCapture logs = LogCapture.start("dev.identitystream.plaid")) {
      // given a running job whose first requests completed
      String secret = JobTestSupport.newSecret();
      PlaidEmulator emulator = resources.add(JobTestSupport.emulator(secret, Duration.ofMillis(5)));
      Topics topics = JobTestSupport.uniqueTopics("client-error");
      String run = uniqueName("keys").replace("-", "");
      Map<String, String> settings =
          JobTestSupport.config(
              KAFKA.bootstrapServers(),
              emulator,
              secret,
              uniqueName("client-error-app"),
              topics,
              stateDir);
      settings.put(AppConfig.TOPICS_PARTITIONS_CONFIG, "4");
      settings.put(AppConfig.METRICS_PORT_CONFIG, "0");
      settings.put(AppConfig.PLAID_CLIENT_ERROR_PROBE_MS_CONFIG, String.valueOf(PROBE_MS));
      settings.put(AppConfig.PLAID_DEADLINE_MS_CONFIG, "3000"); // far shorter than the episode
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
      job.start();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> job.streams().state() == KafkaStreams.State.RUNNING);
      OutputCollector outputs =
          resources.add(new OutputCollector(KAFKA.bootstrapServers(), topics));
      JobTestSupport.produceRequests(KAFKA.bootstrapServers(), topics.requests(), run, KEYS, 0, 2);
      assertThat(outputs.pollUntil(c -> c.items().size() >= 2 * KEYS, Duration.ofSeconds(60)))
          .isTrue();
      assertThat(get(url + "/health/ready").statusCode()).isEqualTo(200);

      // when Plaid (or a proxy in front of it) refuses the client and more requests arrive
      emulator.setOutage(refusal.mode());
      long episodeStart = System.nanoTime();
      JobTestSupport.produceRequests(KAFKA.bootstrapServers(), topics.requests(), run, KEYS, 2, 5);

      // then the job pauses and says so: readiness, metric, one log line naming the code
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                HttpResponse<String> ready = get(url + "/health/ready");
                assertThat(ready.statusCode()).isEqualTo(503);
                assertThat(ready.body()).contains(refusal.named());
              });
      assertThat(metric(url, "plaid_client_error_paused")).isEqualTo(1.0);
      // and for the whole episode nothing is written and readiness stays down
      await()
          .during(EPISODE)
          .atMost(EPISODE.plusSeconds(10))
          .untilAsserted(
              () -> {
                outputs.pollQuietly(Duration.ofMillis(200));
                assertThat(outputs.items()).hasSize(2 * KEYS);
                assertThat(outputs.accounts().size()).isPositive();
                assertThat(outputs.itemErrors()).isEmpty();
                assertThat(outputs.dlq()).isEmpty();
                assertThat(get(url + "/health/ready").statusCode()).isEqualTo(503);
              });
      int accountsBefore = outputs.accounts().size();
      long refusals = refusal.refusals().applyAsLong(emulator.stats());
      long episodeSeconds = Duration.ofNanos(System.nanoTime() - episodeStart).toSeconds();
      assertThat(refusals)
          .as(
              "Plaid is asked once per probe interval, after the calls that were already on their way")
          .isPositive()
          .isLessThanOrEqualTo(3L * KEYS + episodeSeconds * 1000 / PROBE_MS + 2);

      // when the refusal ends
      emulator.setOutage(OutageMode.NONE);

      // then every request completes, each exactly once, all OK, without an Item error or a DLQ
      // record
      assertThat(outputs.pollUntil(c -> c.items().size() >= 5 * KEYS, Duration.ofSeconds(60)))
          .isTrue();
      outputs.pollQuietly(Duration.ofSeconds(1));
      List<ItemStatus> statuses = outputs.items().stream().map(ItemStatus::of).toList();
      assertThat(statuses)
          .hasSize(5 * KEYS)
          .allSatisfy(s -> assertThat(s.status()).isEqualTo("OK"));
      assertThat(statuses.stream().map(ItemStatus::requestId).collect(Collectors.toSet()))
          .hasSize(5 * KEYS);
      assertThat(outputs.accounts().size()).isGreaterThan(accountsBefore);
      assertThat(outputs.itemErrors()).isEmpty();
      assertThat(outputs.dlq()).isEmpty();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> get(url + "/health/ready").statusCode() == 200);
      assertThat(metric(url, "plaid_client_error_paused")).isZero();
      assertThat(metric(url, "plaid_client_error_pauses_total\\{" + refusal.pauseLabels() + "\\}"))
          .isEqualTo(1.0);
      assertThat(logs.events())
          .filteredOn(e -> e.getLevel() == Level.ERROR)
          .singleElement()
          .satisfies(
              e ->
                  assertThat(e.getFormattedMessage())
                      .startsWith(refusal.logLine())
                      .doesNotContain(secret));
    }
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The value of the first sample of {@code series} (a regex) in the scrape, or -1 when absent. */
  private double metric(String url, String series) throws Exception {
    Matcher matcher =
        Pattern.compile("(?m)^" + series + " (\\S+)$").matcher(get(url + "/metrics").body());
    return matcher.find() ? Double.parseDouble(matcher.group(1)) : -1;
  }
}
