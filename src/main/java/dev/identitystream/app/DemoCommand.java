package dev.identitystream.app;

import dev.identitystream.emulator.EmulatorOptions;
import dev.identitystream.emulator.PlaidEmulator;
import dev.identitystream.local.BrokerOptions;
import dev.identitystream.local.EmbeddedKafkaBroker;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The first run: a real local Kafka broker (in this JVM) and the Plaid emulator, the job on them,
 * sample requests fed in, and a readable summary of what came out.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Start an embedded Kafka broker and the Plaid emulator, run the job on sample requests",
      "(successes, Item errors, malformed input) and print a summary. Needs nothing installed."
    },
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {"0:the job produced every expected output", "1:it did not (the summary says what is missing)"})
public final class DemoCommand implements Callable<Integer> {

  @Mixin ConfigOptions options;
  @Spec CommandSpec spec;

  @Option(names = "--keep-running", description = "Keep broker, emulator and job up until Ctrl-C.")
  boolean keepRunning;

  @Option(names = "--requests", defaultValue = "20", description = "Successful sample requests (default: ${DEFAULT-VALUE}).")
  int requests;

  @Option(names = "--latency-ms", defaultValue = "50", description = "Emulator latency (default: ${DEFAULT-VALUE}).")
  long latencyMs;

  @Option(names = "--timeout-s", defaultValue = "120", description = "Give up waiting for outputs after this long (default: ${DEFAULT-VALUE}).")
  long timeoutSeconds;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    quietKafkaLogs();
    Path stateDir = Files.createTempDirectory("plaid-identity-stream-demo-state");
    String clientId = "demo-client";
    String secret = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
    out.println("Starting an embedded Kafka broker and the Plaid emulator...");
    out.flush();
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(BrokerOptions.defaults());
        PlaidEmulator emulator =
            PlaidEmulator.start(
                EmulatorOptions.builder()
                    .credentials(clientId, secret)
                    .latency(Duration.ofMillis(latencyMs))
                    .build())) {
      Map<String, String> defaults = new LinkedHashMap<>();
      defaults.put("bootstrap.servers", broker.bootstrapServers());
      defaults.put(StreamsConfig.APPLICATION_ID_CONFIG, "plaid-identity-stream-demo");
      defaults.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
      defaults.put(AppConfig.TOPICS_PARTITIONS_CONFIG, "3");
      defaults.put(AppConfig.PLAID_BASE_URL_CONFIG, emulator.baseUrl());
      defaults.put(AppConfig.PLAID_CLIENT_ID_CONFIG, clientId);
      defaults.put(AppConfig.PLAID_SECRET_CONFIG, secret);
      defaults.put(AppConfig.METRICS_PORT_CONFIG, "0");
      AppConfig config = options.load(defaults);
      out.println("Kafka: " + broker.bootstrapServers() + "   Plaid emulator: " + emulator.baseUrl());
      try (Observability observability = Observability.create(config);
          StreamingJob job =
              new StreamingJob(
                  config,
                  PlaidClients.create(config, observability.metrics()),
                  Clock.systemUTC(),
                  observability.metrics())) {
        observability.bind(job);
        job.start();
        observability.url().ifPresent(url -> out.println("Metrics: " + url + "/metrics   Health: " + url + "/health/ready"));
        DemoFeed feed = new DemoFeed(config, broker.bootstrapServers(), requests);
        DemoFeed.Expected expected = feed.produce();
        out.println("Fed " + expected.describe() + " into " + config.topics().requests() + "; waiting for the job...");
        out.flush();
        DemoSummary summary = DemoSummary.collect(config.topics(), broker.bootstrapServers(), expected, Duration.ofSeconds(timeoutSeconds));
        summary.print(out);
        if (keepRunning && job.streams().state() == KafkaStreams.State.RUNNING) {
          out.println("Still running (Ctrl-C to stop). Produce to " + config.topics().requests() + " at " + broker.bootstrapServers());
          out.flush();
          awaitCtrlC(job);
        }
        return summary.complete() ? ExitCodes.OK : ExitCodes.FAILURE;
      }
    }
  }

  /** The embedded broker's start-up warnings are noise in a first run; errors still show. */
  private static void quietKafkaLogs() {
    if (org.slf4j.LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext context) {
      context.getLogger("kafka").setLevel(ch.qos.logback.classic.Level.ERROR);
      context.getLogger("org.apache.kafka").setLevel(ch.qos.logback.classic.Level.ERROR);
    }
  }

  /** Blocks until Ctrl-C; the hook closes the job itself since the JVM only waits for hooks. */
  private static void awaitCtrlC(StreamingJob job) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      job.close();
      stopped.countDown();
    }, "demo-stop"));
    stopped.await();
  }
}
