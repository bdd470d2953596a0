package dev.identitystream.emulator;

import dev.identitystream.cli.StopSignals;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code emulator}: runs the Plaid emulator until SIGTERM or Ctrl-C and prints its base URL.
 *
 * <p>The expected client id comes from {@code --client-id} or {@code PLAID_CLIENT_ID}; the secret
 * only from the environment ({@code PLAID_SECRET}) or {@code --secret-file}, never from an
 * argument. Without them any non-empty credentials are accepted.
 */
@Command(
    name = "emulator",
    mixinStandardHelpOptions = true,
    description =
        "Runs a local Plaid /identity/documents/uploads/get emulator (see docs/EMULATOR.md) until"
            + " SIGTERM or Ctrl-C.",
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
      "0:stopped cleanly (SIGTERM or Ctrl-C)",
      "1:could not start (e.g. the port is in use)",
      "2:bad usage (unknown option, invalid value)"
    })
public final class EmulatorCommand implements Callable<Integer> {

  private static final EmulatorOptions DEFAULTS = EmulatorOptions.defaults();

  @Spec CommandSpec spec;

  @Option(
      names = "--port",
      description = "TCP port on 127.0.0.1; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port = 0;

  @Option(
      names = "--latency-ms",
      description =
          "Fixed latency, or the minimum/median of a distribution (default: ${DEFAULT-VALUE}).")
  long latencyMs = 0;

  @Option(
      names = "--latency-max-ms",
      description = "Uniform latency between --latency-ms and this.")
  Long latencyMaxMs;

  @Option(
      names = "--latency-p99-ms",
      description = "Log-normal latency: median --latency-ms, this p99.")
  Long latencyP99Ms;

  @Option(
      names = "--fault",
      paramLabel = "KIND=RATE",
      description =
          "Fault rate 0..1 for KIND in 429, 500, 502, 503, timeout, truncated, nonjson, oversize,"
              + " drop (repeatable).")
  Map<String, Double> faults = new LinkedHashMap<>();

  @Option(
      names = "--item-rpm",
      description = "Per-Item requests per minute before 429 RATE_LIMIT; 0 is off.")
  int itemRpm = 0;

  @Option(
      names = "--client-rpm",
      description = "Per-client requests per minute before 429 RATE_LIMIT; 0 is off.")
  int clientRpm = 0;

  @Option(
      names = "--client-id",
      description = "Expected PLAID-CLIENT-ID (default: env PLAID_CLIENT_ID, else any).")
  String clientId;

  @Option(
      names = "--secret-file",
      description = "File holding the expected secret (default: env PLAID_SECRET, else any).")
  Path secretFile;

  @Option(
      names = "--seed",
      description = "Seed of request ids, faults and latency (default: ${DEFAULT-VALUE}).")
  long seed = DEFAULTS.seed();

  @Option(
      names = "--accounts-min",
      description = "Fewest accounts per Item (default: ${DEFAULT-VALUE}).")
  int accountsMin = DEFAULTS.minAccounts();

  @Option(
      names = "--accounts-max",
      description = "Most accounts per Item (default: ${DEFAULT-VALUE}).")
  int accountsMax = DEFAULTS.maxAccounts();

  @Option(
      names = "--handler-threads",
      description = "Request threads; 0 runs them on the dispatcher (default: ${DEFAULT-VALUE}).")
  int handlerThreads = DEFAULTS.handlerThreads();

  @Option(
      names = "--writer-threads",
      description = "Delayed-answer threads (default: ${DEFAULT-VALUE}).")
  int writerThreads = DEFAULTS.schedulerThreads();

  @Option(
      names = "--timeout-hold-ms",
      description = "How long a 'timeout' fault holds a request (default: ${DEFAULT-VALUE}).")
  long timeoutHoldMs = DEFAULTS.timeoutHold().toMillis();

  @Option(
      names = "--stats-interval-s",
      description = "Print a stats line every N seconds; 0 is off (default: ${DEFAULT-VALUE}).")
  int statsIntervalS = 0;

  private final Map<String, String> env;

  public EmulatorCommand() {
    this(System.getenv());
  }

  EmulatorCommand(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  /** Runs until SIGTERM or Ctrl-C ({@link StopSignals}), then closes the emulator and returns 0. */
  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    EmulatorOptions options = toOptions(); // invalid values: usage error (2) before anything starts
    try (StopSignals signals = StopSignals.install()) {
      PlaidEmulator emulator;
      try {
        emulator = PlaidEmulator.start(options);
      } catch (UncheckedIOException e) {
        spec.commandLine()
            .getErr()
            .println(
                "emulator: cannot listen on 127.0.0.1:"
                    + port
                    + ": "
                    + (e.getCause() instanceof BindException bind
                            && String.valueOf(bind.getMessage()).contains("in use")
                        ? "the port is in use"
                        : String.valueOf(e.getCause().getMessage())
                            .toLowerCase(java.util.Locale.ROOT)));
        return 1;
      }
      try (emulator) {
        out.println(
            "Plaid emulator listening on " + emulator.baseUrl() + " (Ctrl-C or SIGTERM stops it)");
        out.flush();
        while (!signals.await(Duration.ofSeconds(Math.max(1, statsIntervalS)))) {
          if (statsIntervalS > 0) {
            out.println(emulator.stats().summary());
            out.flush();
          }
        }
        out.println("stopping (" + signals.signalName() + "): " + emulator.stats().summary());
        out.flush();
      }
    }
    return 0;
  }

  /** Starts the emulator and prints its base URL (the caller closes it). */
  PlaidEmulator start() throws IOException {
    PlaidEmulator emulator = PlaidEmulator.start(toOptions());
    PrintWriter out = spec.commandLine().getOut();
    out.println("Plaid emulator listening on " + emulator.baseUrl());
    out.flush();
    return emulator;
  }

  /**
   * The emulator options these flags and the environment describe.
   *
   * @throws CommandLine.ParameterException (a usage error, exit 2) for a value out of range
   */
  EmulatorOptions toOptions() throws IOException {
    checkRanges();
    try {
      return buildOptions();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "invalid option value: " + e.getMessage());
    }
  }

