package dev.identitystream.app;

import static dev.identitystream.local.TestClients.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.identitystream.app.config.AppConfig;
import dev.identitystream.app.job.StreamingJob;
import dev.identitystream.emulator.PlaidEmulator;
import dev.identitystream.local.KafkaBrokerExtension;
import dev.identitystream.local.TestClients;
import dev.identitystream.topology.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live requests before bulk: a job with a budget of R a minute first serves live requests alone (10
 * a second), then the same live stream while a 20,000-request backlog sits in the bulk topic. The
 * live requests' p99 latency (produced to Item status readable, {@code read_committed}) stays
 * within twice the idle job's, while the bulk drains at the budget left to it ({@code 1 -
 * plaid.live.reserve.percent} of R while live traffic runs).
 */
class LiveBeforeBulkIT {

  private static final Logger LOG = LoggerFactory.getLogger(LiveBeforeBulkIT.class);

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  private static final int R = 12_000; // per minute: 200 a second
  private static final int BULK = 20_000;
  private static final Duration LIVE_PHASE = Duration.ofSeconds(30);

  @TempDir Path tempDir;

  private final JobTestSupport.Resources resources = new JobTestSupport.Resources();
  private final String secret = JobTestSupport.newSecret();
  private final Topics topics = JobTestSupport.uniqueTopics("priority");
  private final String run = uniqueName("p").replace("-", "");

  @AfterEach
  void closeEverything() {
    resources.close();
  }

  @Test
  void shouldKeepLiveLatencyWhileTheBulkBacklogDrains() throws Exception {
    // given: a job with budget R, and a reader of its Item statuses
    PlaidEmulator emulator = resources.add(JobTestSupport.emulator(secret, Duration.ofMillis(20)));
    KAFKA.broker().createTopic(topics.requests(), 6);
    FleetHarness fleet =
        new FleetHarness(
            KAFKA.bootstrapServers(),
            emulator,
            secret,
            uniqueName("priority-app"),
            topics,
            tempDir,
            resources);
    StreamingJob job =
        fleet.start(
            "instance",
            Map.of(
                AppConfig.PLAID_REQUESTS_PER_MINUTE_CONFIG,
                String.valueOf(R),
                AppConfig.PLAID_MAX_IN_FLIGHT_CONFIG,
                "64"));
    LiveLatencyWatch watch =
        resources.add(new LiveLatencyWatch(KAFKA.bootstrapServers(), topics.items(), "live-"));
    KafkaProducer<String, String> producer =
        resources.add(TestClients.producer(KAFKA.bootstrapServers()));

    // when: live requests alone (the idle job, after a warm-up not measured), then with the bulk
    // backlog
    sendLive(producer, "live-warm-", Duration.ofSeconds(10));
    sendLive(producer, "live-idle-", LIVE_PHASE);
    awaitAnswered(watch, "live-idle-");
    for (int i = 0; i < BULK; i++) {
      producer.send(
          new ProducerRecord<>(
              topics.bulkRequests(), "bulk-" + (i % 2_000), request("bulk-" + i, i % 2_000)));
    }
    producer.flush();
    await("the bulk backlog is in the job")
        .atMost(Duration.ofSeconds(120))
        .until(() -> job.built().pending().total() + watch.bulkDone() >= BULK);
    long bulkBefore = watch.bulkDone();
    long started = System.nanoTime();
    sendLive(producer, "live-busy-", LIVE_PHASE);
    double bulkRate = (watch.bulkDone() - bulkBefore) * 1e9 / (System.nanoTime() - started);
    awaitAnswered(watch, "live-busy-");

    // then
    List<Long> idle = watch.latencies("live-idle-");
    List<Long> busy = watch.latencies("live-busy-");
    long idleP99 = LiveLatencyWatch.percentile(idle, 99);
    long busyP99 = LiveLatencyWatch.percentile(busy, 99);
    LOG.info(
        "Live p99: idle {} ms (p50 {} ms), under bulk load {} ms (p50 {} ms); bulk drained at {}/s of a budget of"
            + " {}/s; {} bulk requests still pending",
        idleP99,
        LiveLatencyWatch.percentile(idle, 50),
        busyP99,
        LiveLatencyWatch.percentile(busy, 50),
        String.format("%.1f", bulkRate),
        R / 60,
        job.built().pending().total());
    assertThat(busyP99)
        .as("live p99 under bulk load, ms (idle: %d ms)", idleP99)
        .isLessThanOrEqualTo(2 * idleP99);
    double reserveLeft = R / 60.0 * 0.8; // what bulk may take while live traffic runs
    assertThat(bulkRate).as("bulk requests a second").isBetween(reserveLeft * 0.8, R / 60.0 * 1.05);
    assertThat(emulator.stats().status(429)).isZero();
  }

  private static String request(String requestId, int item) {
    return "{\"access_token\":\"access-sandbox-item%04d\",\"request_id\":\"%s\"}"
        .formatted(item, requestId);
  }

  /** Sends 10 live requests a second for {@code duration}, each on its own key. */
  private void sendLive(KafkaProducer<String, String> producer, String prefix, Duration duration) {
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    AtomicInteger sent = new AtomicInteger();
    int total = (int) (duration.toMillis() / 100);
    try {
      timer.scheduleAtFixedRate(
          () -> {
            int n = sent.getAndIncrement();
            if (n < total) {
              producer.send(
                  new ProducerRecord<>(
                      topics.requests(), prefix + n, request(prefix + n, 5_000 + n % 1_000)));
              producer.flush();
            }
          },
          0,
          100,
          TimeUnit.MILLISECONDS);
      Awaitility.await().atMost(duration.plusSeconds(10)).until(() -> sent.get() >= total);
    } finally {
      timer.shutdownNow();
    }
  }

  private void awaitAnswered(LiveLatencyWatch watch, String prefix) {
    int total = (int) (LIVE_PHASE.toMillis() / 100);
    await(prefix + " answered")
        .atMost(Duration.ofSeconds(60))
        .until(() -> watch.latencies(prefix).size() >= total);
  }
}
