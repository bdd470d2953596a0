package dev.identitystream.app;

import static org.awaitility.Awaitility.await;

import dev.identitystream.app.config.AppConfig;
import dev.identitystream.app.job.PlaidClients;
import dev.identitystream.app.job.StreamingJob;
import dev.identitystream.emulator.EmulatorStats;
import dev.identitystream.emulator.PlaidEmulator;
import dev.identitystream.topology.Topics;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.SortedMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Instances of the job for the fleet tests (one application id, one JVM, a real broker) and what
 * the emulator measured of them.
 */
final class FleetHarness {

  private final String bootstrapServers;
  private final PlaidEmulator emulator;
  private final String secret;
  private final String applicationId;
  private final Topics topics;
  private final Path stateDir;
  private final JobTestSupport.Resources resources;

  FleetHarness(
      String bootstrapServers,
      PlaidEmulator emulator,
      String secret,
      String applicationId,
      Topics topics,
      Path stateDir,
      JobTestSupport.Resources resources) {
    this.bootstrapServers = bootstrapServers;
    this.emulator = emulator;
    this.secret = secret;
    this.applicationId = applicationId;
    this.topics = topics;
    this.stateDir = stateDir;
    this.resources = resources;
  }

  /**
   * Starts one instance with these settings over the defaults of the fleet tests; waits until
   * RUNNING.
   */
  StreamingJob start(String name, Map<String, String> settings) {
    Map<String, String> config =
        JobTestSupport.config(
            bootstrapServers, emulator, secret, applicationId, topics, stateDir.resolve(name));
    config.put(AppConfig.TOPICS_PARTITIONS_CONFIG, "6");
    config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000");
    config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "1000");
    config.put(AppConfig.METRICS_PORT_CONFIG, "-1");
    config.putAll(settings);
    AppConfig appConfig = new AppConfig(config);
    StreamingJob job =
        resources.add(
            new StreamingJob(appConfig, PlaidClients.create(appConfig), Clock.systemUTC()));
    job.start();
    await(name + " running")
        .atMost(Duration.ofSeconds(60))
        .until(() -> job.streams().state() == KafkaStreams.State.RUNNING);
    return job;
  }

  /**
   * Requests per second that reached the emulator over whole seconds in [from, to): the measured
   * rate of the fleet's attempts.
   */
  static double ratePerSecond(EmulatorStats stats, Instant from, Instant to) {
    long first = from.getEpochSecond() + 1;
    long last = to.getEpochSecond(); // exclusive: the second in progress is not whole
    if (last <= first) {
      throw new IllegalArgumentException("window too short: " + from + " to " + to);
    }
    SortedMap<Long, Long> window = stats.perSecond().subMap(first, last);
    long sum = window.values().stream().mapToLong(Long::longValue).sum();
    return (double) sum / (last - first);
  }
}
