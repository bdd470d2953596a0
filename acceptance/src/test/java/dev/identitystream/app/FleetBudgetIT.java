package dev.identitystream.app;

import static dev.identitystream.local.TestClients.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.identitystream.app.config.AppConfig;
import dev.identitystream.app.job.StreamingJob;
import dev.identitystream.emulator.EmulatorStats;
import dev.identitystream.emulator.PlaidEmulator;
import dev.identitystream.local.KafkaBrokerExtension;
import dev.identitystream.topology.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Three instances of one application share one Plaid budget: {@code plaid.requests.per.minute = R}
 * for the fleet, against an emulator that answers 429 {@code RATE_LIMIT} above R per minute (bursts
 * of 2 s at most). The fleet drains 6,000 requests at R (within 10%) with under 1% of 429s; when
 * one instance stops mid-run the two others take over its share within one rebalance and the rate
 * stays within 10% of R; every request completes exactly once.
 */
class FleetBudgetIT {

  private static final Logger LOG = LoggerFactory.getLogger(FleetBudgetIT.class);

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  private static final int R = 6_000; // per minute: 100 a second
  private static final int KEYS = 600;
  private static final int PER_KEY = 10;
  private static final int TOTAL = KEYS * PER_KEY;

  @TempDir Path tempDir;

  private final JobTestSupport.Resources resources = new JobTestSupport.Resources();
  private final String secret = JobTestSupport.newSecret();
  private final Topics topics = JobTestSupport.uniqueTopics("fleet");

  @AfterEach
  void closeEverything() {
    resources.close();
  }

  @Test
  void shouldDrainEveryRequestOnceAcrossThreeInstancesWithoutABudget() {
    // given: three instances, no budget (the machine's throughput for BENCHMARKS.md)
    Topics unlimited = JobTestSupport.uniqueTopics("fleet-free");
    PlaidEmulator emulator = resources.add(JobTestSupport.emulator(secret, Duration.ofMillis(20)));
    KAFKA.broker().createTopic(unlimited.requests(), 6);
    FleetHarness fleet =
        new FleetHarness(
            KAFKA.bootstrapServers(),
            emulator,
            secret,
            uniqueName("fleet-free-app"),
            unlimited,
            tempDir,
            resources);
    Map<String, String> settings = Map.of(AppConfig.PLAID_MAX_IN_FLIGHT_CONFIG, "64");
    List<StreamingJob> jobs =
        List.of(
            fleet.start("free-1", settings),
            fleet.start("free-2", settings),
            fleet.start("free-3", settings));
    await("two tasks of six on each instance")
        .atMost(Duration.ofSeconds(60))
        .until(() -> jobs.stream().allMatch(job -> job.built().fleet().localTasks() == 2));
    OutputCollector outputs =
        resources.add(new OutputCollector(KAFKA.bootstrapServers(), unlimited));

    // when
    JobTestSupport.produceRequests(
        KAFKA.bootstrapServers(),
        unlimited.requests(),
        uniqueName("f").replace("-", ""),
        KEYS,
        0,
        PER_KEY);
    long started = System.nanoTime();
    assertThat(outputs.pollUntil(c -> c.items().size() >= TOTAL, Duration.ofSeconds(180))).isTrue();
    double seconds = (System.nanoTime() - started) / 1e9;
    outputs.pollQuietly(Duration.ofSeconds(2));

    // then
    LOG.info(
        "Three instances without a budget: {} requests drained in {} s: {} req/s",
        TOTAL,
        String.format("%.1f", seconds),
        String.format("%.0f", TOTAL / seconds));
    Map<String, Long> perRequest =
        outputs.items().stream()
            .collect(Collectors.groupingBy(JobTestSupport::requestIdOf, Collectors.counting()));
    assertThat(perRequest).hasSize(TOTAL);
    assertThat(perRequest.values()).containsOnly(1L);
  }

