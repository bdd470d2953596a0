package dev.identitystream.app.demo;

import dev.identitystream.app.ExitCodes;
import dev.identitystream.app.config.AppConfig;
import dev.identitystream.app.config.ConfigOptions;
import dev.identitystream.app.job.JobLifecycle;
import dev.identitystream.app.job.PlaidClients;
import dev.identitystream.app.job.StreamingJob;
import dev.identitystream.app.observability.Observability;
import dev.identitystream.emulator.EmulatorOptions;
import dev.identitystream.emulator.PlaidEmulator;
import dev.identitystream.local.BrokerOptions;
import dev.identitystream.local.EmbeddedKafkaBroker;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The first run: a real local Kafka broker (in this JVM) and the Plaid emulator, the job on them,
 * sample requests fed in, and a readable summary of what came out and why. Everything it creates
 * lives in temporary directories that it deletes, also after Ctrl-C.
 *
 * <p>{@code --no-job} starts only the broker (127.0.0.1:9092) and the emulator (127.0.0.1:8089),
 * the addresses of {@code config/local.properties}, for running your own {@code run} against them.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Start an embedded Kafka broker and the Plaid emulator, run the job on sample requests",
      "(successes, Item errors, malformed input) and print a summary. Needs nothing installed.",
      "With --no-job: only the broker and the emulator, on the addresses of config/local.properties."
    },
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
      "0:the job produced every expected output (or, with --keep-running or --no-job, Ctrl-C or SIGTERM stopped it)",
      "1:it did not (the summary says what is missing), or the broker or emulator could not start",
      "2:bad usage (e.g. a negative --requests)",
      "3:invalid configuration in -c or --set (the message names the key)"
    })
public final class DemoCommand implements Callable<Integer> {

  @Mixin ConfigOptions options;
  @Spec CommandSpec spec;

  @Option(names = "--keep-running", description = "Keep broker, emulator and job up until Ctrl-C.")
  boolean keepRunning;

  @Option(
      names = "--no-job",
      description =
          "Start only the broker and the emulator (no job, no sample requests) until Ctrl-C, for your own run.")
  boolean noJob;

  @Option(
      names = "--broker-port",
      defaultValue = "9092",
      paramLabel = "PORT",
      description = "With --no-job: the broker's port (default: ${DEFAULT-VALUE}).")
  int brokerPort;

  @Option(
      names = "--emulator-port",
      defaultValue = "8089",
      paramLabel = "PORT",
      description = "With --no-job: the emulator's port (default: ${DEFAULT-VALUE}).")
  int emulatorPort;

  @Option(
      names = "--requests",
      defaultValue = "20",
      description = "Successful sample requests (default: ${DEFAULT-VALUE}).")
  int requests;

  @Option(
      names = "--latency-ms",
      defaultValue = "50",
      description = "Emulator latency (default: ${DEFAULT-VALUE}).")
  long latencyMs;

  @Option(
      names = "--timeout-s",
      defaultValue = "120",
      description = "Give up waiting for outputs after this long (default: ${DEFAULT-VALUE}).")
  long timeoutSeconds;

  @Override
  public Integer call() throws Exception {
    checkOptions();
    BrokerCommand.quietKafkaLogs();
    try (JobLifecycle lifecycle = JobLifecycle.install()) {
      return noJob
          ? DemoServices.run(spec.commandLine(), brokerPort, emulatorPort, latencyMs, lifecycle)
          : demo(lifecycle);
    }
  }

  /** Option values out of range are bad usage (exit 2), before anything starts. */
  private void checkOptions() {
    String problem =
        requests < 0
            ? "--requests must be 0 or more, was " + requests
            : latencyMs < 0
                ? "--latency-ms must be 0 or more, was " + latencyMs
                : timeoutSeconds < 1
                    ? "--timeout-s must be 1 or more, was " + timeoutSeconds
                    : brokerPort < 1 || brokerPort > 65_535
                        ? "--broker-port must be in 1..65535, was " + brokerPort
                        : emulatorPort < 1 || emulatorPort > 65_535
                            ? "--emulator-port must be in 1..65535, was " + emulatorPort
                            : null;
    if (problem != null) {
      throw new ParameterException(spec.commandLine(), problem);
    }
  }

