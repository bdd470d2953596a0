package dev.identitystream.app;

import dev.identitystream.app.config.AppConfig;
import dev.identitystream.app.config.ConfigOptions;
import dev.identitystream.app.input.RequestLines;
import dev.identitystream.event.RequestValidator;
import dev.identitystream.plaid.cassette.Cassette;
import dev.identitystream.plaid.cassette.CassettePlaidClient;
import dev.identitystream.plaid.cassette.Fingerprinter;
import dev.identitystream.topology.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.test.TestRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Runs the job's topology offline over a requests file, answering Plaid calls from a cassette that
 * {@code record} wrote, and writes every output topic as JSON Lines ({@link ReplayOutput}). No
 * broker, no network, a fixed clock: two replays of the same inputs write the same bytes.
 *
 * <p>Reads: the requests file as {@code enqueue} does ({@link ReplayRequests}), the cassette, and the
 * configuration's topic names, stage settings and {@code cassette.key}; Kafka keys are ignored.
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

  @Option(names = "--requests", required = true, paramLabel = "FILE", description = "Requests, CSV or JSONL as for enqueue.")
  Path requests;

  @Option(names = "--format", paramLabel = "csv|jsonl", description = "Requests format (default: from the file extension).")
  RequestLines.Format format;

  @Option(names = "--cassette", required = true, paramLabel = "FILE", description = "The cassette written by record.")
  Path cassette;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory for <topic>.jsonl files (created if missing; those files are replaced).")
  Path out;

  @Option(names = "--at", paramLabel = "INSTANT", description = "The fixed clock, e.g. 2026-01-01T00:00:00Z (default: the cassette's recorded_at).")
  Instant at;

  @Option(names = "--missing", paramLabel = "fail|dlq", defaultValue = "fail", description = "A request without a cassette entry: fail (exit 5, default) or dlq (a transport failure, so RETRIES_EXHAUSTED).")
  Missing missing;

  @Override
  public Integer call() throws Exception {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    RequestLines.Format chosen = format != null ? format : RequestLines.formatOf(requests.toString());
    if (chosen == null) {
      err.println("Cannot tell the format of '" + requests + "': use --format csv or --format jsonl");
      return ExitCodes.USAGE;
    }
    AppConfig config = options.load();
    Fingerprinter fingerprinter = CassetteKeys.fingerprinter(config);
    Cassette tape;
    ReplayRequests.Result input;
    try {
      tape = Cassette.read(cassette);
    } catch (IOException e) {
      err.println("Cannot read the cassette: " + e.getMessage());
      return ExitCodes.INPUT;
    }
    if (!fingerprinter.hasKeyId(tape.header().keyId())) {
      throw new ConfigException(AppConfig.CASSETTE_KEY_CONFIG + " is not the key " + cassette + " was recorded with");
    }
    try (Reader reader = Files.newBufferedReader(requests, StandardCharsets.UTF_8)) {
      input = ReplayRequests.read(reader, chosen, new RequestValidator(config.getInt(AppConfig.INPUT_MAX_RECORD_BYTES_CONFIG)));
    } catch (IOException e) {
      err.println("Cannot read " + requests + ": " + e.getMessage());
      return ExitCodes.INPUT;
    }
    input.skipped().forEach(skipped -> err.println("line " + skipped.line() + ": " + skipped.problem()));
    List<ReplayRequests.Event> notRecorded = new ArrayList<>();
    for (ReplayRequests.Event event : input.events()) {
      if (!tape.contains(fingerprinter.of(event.plaidRequest()))) {
        notRecorded.add(event);
      }
    }
    if (!notRecorded.isEmpty() && missing == Missing.FAIL) {
      notRecorded.stream().limit(MISSING_SHOWN).forEach(event -> err.println(
          "line " + event.line() + " (request_id " + event.requestId() + "): no cassette entry for this request"));
      if (notRecorded.size() > MISSING_SHOWN) {
        err.println("... and " + (notRecorded.size() - MISSING_SHOWN) + " more");
      }
      err.println(notRecorded.size() + " request(s) were not recorded in " + cassette
          + ": record them, or pass --missing=dlq to replay them as transport failures");
      return ExitCodes.INPUT;
    }
    Instant clock = at != null ? at : tape.header().recordedAt();
    Topics topics = config.topics();
    Map<String, List<TestRecord<byte[], byte[]>>> written =
        new OfflineReplay(config.stageSettings(), clock).run(input.events(), new CassettePlaidClient(tape, fingerprinter));
    Map<String, Integer> counts;
    try {
      counts = ReplayOutput.write(out, topics.dlq(), written);
    } catch (IOException e) {
      err.println("Cannot write to " + out + ": " + e.getMessage());
      return ExitCodes.INPUT;
    }
    stdout.printf("Replayed %d request(s) from %s at %s; skipped %d invalid line(s); %d without a cassette entry%n",
        input.events().size(), requests, clock, input.skipped().size(), notRecorded.size());
    counts.forEach((topic, count) -> stdout.printf("  %-30s %d%n", topic, count));
    stdout.println("Wrote " + counts.size() + " file(s) to " + out);
    stdout.flush();
    return ExitCodes.OK;
  }
}
