package dev.identitystream.app.backfill;

import dev.identitystream.app.config.AppConfig;
import dev.identitystream.app.config.ConfigChecks;
import dev.identitystream.app.config.ConfigOptions;
import dev.identitystream.app.job.PlaidClients;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Runs the streaming job until it has consumed the input topic up to the end offsets seen at start
 * and nothing is pending, then stops cleanly and prints what it wrote ({@link BackfillRun}).
 */
@Command(
    name = "backfill",
    mixinStandardHelpOptions = true,
    description = {
      "Run the job until both input topics (bulk and live) are consumed up to their end offsets at start and nothing is"
          + " pending, then stop and print a summary (requests, accounts, Items OK/ERROR, errors by"
          + " code, DLQ by reason, duration).",
      "",
      "Progress on stderr: a bar on a terminal, else a line every few seconds.",
      ""
    },
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
      "0:caught up and stopped cleanly; or stopped cleanly by SIGTERM or Ctrl-C before (it says how far it"
          + " got; run backfill again to finish the rest)",
      "1:a stream thread failed, or the outputs could not be read back",
      "2:bad usage",
      "3:invalid configuration (the message names the key)",
      "4:Kafka unreachable (within 15 s) or topics missing and not creatable"
    })
public final class BackfillCommand implements Callable<Integer> {

  @Mixin ConfigOptions options;
  @Spec CommandSpec spec;

  @Option(
      names = "--progress-every-s",
      paramLabel = "SECONDS",
      defaultValue = "5",
      description =
          "Seconds between progress lines when not on a terminal (default: ${DEFAULT-VALUE}).")
  long progressEverySeconds;

  @Override
  public Integer call() throws Exception {
    AppConfig config = options.load();
    ConfigChecks.require(ConfigChecks.forJob(config, true));
    BackfillRun run =
        new BackfillRun(
            config,
            spec.commandLine().getOut(),
            spec.commandLine().getErr(),
            Duration.ofSeconds(progressEverySeconds));
    return run.run(() -> PlaidClients.create(config), () -> null);
  }
}