  @Test
  void shouldDrainAtTheFleetBudgetAndKeepItWhenAnInstanceLeaves() {
    // given: an emulator limiting this client to R a minute, and three instances with budget R
    PlaidEmulator emulator = resources.add(JobTestSupport.emulator(secret, Duration.ofMillis(20)));
    emulator.setClientLimit(R, Duration.ofSeconds(2));
    KAFKA.broker().createTopic(topics.requests(), 6);
    FleetHarness fleet =
        new FleetHarness(
            KAFKA.bootstrapServers(),
            emulator,
            secret,
            uniqueName("fleet-app"),
            topics,
            tempDir,
            resources);
    Map<String, String> settings =
        Map.of(
            AppConfig.PLAID_REQUESTS_PER_MINUTE_CONFIG,
            String.valueOf(R),
            AppConfig.PLAID_MAX_IN_FLIGHT_CONFIG,
            "32");
    List<StreamingJob> jobs =
        List.of(
            fleet.start("instance-1", settings),
            fleet.start("instance-2", settings),
            fleet.start("instance-3", settings));
    await("two tasks of six on each instance")
        .atMost(Duration.ofSeconds(60))
        .until(() -> jobs.stream().allMatch(job -> job.built().fleet().localTasks() == 2));
    OutputCollector outputs = resources.add(new OutputCollector(KAFKA.bootstrapServers(), topics));

    // when: 6,000 requests arrive
    JobTestSupport.produceRequests(
        KAFKA.bootstrapServers(),
        topics.requests(),
        uniqueName("r").replace("-", ""),
        KEYS,
        0,
        PER_KEY);
    Instant started = Instant.now();
    assertThat(outputs.pollUntil(c -> c.items().size() >= 2_400, Duration.ofSeconds(120))).isTrue();
    Instant beforeStop = Instant.now();
    double threeInstances =
        FleetHarness.ratePerSecond(emulator.stats(), started.plusSeconds(3), beforeStop);

    // and: one instance stops mid-run
    jobs.get(2).close();
    Instant stopped = Instant.now();
    await("the two others take over its tasks")
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                jobs.get(0).built().fleet().localTasks() == 3
                    && jobs.get(1).built().fleet().localTasks() == 3);
    Instant rebalanced = Instant.now();
    assertThat(outputs.pollUntil(c -> c.items().size() >= 5_400, Duration.ofSeconds(120))).isTrue();
    Instant nearEnd = Instant.now();
    double twoInstances =
        FleetHarness.ratePerSecond(emulator.stats(), rebalanced.plusSeconds(2), nearEnd);
    assertThat(outputs.pollUntil(c -> c.items().size() >= TOTAL, Duration.ofSeconds(60))).isTrue();
    outputs.pollQuietly(Duration.ofSeconds(2));

    // then
    EmulatorStats stats = emulator.stats();
    LOG.info(
        "Fleet of 3: {} req/s; after the stop (rebalanced in {} ms): {} req/s; budget {} req/s; {} requests,"
            + " {} client 429s",
        String.format("%.1f", threeInstances),
        Duration.between(stopped, rebalanced).toMillis(),
        String.format("%.1f", twoInstances),
        R / 60,
        stats.requests(),
        stats.errorCode("RATE_LIMIT"));
    assertThat(threeInstances)
        .as("rate of three instances, per second")
        .isBetween(R / 60 * 0.9, R / 60 * 1.1);
    assertThat(twoInstances)
        .as("rate of the two left, per second")
        .isBetween(R / 60 * 0.9, R / 60 * 1.1);
    assertThat(stats.errorCode("RATE_LIMIT"))
        .as("client-level 429s")
        .isLessThan(stats.requests() / 100);
    Map<String, Long> perRequest =
        outputs.items().stream()
            .collect(Collectors.groupingBy(JobTestSupport::requestIdOf, Collectors.counting()));
    assertThat(perRequest).hasSize(TOTAL);
    assertThat(perRequest.values()).as("each request's Item status once").containsOnly(1L);
    assertThat(outputs.dlq()).isEmpty();
    assertThat(outputs.itemErrors()).isEmpty();
  }
}
