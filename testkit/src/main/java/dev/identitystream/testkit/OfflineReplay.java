package dev.identitystream.testkit;

import dev.identitystream.app.job.StreamingJob;
import dev.identitystream.plaid.PlaidClient;
import dev.identitystream.topology.IdentityTopology;
import dev.identitystream.topology.StageMetrics;
import dev.identitystream.topology.StageSettings;
import dev.identitystream.topology.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The job's topology run without a broker: Kafka Streams' {@link TopologyTestDriver} with a given
 * Plaid client (in a replay, one that answers from a cassette at once), an in-memory pending store
 * in a temporary state directory (deleted afterwards), and a clock fixed at one instant, also used
 * as the driver's wall clock and as every input record's timestamp. Same inputs and answers, same
 * outputs, byte for byte: nothing reads the real time or the network.
 *
 * <p>Every request is piped in order on partition 0 (offsets 0, 1, 2...), then the driver's wall
 * clock is advanced one drain interval at a time until no request is pending.
 *
 * <p>The engine under {@link CassetteReplay}, public for a test that brings its own Plaid client
 * and reads the raw records; most tests want {@link CassetteReplay}.
 *
 * <p>Threading: one thread; the driver runs the topology on it.
 */
public final class OfflineReplay {

  /** Drain rounds after which a replay that still has pending requests gives up. */
  private static final int MAX_DRAIN_ROUNDS = 100_000;

  /** Never contacted: the driver has no network client, but Kafka Streams wants the setting. */
  private static final String NO_BROKER = "replay.invalid:9092";

  private final StageSettings settings;
  private final Instant at;

  /**
   * @param settings the stage's settings (the pending store is always in memory here)
   * @param at the fixed clock
   */
  public OfflineReplay(StageSettings settings, Instant at) {
    this.settings = settings.withPersistentStore(false);
    this.at = at;
  }

  /**
   * Runs the requests through the topology.
   *
   * @return every output topic (in {@link Topics#outputs()} order) with the records written to it,
   *     in order
   */
  public Map<String, List<TestRecord<byte[], byte[]>>> run(
      List<ReplayRequests.Event> requests, PlaidClient client) throws IOException {
    Topics topics = settings.topics();
    IdentityTopology.Built built =
        IdentityTopology.build(
            settings, client, Clock.fixed(at, ZoneOffset.UTC), StageMetrics.NONE);
    Path stateDir = Files.createTempDirectory("pis-replay-");
    try {
      try (TopologyTestDriver driver =
          new TopologyTestDriver(built.topology(), properties(stateDir), at)) {
        // The bulk topic, where enqueue writes the same file: the outputs (DLQ headers too) are
        // then
        // what the job writes for an enqueued file.
        TestInputTopic<byte[], byte[]> input =
            driver.createInputTopic(
                topics.bulkRequests(),
                new ByteArraySerializer(),
                new ByteArraySerializer(),
                at,
                Duration.ZERO);
        Map<String, TestOutputTopic<byte[], byte[]>> outputs = new LinkedHashMap<>();
        for (String topic : topics.outputs()) {
          outputs.put(
              topic,
              driver.createOutputTopic(
                  topic, new ByteArrayDeserializer(), new ByteArrayDeserializer()));
        }
        for (ReplayRequests.Event request : requests) {
          input.pipeInput(request.key(), request.value());
        }
        int rounds = 0;
        while (built.pending().total() > 0) {
          if (++rounds > MAX_DRAIN_ROUNDS) {
            throw new IllegalStateException(
                built.pending().total()
                    + " request(s) still pending after "
                    + rounds
                    + " drain rounds");
          }
          driver.advanceWallClockTime(settings.drainInterval());
        }
        Map<String, List<TestRecord<byte[], byte[]>>> written = new LinkedHashMap<>();
        outputs.forEach((topic, output) -> written.put(topic, output.readRecordsToList()));
        return written;
      }
    } finally {
      deleteRecursively(stateDir);
    }
  }

  private static Properties properties(Path stateDir) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, StreamingJob.DEFAULT_APPLICATION_ID + "-replay");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, NO_BROKER);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    return props;
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              path -> {
                try {
                  Files.deleteIfExists(path);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
