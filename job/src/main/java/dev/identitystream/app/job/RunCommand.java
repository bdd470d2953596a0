package dev.identitystream.app.job;

import dev.identitystream.app.ExitCodes;
import dev.identitystream.app.config.AppConfig;
import dev.identitystream.app.config.ConfigChecks;
import dev.identitystream.app.config.ConfigOptions;
import dev.identitystream.app.observability.Observability;
import dev.identitystream.plaid.PlaidClient;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Runs the streaming job against the configured cluster until SIGTERM, Ctrl-C or a fatal error.
 *
 * <p>Order of a start: every configuration check ({@link ConfigChecks#forJob}), the metrics
 * endpoint (a taken port fails here), the Plaid client, then Kafka: reachable within 15 s, topics
 * checked or created, Kafka Streams started. A signal closes the job (leaving the group) and the
 * command returns 0.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "Run the streaming job against the configured Kafka cluster and Plaid.",
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
      "0:stopped cleanly (SIGTERM or Ctrl-C; requests in flight stay pending)",
      "1:a stream thread failed",
      "2:bad usage",
      "3:invalid configuration, or metrics.port taken (the message names the key)",
      "4:Kafka unreachable (within 15 s) or topics missing and not creatable"
    })
public final class RunCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

  @Mixin ConfigOptions options;

  @Override
  public Integer call() throws InterruptedException {
    AppConfig config = options.load();
    ConfigChecks.require(ConfigChecks.forJob(config, true));
    try (JobLifecycle lifecycle = JobLifecycle.install();
        Observability observability = Observability.create(config)) {
      // Before Kafka Streams' own clients exist (they would retry for minutes): fail within 15 s.
      KafkaReachability.require(StreamingJob.adminProps(config), KafkaReachability.TIMEOUT);
      PlaidClient client = PlaidClients.create(config, observability.metrics());
      StreamingJob job =
          new StreamingJob(config, client, Clock.systemUTC(), observability.metrics());
      try (job) {
        observability.bind(job);
        job.start();
        LOG.info(
            "Running; reading {} (Ctrl-C or SIGTERM stops it cleanly)", config.topics().requests());
        observability
            .url()
            .ifPresent(
                url -> LOG.info("Metrics at {}/metrics, health at {}/health/ready", url, url));
        lifecycle.await(
            job, Duration.ofMillis(200)); // a signal, or a fatal error stopped Kafka Streams
        if (lifecycle.stopRequested()) {
          LOG.info("{} received: closing cleanly", lifecycle.signalName());
        }
      }
      return job.fatalError() == null ? ExitCodes.OK : ExitCodes.FAILURE;
    }
  }
}
