package dev.identitystream.app.replay;

import dev.identitystream.app.ErrorText;
import dev.identitystream.app.ExitCodes;
import dev.identitystream.app.backfill.BackfillRun;
import dev.identitystream.app.config.AppConfig;
import dev.identitystream.app.config.ConfigChecks;
import dev.identitystream.app.config.ConfigOptions;
import dev.identitystream.app.job.PlaidClients;
import dev.identitystream.plaid.cassette.Cassette;
import dev.identitystream.plaid.cassette.CassetteWriter;
import dev.identitystream.plaid.cassette.Fingerprinter;
import dev.identitystream.plaid.cassette.RecordingPlaidClient;
import dev.identitystream.testkit.CassetteKeys;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code backfill} that also saves the final result of every Plaid call to a cassette file (see
 * {@code docs/CASSETTE.md}), for {@code replay} to answer from later without network. Requests are
 * named in it by a keyed fingerprint ({@code cassette.key}), never by the token.
 *
 * <p>A new cassette's header takes the start time as {@code recorded_at}. With {@code --append}, an
 * existing cassette (same key) gets the new calls after its own, e.g. after a stopped recording.
 */
@Command(
    name = "record",
    mixinStandardHelpOptions = true,
    description = {
      "Run the job like backfill (until both input topics are consumed up to their end offsets at start"
          + " and nothing is pending, then print the summary) while saving the final result of every"
          + " Plaid call to a cassette, one JSON line per call, for replay.",
      "",
      "Requests are identified by HMAC-SHA256 of the access token and sorted account_ids under"
          + " cassette.key (from PIS_CASSETTE_KEY or a file readable only by its owner, never a flag).",
      ""
    },
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
      "0:caught up and stopped cleanly, or stopped cleanly by SIGTERM or Ctrl-C before; every call made is in"
          + " the cassette",
      "1:a stream thread failed, the cassette could not be written, or the outputs could not be read back",
      "2:bad usage",
      "3:invalid configuration (cassette.key missing or not the key of the cassette appended to)",
      "4:Kafka unreachable (within 15 s) or topics missing and not creatable",
      "5:the cassette exists (without --append), cannot be created, or is not a valid cassette"
    })
public final class RecordCommand implements Callable<Integer> {

  @Mixin ConfigOptions options;
  @Spec CommandSpec spec;

  @Option(
      names = "--cassette",
      required = true,
      paramLabel = "FILE",
      description = "The cassette to write (JSON Lines).")
  Path cassette;

  @Option(
      names = "--append",
      description =
          "Add to an existing cassette recorded with the same key instead of refusing it.")
  boolean append;

  @Option(
      names = "--progress-every-s",
      paramLabel = "SECONDS",
      defaultValue = "5",
      description =
          "Seconds between progress lines when not on a terminal (default: ${DEFAULT-VALUE}).")
  long progressEverySeconds;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    AppConfig config = options.load();
    ConfigChecks.require(ConfigChecks.forJob(config, true));
    Fingerprinter fingerprinter = CassetteKeys.fingerprinter(config);
    PlaidClients.httpConfig(config); // missing credentials fail before the cassette is touched
    boolean exists = Files.exists(cassette) && Files.size(cassette) > 0;
    if (exists && !append) {
      err.println(cassette + " already exists: pass --append to add to it, or remove it");
      return ExitCodes.INPUT;
    }
    Instant recordedAt;
    CassetteWriter writer;
    try {
      if (exists) {
        Cassette existing = Cassette.read(cassette);
        if (!fingerprinter.hasKeyId(existing.header().keyId())) {
          throw new ConfigException(
              AppConfig.CASSETTE_KEY_CONFIG + " is not the key " + cassette + " was recorded with");
        }
        recordedAt = existing.header().recordedAt();
        writer = CassetteWriter.appendTo(cassette, existing);
      } else {
        recordedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        writer = CassetteWriter.startNew(cassette, Cassette.Header.of(recordedAt, fingerprinter));
      }
    } catch (IOException e) {
      err.println(
          "Cannot " + (exists ? "append to " : "create ") + cassette + ": " + ErrorText.reason(e));
      return ExitCodes.INPUT;
    }
    try (writer) {
      BackfillRun run = new BackfillRun(config, out, err, Duration.ofSeconds(progressEverySeconds));
      int code =
          run.run(
              () -> new RecordingPlaidClient(PlaidClients.create(config), fingerprinter, writer),
              () ->
                  writer.failure() == null
                      ? null
                      : "cannot write " + cassette + ": " + ErrorText.reason(writer.failure()));
      if (writer.failure() != null) {
        err.println("The cassette is incomplete: " + ErrorText.reason(writer.failure()));
        return ExitCodes.FAILURE;
      }
      out.printf(
          "Recorded %d Plaid call(s) to %s (recorded_at %s)%n",
          writer.written(), cassette, recordedAt);
      if (writer.written() == 0 && code == ExitCodes.OK) {
        out.println(
            "Nothing was recorded: the job made no Plaid call (nothing was left to consume, see the note"
                + " on stderr, or every request consumed was invalid). record only calls Plaid for requests this"
                + " application.id has not consumed yet.");
      }
      out.flush();
      return code;
    }
  }
}