  private int demo(JobLifecycle lifecycle) throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    String clientId = "demo-client";
    String secret = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
    // -c and --set are checked before anything starts (the broker's address is not known yet)
    options.load(demoSettings("127.0.0.1:9092", "http://127.0.0.1:8089", clientId, secret, "."));
    Path stateDir = Files.createTempDirectory("plaid-identity-stream-demo-state");
    out.println("Starting an embedded Kafka broker and the Plaid emulator...");
    out.flush();
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(BrokerOptions.defaults());
        PlaidEmulator emulator =
            PlaidEmulator.start(
                EmulatorOptions.builder()
                    .credentials(clientId, secret)
                    .latency(Duration.ofMillis(latencyMs))
                    .build())) {
      AppConfig config =
          options.load(
              demoSettings(
                  broker.bootstrapServers(),
                  emulator.baseUrl(),
                  clientId,
                  secret,
                  stateDir.toString()));
      out.println(
          "Kafka: " + broker.bootstrapServers() + "   Plaid emulator: " + emulator.baseUrl());
      try (Observability observability = Observability.create(config);
          StreamingJob job =
              new StreamingJob(
                  config,
                  PlaidClients.create(config, observability.metrics()),
                  Clock.systemUTC(),
                  observability.metrics())) {
        observability.bind(job);
        job.start();
        observability
            .url()
            .ifPresent(
                url ->
                    out.println("Metrics: " + url + "/metrics   Health: " + url + "/health/ready"));
        DemoFeed.Expected expected =
            new DemoFeed(config, broker.bootstrapServers(), requests).produce();
        out.println(
            "Fed "
                + expected.describe()
                + " into "
                + config.topics().requests()
                + "; waiting for the job...");
        out.flush();
        DemoSummary summary =
            DemoSummary.collect(
                config.topics(),
                broker.bootstrapServers(),
                expected,
                Duration.ofSeconds(timeoutSeconds),
                lifecycle::stopRequested);
        if (lifecycle.stopRequested() && !summary.complete()) {
          out.println(
              lifecycle.signalName()
                  + " received before every output arrived: stopping and deleting the demo's"
                  + " temporary directories.");
          return ExitCodes.OK;
        }
        summary.print(out);
        if (lifecycle.stopRequested()) {
          out.println(
              lifecycle.signalName()
                  + " received: stopping and deleting the demo's temporary directories.");
          return ExitCodes.OK;
        }
        if (keepRunning && job.streams().state() == KafkaStreams.State.RUNNING) {
          out.println(
              "Still running (Ctrl-C to stop). Produce to "
                  + config.topics().requests()
                  + " at "
                  + broker.bootstrapServers()
                  + ". This demo's job processes every request on this broker: to try"
                  + " your own run, stop this and use demo --no-job (or broker) instead.");
          out.flush();
          lifecycle.await(
              job, Duration.ofMillis(200)); // until Ctrl-C or SIGTERM (or the job stops)
          return ExitCodes.OK;
        }
        summary.printNextSteps(out);
        return summary.complete() ? ExitCodes.OK : ExitCodes.FAILURE;
      }
    } finally {
      deleteRecursively(stateDir);
      out.flush();
    }
  }

  /** The demo's own settings, under -c and --set. */
  private static Map<String, String> demoSettings(
      String bootstrapServers, String plaidUrl, String clientId, String secret, String stateDir) {
    Map<String, String> defaults = new LinkedHashMap<>();
    defaults.put("bootstrap.servers", bootstrapServers);
    defaults.put(StreamsConfig.APPLICATION_ID_CONFIG, "plaid-identity-stream-demo");
    defaults.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
    defaults.put(AppConfig.TOPICS_PARTITIONS_CONFIG, "3");
    defaults.put(AppConfig.PLAID_BASE_URL_CONFIG, plaidUrl);
    defaults.put(AppConfig.PLAID_CLIENT_ID_CONFIG, clientId);
    defaults.put(AppConfig.PLAID_SECRET_CONFIG, secret);
    defaults.put(AppConfig.METRICS_PORT_CONFIG, "0");
    return defaults;
  }

  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }
}
