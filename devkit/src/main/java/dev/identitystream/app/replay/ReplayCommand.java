package dev.identitystream.app.replay;

import dev.identitystream.app.ErrorText;
import dev.identitystream.app.ExitCodes;
import dev.identitystream.app.config.AppConfig;
import dev.identitystream.app.config.ConfigOptions;
import dev.identitystream.app.input.RequestLines;
import dev.identitystream.plaid.cassette.Cassette;
import dev.identitystream.testkit.CassetteKeys;
import dev.identitystream.testkit.CassetteReplay;
import dev.identitystream.testkit.ReplayResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Runs the job's topology offline over a requests file, answering Plaid calls from a cassette that
 * {@code record} wrote, and writes every output topic as JSON Lines ({@link ReplayOutput}). No
 * broker, no network, a fixed clock: two replays of the same inputs write the same bytes. A thin
 * layer over the test kit's {@link CassetteReplay}, which users' tests call directly.
 *
 * <p>Reads: the requests file as {@code enqueue} does, the cassette, and the configuration's topic
 * names, stage settings and {@code cassette.key}; Kafka keys are ignored.
 */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = {
      "Run the job's topology offline (no broker, no network) over a requests file, answering Plaid"
          + " calls from a cassette written by record, and write each output topic to"
          + " DIR/<topic>.jsonl. Byte-for-byte the same on every run.",
      "",
      "Requests: CSV or JSONL as for enqueue (invalid lines are reported and skipped; a line without"
          + " request_id gets line-<N>). The clock is fixed at the cassette's recorded_at, or --at.",
      ""
    },
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
      "0:every output topic was written",
      "1:the replay failed",
      "2:bad usage",
      "3:invalid configuration (cassette.key missing, or not the key the cassette was recorded with)",
      "5:the requests or the cassette cannot be read or are invalid, a request has no cassette entry"
          + " (unless --missing=dlq), or the output cannot be written"
    })
public final class ReplayCommand implements Callable<Integer> {

  /** What to do with a request the cassette has no entry for. */
  enum Missing {
    /** Refuse the replay (exit 5) before running anything. */
    FAIL,
    /** Answer it as a transport failure: it lands on the DLQ as RETRIES_EXHAUSTED. */
    DLQ
  }

  private static final int MISSING_SHOWN = 20;

  @Mixin ConfigOptions options;
  @Spec CommandSpec spec;

  @Option(
      names = "--requests",
      required = true,
      paramLabel = "FILE",
      description = "Requests, CSV or JSONL as for enqueue.")
  Path requests;

  @Option(
      names = "--format",
      paramLabel = "csv|jsonl",
      description = "Requests format (default: from the file extension).")
  RequestLines.Format format;

  @Option(
      names = "--cassette",
      required = true,
      paramLabel = "FILE",
      description = "The cassette written by record.")
  Path cassette;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description =
          "Directory for <topic>.jsonl files (created if missing; those files are replaced).")
  Path out;

  @Option(
      names = "--at",
      paramLabel = "INSTANT",
      description =
          "The fixed clock, e.g. 2026-01-01T00:00:00Z (default: the cassette's recorded_at).")
  Instant at;

  @Option(
      names = "--missing",
      paramLabel = "fail|dlq",
      defaultValue = "fail",
      description =
          "A request without a cassette entry: fail (exit 5, default) or dlq (a transport failure, so RETRIES_EXHAUSTED).")
  Missing missing;

  @Override
  public Integer call() throws Exception {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    RequestLines.Format chosen =
        format != null ? format : RequestLines.formatOf(requests.toString());
    if (chosen == null) {
      err.println(
          "Cannot tell the format of '" + requests + "': use --format csv or --format jsonl");
      return ExitCodes.USAGE;
    }
    AppConfig config = options.load();
    CassetteKeys.fingerprinter(config); // a missing or short key fails before the cassette is read
    Cassette tape;
    try {
      tape = Cassette.read(cassette);
    } catch (IOException e) {
      err.println("Cannot read the cassette: " + ErrorText.describe(e));
      return ExitCodes.INPUT;
    }
    CassetteReplay.Prepared replay;
    try {
      replay =
          CassetteReplay.of(tape)
              .config(config)
              .requests(requests, chosen)
              .at(at != null ? at : tape.header().recordedAt())
              .prepare();
    } catch (IOException e) {
      err.println("Cannot read " + requests + ": " + ErrorText.reason(e));
      return ExitCodes.INPUT;
    }
    replay
        .invalid()
        .forEach(skipped -> err.println("line " + skipped.line() + ": " + skipped.problem()));
    List<ReplayResult.Miss> notRecorded = replay.misses();
    if (!notRecorded.isEmpty() && missing == Missing.FAIL) {
      notRecorded.stream()
          .limit(MISSING_SHOWN)
          .forEach(
              miss ->
                  err.println(
                      "line "
                          + miss.line()
                          + " (request_id "
                          + miss.requestId()
                          + "): no cassette entry for this request"));
      if (notRecorded.size() > MISSING_SHOWN) {
        err.println("... and " + (notRecorded.size() - MISSING_SHOWN) + " more");
      }
      err.println(
          notRecorded.size()
              + " request(s) were not recorded in "
              + cassette
              + ": record them, or pass --missing=dlq to replay them as transport failures");
      return ExitCodes.INPUT;
    }
    ReplayResult result = replay.run();
    Map<String, Integer> counts;
    try {
      counts = ReplayOutput.write(out, result);
    } catch (IOException e) {
      err.println("Cannot write to " + out + ": " + ErrorText.describe(e));
      return ExitCodes.INPUT;
    }
    stdout.printf(
        "Replayed %d request(s) from %s at %s; skipped %d invalid line(s); %d without a cassette entry%n",
        result.requests(), requests, result.clock(), result.invalid().size(), notRecorded.size());
    counts.forEach((topic, count) -> stdout.printf("  %-30s %d%n", topic, count));
    stdout.println("Wrote " + counts.size() + " file(s) to " + out);
    stdout.flush();
    return ExitCodes.OK;
  }
}
