package dev.identitystream.app;

import dev.identitystream.plaid.PlaidClient;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Runs the streaming job against the configured cluster until SIGTERM or a fatal error. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "Run the streaming job against the configured Kafka cluster and Plaid.",
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
      "0:stopped cleanly (SIGTERM or Ctrl-C; requests in flight stay pending)",
      "1:a stream thread failed",
      "2:bad usage",
      "3:invalid configuration (the message names the key)",
      "4:Kafka unreachable or topics missing and not creatable"
    })
public final class RunCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

  @Mixin ConfigOptions options;

  @Override
  public Integer call() throws InterruptedException {
    AppConfig config = options.load();
    Observability observability = Observability.create(config);
    PlaidClient client = PlaidClients.create(config, observability.metrics());
    StreamingJob job = new StreamingJob(config, client, Clock.systemUTC(), observability.metrics());
    AtomicBoolean signalled = new AtomicBoolean();
    Thread hook =
        new Thread(
            () -> {
              signalled.set(true);
              job.close();
              observability.close();
            },
            "shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      observability.bind(job);
      job.start();
    } catch (RuntimeException e) {
      Runtime.getRuntime().removeShutdownHook(hook);
      job.close();
      observability.close();
      throw e;
    }
    LOG.info("Running; reading {}", config.topics().requests());
    observability.url().ifPresent(url -> LOG.info("Metrics at {}/metrics, health at {}/health/ready", url, url));
    while (!job.awaitTermination(Duration.ofSeconds(1))) {
      // runs until a fatal error stops Kafka Streams, or SIGTERM runs the hook
    }
    if (!signalled.get()) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shutdownInProgress) {
        // SIGTERM arrived meanwhile: the hook closes the job
      }
      job.close();
      observability.close();
    }
    return job.fatalError() == null ? ExitCodes.OK : ExitCodes.FAILURE;
  }
}
