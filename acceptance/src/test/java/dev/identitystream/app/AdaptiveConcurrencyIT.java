package dev.identitystream.app;

import static dev.identitystream.local.TestClients.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.identitystream.app.config.AppConfig;
import dev.identitystream.app.job.StreamingJob;
import dev.identitystream.emulator.EmulatorStats;
import dev.identitystream.emulator.PlaidEmulator;
import dev.identitystream.local.KafkaBrokerExtension;
import dev.identitystream.topology.InFlightLimiter;
import dev.identitystream.topology.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plaid lowers this client's limit mid-run (the emulator: 429 {@code RATE_LIMIT} above it, bursts
 * of 2 s at most): adaptive concurrency settles below it with under 2% of 429s once settled, and
 * grows back when the limit is raised. The job's own rate limit is off: only the adaptive limit can
 * find Plaid's.
 */
class AdaptiveConcurrencyIT {

  private static final Logger LOG = LoggerFactory.getLogger(AdaptiveConcurrencyIT.class);

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  private static final int CAP = 64;
  private static final Duration LATENCY =
      Duration.ofMillis(500); // CAP / LATENCY = 128 a second at most
  private static final int HIGH = 12_000; // per minute: 200 a second, above what the cap allows
  private static final int LOW = 3_000; // per minute: 50 a second

  @TempDir Path tempDir;

  private final JobTestSupport.Resources resources = new JobTestSupport.Resources();
  private final String secret = JobTestSupport.newSecret();
  private final Topics topics = JobTestSupport.uniqueTopics("adaptive");

  @AfterEach
  void closeEverything() {
    resources.close();
  }

  @Test
  void shouldSettleBelowALoweredLimitAndRecoverWhenItIsRaised() {
    // given: one instance at its cap against a limit it does not reach, with a backlog
    PlaidEmulator emulator = resources.add(JobTestSupport.emulator(secret, LATENCY));
    emulator.setClientLimit(HIGH, Duration.ofSeconds(2));
    KAFKA.broker().createTopic(topics.requests(), 6);
    FleetHarness fleet =
        new FleetHarness(
            KAFKA.bootstrapServers(),
            emulator,
            secret,
            uniqueName("adaptive-app"),
            topics,
            tempDir,
            resources);
    StreamingJob job =
        fleet.start(
            "instance",
            Map.of(
                AppConfig.PLAID_MAX_IN_FLIGHT_CONFIG,
                String.valueOf(CAP),
                AppConfig.PLAID_CONCURRENCY_MIN_CONFIG,
                "4"));
    InFlightLimiter limiter = job.built().limiter();
    JobTestSupport.produceRequests(
        KAFKA.bootstrapServers(),
        topics.requests(),
        uniqueName("a").replace("-", ""),
        1_500,
        0,
        10);
    await("calls at the cap")
        .atMost(Duration.ofSeconds(60))
        .until(() -> limiter.inFlight() >= CAP - 2);
    assertThat(limiter.limit()).isEqualTo(CAP);

    // when: Plaid lowers the limit to LOW a minute
    emulator.setClientLimit(LOW, Duration.ofSeconds(2));
    await("the limit backs off")
        .atMost(Duration.ofSeconds(60))
        .until(() -> limiter.limit() < CAP / 2);
    waitFor(Duration.ofSeconds(20)); // settling
    EmulatorStats before = emulator.stats();
    Instant from = Instant.now();
    int lowest = CAP;
    int highest = 0;
    for (int i = 0; i < 30; i++) { // 30 s, the limit sampled each second
      waitFor(Duration.ofSeconds(1));
      lowest = Math.min(lowest, limiter.limit());
      highest = Math.max(highest, limiter.limit());
    }
    EmulatorStats settled = emulator.stats();
    Instant to = Instant.now();
    double rate = FleetHarness.ratePerSecond(settled, from, to);
    long attempts = settled.requests() - before.requests();
    long refused = settled.errorCode("RATE_LIMIT") - before.errorCode("RATE_LIMIT");

    // and: raises it again
    emulator.setClientLimit(HIGH, Duration.ofSeconds(2));
    int settledHigh = highest;
    await("the limit grows back")
        .atMost(Duration.ofSeconds(90))
        .until(() -> limiter.limit() >= Math.min(CAP, 2 * settledHigh));
    Instant recovered = Instant.now();
    waitFor(Duration.ofSeconds(6));
    double rateAfter = FleetHarness.ratePerSecond(emulator.stats(), recovered, Instant.now());

    // then
    LOG.info(
        "Settled: limit {}..{}, {} attempts/s against {} a second, {} of {} attempts refused ({}%);"
            + " after the raise: limit {}, {} attempts/s",
        lowest,
        highest,
        String.format("%.1f", rate),
        LOW / 60,
        refused,
        attempts,
        String.format("%.2f", 100.0 * refused / attempts),
        limiter.limit(),
        String.format("%.1f", rateAfter));
    // 50 a second at 500 ms is 25 calls on the wire, plus the calls waiting in backoff after a 429
    assertThat(highest)
        .as("settled concurrency limit (the cap is %d)", CAP)
        .isLessThanOrEqualTo(40);
    assertThat(rate).as("attempts a second once settled").isBetween(LOW / 60 * 0.6, LOW / 60 * 1.1);
    assertThat((double) refused / attempts).as("share of 429s once settled").isLessThan(0.02);
    assertThat(rateAfter).as("attempts a second after the raise").isGreaterThan(LOW / 60 * 1.5);
  }

  /** Waits without a condition (Awaitility, so no sleep in tests). */
  private static void waitFor(Duration duration) {
    Awaitility.await().pollDelay(duration).atMost(duration.plusSeconds(1)).until(() -> true);
  }
}
