package dev.identitystream.app.demo;

import dev.identitystream.app.ErrorText;
import dev.identitystream.app.ExitCodes;
import dev.identitystream.app.job.JobLifecycle;
import dev.identitystream.local.BrokerOptions;
import dev.identitystream.local.EmbeddedKafkaBroker;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code broker}: a real single-node Kafka broker (KRaft, broker and controller in this JVM) on
 * 127.0.0.1, with a data directory that outlives it: topics, records, committed offsets and
 * transactions are there on the next start. For {@code config/local.properties} ({@code
 * bootstrap.servers=127.0.0.1:9092}) without Docker. Runs until SIGTERM or Ctrl-C, which stop it
 * cleanly (controlled shutdown) with exit 0.
 */
@Command(
    name = "broker",
    mixinStandardHelpOptions = true,
    description = {
      "Run a local single-node Kafka broker (KRaft, Kafka 4.4) on 127.0.0.1 with a persistent data"
          + " directory, e.g. for config/local.properties. Ctrl-C or SIGTERM stops it cleanly; the next"
          + " start on the same directory keeps its topics, records and offsets.",
      ""
    },
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
      "0:stopped cleanly (SIGTERM or Ctrl-C)",
      "1:could not start (the port is in use, the data directory is used by another broker or unusable)",
      "2:bad usage"
    })
public final class BrokerCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--port",
      defaultValue = "9092",
      paramLabel = "PORT",
      description =
          "Client port on 127.0.0.1 (default: ${DEFAULT-VALUE}, as in config/local.properties).")
  int port;

  @Option(
      names = "--data-dir",
      defaultValue = "kafka-data",
      paramLabel = "DIR",
      description =
          "Where the broker keeps its data; reused when it exists (default: ./${DEFAULT-VALUE}).")
  Path dataDir;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (port < 1 || port > 65_535) {
      err.println("broker: --port must be in 1..65535, was " + port);
      return ExitCodes.USAGE;
    }
    Path dir = dataDir.toAbsolutePath().normalize();
    BrokerOptions brokerOptions =
        BrokerOptions.defaults()
            .withWorkDir(dir)
            .withPort(port)
            .withStartTimeout(Duration.ofSeconds(90));
    Optional<String> problem = EmbeddedKafkaBroker.whyCannotStart(brokerOptions);
    if (problem.isPresent()) {
      err.println("broker: cannot start: " + problem.get());
      return ExitCodes.FAILURE;
    }
    boolean reused = EmbeddedKafkaBroker.hasData(dir);
    quietKafkaLogs();
    out.println(
        (reused
                ? "Starting the Kafka broker on its data in "
                : "Starting a new Kafka broker with its data in ")
            + dir
            + " ...");
    out.flush();
    try (JobLifecycle lifecycle = JobLifecycle.install()) {
      EmbeddedKafkaBroker broker;
      try {
        broker = EmbeddedKafkaBroker.start(brokerOptions);
      } catch (RuntimeException e) {
        err.println("broker: could not start: " + ErrorText.describe(e));
        return ExitCodes.FAILURE;
      }
      try (broker) {
        out.println(
            "Kafka broker (KRaft, single node) listening on "
                + broker.bootstrapServers()
                + (reused ? "; topics, records and offsets of earlier runs are kept" : ""));
        out.println(
            "Use it with bootstrap.servers="
                + broker.bootstrapServers()
                + " (config/local.properties)."
                + " Ctrl-C or SIGTERM stops it cleanly.");
        out.flush();
        lifecycle.awaitSignal();
        out.println(lifecycle.signalName() + " received: stopping the broker...");
        out.flush();
      }
    }
    out.println("Broker stopped; its data stays in " + dir);
    out.flush();
    return ExitCodes.OK;
  }

  /** The in-process broker's start-up and shutdown warnings are noise here; errors still show. */
  static void quietKafkaLogs() {
    if (org.slf4j.LoggerFactory.getILoggerFactory()
        instanceof ch.qos.logback.classic.LoggerContext context) {
      context.getLogger("kafka").setLevel(ch.qos.logback.classic.Level.ERROR);
      context.getLogger("org.apache.kafka").setLevel(ch.qos.logback.classic.Level.ERROR);
      // "processExpiredBrokerHeartbeat: controller event queue overloaded" is an ERROR that the
      // controller logs when a busy machine delays a heartbeat, which it then accepts anyway; its
      // other errors are answered to the client that asked (create or delete topics)
      context
          .getLogger("org.apache.kafka.controller.ReplicationControlManager")
          .setLevel(ch.qos.logback.classic.Level.OFF);
    }
  }
}
