package dev.identitystream.bench;

import dev.identitystream.app.config.AppConfig;
import dev.identitystream.app.config.ConfigLoader;
import dev.identitystream.app.job.PlaidClients;
import dev.identitystream.app.job.StreamingJob;
import dev.identitystream.plaid.PlaidClient;
import dev.identitystream.topology.NaiveTopology;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The naive baseline as a process: {@code java -cp ... NaiveJob CONFIG_FILE}. Same configuration
 * loading, client and topics as {@code run}; the topology is {@link NaiveTopology}. Stops on
 * SIGTERM.
 */
public final class NaiveJob {

  private NaiveJob() {}

  public static void main(String[] args) throws InterruptedException {
    AppConfig config = ConfigLoader.load(Path.of(args[0]), System.getenv(), Map.of());
    StreamingJob.ensureTopics(config);
    PlaidClient client = PlaidClients.create(config);
    KafkaStreams streams =
        new KafkaStreams(
            NaiveTopology.build(config.stageSettings(), client, Clock.systemUTC()),
            StreamingJob.streamsProperties(config));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  streams.close(Duration.ofSeconds(30));
                  client.close();
                  stopped.countDown();
                },
                "naive-stop"));
    streams.start();
    stopped.await();
  }
}