  /** Each numeric option in its range, named as the user typed it (exit 2). */
  private void checkRanges() {
    Map<String, Long> atLeastZero = new LinkedHashMap<>();
    atLeastZero.put("--latency-ms", latencyMs);
    atLeastZero.put("--latency-max-ms", latencyMaxMs == null ? 0 : latencyMaxMs);
    atLeastZero.put("--latency-p99-ms", latencyP99Ms == null ? 0 : latencyP99Ms);
    atLeastZero.put("--item-rpm", (long) itemRpm);
    atLeastZero.put("--client-rpm", (long) clientRpm);
    atLeastZero.put("--handler-threads", (long) handlerThreads);
    atLeastZero.put("--stats-interval-s", (long) statsIntervalS);
    atLeastZero.forEach(
        (option, value) -> {
          if (value < 0) {
            throw new CommandLine.ParameterException(
                spec.commandLine(), option + " must be 0 or more, was " + value);
          }
        });
    if (writerThreads < 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--writer-threads must be 1 or more, was " + writerThreads);
    }
    if (timeoutHoldMs < 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--timeout-hold-ms must be 1 or more, was " + timeoutHoldMs);
    }
  }

  private EmulatorOptions buildOptions() throws IOException {
    EmulatorOptions.Builder options =
        EmulatorOptions.builder()
            .port(port)
            .credentials(clientId != null ? clientId : env.get("PLAID_CLIENT_ID"), secret())
            .latency(latency())
            .itemRequestsPerMinute(itemRpm)
            .clientRequestsPerMinute(clientRpm)
            .seed(seed)
            .accountsPerItem(accountsMin, accountsMax)
            .threads(handlerThreads, writerThreads)
            .timeoutHold(Duration.ofMillis(timeoutHoldMs));
    for (Map.Entry<String, Double> fault : faults.entrySet()) {
      FaultKind kind =
          FaultKind.fromTokenName(fault.getKey())
              .orElseThrow(
                  () ->
                      new CommandLine.ParameterException(
                          spec.commandLine(), "unknown fault kind: " + fault.getKey()));
      options.faultRate(kind, fault.getValue());
    }
    return options.build();
  }

  private LatencyModel latency() {
    Duration base = Duration.ofMillis(latencyMs);
    if (latencyMaxMs != null && latencyP99Ms != null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--latency-max-ms and --latency-p99-ms exclude each other");
    }
    if (latencyMaxMs != null) {
      return LatencyModel.uniform(base, Duration.ofMillis(latencyMaxMs));
    }
    if (latencyP99Ms != null) {
      return LatencyModel.logNormal(base, Duration.ofMillis(latencyP99Ms));
    }
    return LatencyModel.fixed(base);
  }

  private String secret() throws IOException {
    if (secretFile == null) {
      return env.get("PLAID_SECRET");
    }
    String secret;
    try {
      secret = Files.readString(secretFile, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "cannot read the secret file "
              + secretFile
              + (!Files.exists(secretFile)
                  ? ": no such file"
                  : Files.isDirectory(secretFile) ? ": it is a directory" : ""));
    }
    if (secret.isEmpty()) {
      throw new CommandLine.ParameterException(spec.commandLine(), "the secret file is empty");
    }
    warnIfReadableByOthers(secretFile);
    return secret;
  }

  private void warnIfReadableByOthers(Path file) {
    try {
      Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
      if (permissions.contains(PosixFilePermission.GROUP_READ)
          || permissions.contains(PosixFilePermission.OTHERS_READ)) {
        spec.commandLine().getErr().println("warning: the secret file is readable by other users");
      }
    } catch (UnsupportedOperationException | IOException e) {
      // Not a POSIX file system: nothing to check.
    }
  }
}
