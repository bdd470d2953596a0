package dev.identitystream.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.identitystream.local.BrokerOptions;
import dev.identitystream.local.ForkedKafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The end-to-end benchmark harness ({@code bench/run.sh}): a Kafka broker, the Plaid emulator and
 * the job, each in its own JVM on this machine; every scenario of the chosen suites, {@code --runs}
 * times, interleaved; then {@code results.jsonl}, {@code summary.md} (medians and spread) and
 * {@code throughput.png} in {@code --out}.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "End-to-end benchmarks (see BENCHMARKS.md).")
public final class Benchmarks implements Callable<Integer> {

  static final List<String> ALL_SUITES =
      List.of("naive", "sweep", "alos", "sizes", "latency", "memory");

  @Option(
      names = "--suites",
      split = ",",
      description = "Suites to run: ${COMPLETION-CANDIDATES} (default: all).",
      completionCandidates = SuiteNames.class)
  List<String> suites = ALL_SUITES;

  @Option(names = "--runs", description = "Runs of every scenario (default: ${DEFAULT-VALUE}).")
  int runs = 3;

  @Option(
      names = "--seconds",
      description = "Target length of a run at the expected rate (default: ${DEFAULT-VALUE}).")
  int seconds = 15;

  @Option(
      names = "--max-requests",
      description = "Most requests of one run (default: ${DEFAULT-VALUE}).")
  int maxRequests = 60_000;

  @Option(
      names = "--partitions",
      description = "Partitions of every topic (default: ${DEFAULT-VALUE}).")
  int partitions = 6;

  @Option(names = "--bootstrap", description = "Use this broker instead of starting one.")
  String bootstrap;

  @Option(
      names = "--in-flight",
      split = ",",
      description = "C values of the sweep (default: 16,64,256,1024).")
  List<Integer> inFlight = List.of(16, 64, 256, 1024);

  @Option(
      names = "--latencies",
      split = ",",
      description = "L values (ms) of the sweep (default: 20,100,300).")
  List<Integer> latencies = List.of(20, 100, 300);

  @Option(names = "--jar", description = "The job's jar (default: ${DEFAULT-VALUE}).")
  Path jar = Path.of("target/plaid-identity-stream.jar");

  @Option(
      names = "--bench-classes",
      description = "Compiled benchmark classes, for the naive job (default: ${DEFAULT-VALUE}).")
  Path benchClasses = Path.of("benchmarks/target/classes");

  @Option(
      names = "--job-jvm-option",
      description =
          "Extra JVM option of every job run, e.g. -XX:StartFlightRecording=... (repeatable).")
  List<String> jobJvmOptions = List.of();

  @Option(
      names = "--job-config",
      description = "Extra job configuration KEY=VALUE of every run (repeatable).")
  Map<String, String> jobConfig = new LinkedHashMap<>();

  @Option(
      names = "--emulator-option",
      description = "Extra option of the emulator command, e.g. --writer-threads=2 (repeatable).")
  List<String> emulatorOptions = List.of();

  @Option(
      names = "--warm-up",
      description =
          "Requests of the discarded warm-up run on each fresh emulator (default: ${DEFAULT-VALUE}).")
  int warmUpRequests = 6000;

  private final java.util.Set<Long> warmedUp = new java.util.HashSet<>();

  @Option(names = "--out", description = "Where results go (default: ${DEFAULT-VALUE}).")
  Path out = Path.of("target/bench");

  static final class SuiteNames extends ArrayList<String> {
    SuiteNames() {
      super(ALL_SUITES);
    }
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new Benchmarks()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Files.createDirectories(out);
    List<Scenario> scenarios = scenarios();
    System.out.printf(
        "%d scenarios x %d runs; results in %s%n", scenarios.size(), runs, out.toAbsolutePath());
    // Ctrl-C (or a kill) of the harness also stops the broker, emulator and job JVMs it started.
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly),
                "bench-stop"));
    ForkedKafkaBroker broker = null;
    Map<String, Long> pids = new LinkedHashMap<>();
    if (bootstrap == null) {
      broker =
          ForkedKafkaBroker.start(
              BrokerOptions.defaults().withWorkDir(Files.createTempDirectory("bench-broker")),
              List.of("-Xmx1g", "-XX:+UseSerialGC"));
      bootstrap = broker.bootstrapServers();
      pids.put("broker", broker.pid());
    }
    ObjectMapper json = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    Path resultsFile = out.resolve("results.jsonl");
    List<Result> results = new ArrayList<>();
    try {
      for (int run = 1; run <= runs; run++) {
        Integer emulatorLatency = null;
        ChildJvm emulator = null;
        try {
          for (Scenario s : scenarios) {
            if (s.backfill() && run > 1) {
              continue; // one 200,000-request backfill is enough
            }
            if (!Integer.valueOf(s.latencyMs()).equals(emulatorLatency)) {
              if (emulator != null) {
                emulator.close();
              }
              emulator = startEmulator(s.latencyMs());
              emulatorLatency = s.latencyMs();
            }
            Map<String, Long> runPids = new LinkedHashMap<>(pids);
            runPids.put("emulator", emulator.pid());
            ScenarioRunner runner =
                new ScenarioRunner(
                    bootstrap,
                    jar,
                    benchClasses,
                    out.resolve("runs"),
                    partitions,
                    runPids,
                    jobJvmOptions,
                    jobConfig);
            if (warmedUp.add(emulator.pid())) {
              // A fresh emulator (and, the first time, the broker) runs a discarded load first:
              // their JIT warm-up
              // would otherwise be charged to whichever scenario comes first.
              Scenario warmUp =
                  new Scenario(
                      "warm-up",
                      false,
                      256,
                      s.latencyMs(),
                      10,
                      Scenario.EOS,
                      warmUpRequests,
                      0,
                      List.of(),
                      false);
              System.out.printf("%s warm-up: %s...%n", Instant.now(), warmUp.name());
              runner.run(warmUp, 0, baseUrl);
            }
            System.out.printf(
                "%s run %d: %s (%d requests)...%n", Instant.now(), run, s.name(), s.requests());
            Result r = runner.run(s, run, baseUrl);
            results.add(r);
            Files.writeString(
                resultsFile,
                json.writeValueAsString(r) + "\n",
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
            System.out.printf(
                "  %.1f req/s (%.0f%% of bound %.0f, steady %.1f), job %.3f ms CPU/req, broker %.3f, emulator %.3f,"
                    + " machine %.0f%% busy, in flight %.0f, call %.0f ms, p50 %d ms p99 %d ms, heap peak %.0f MiB, RSS %.0f MiB%n",
                r.throughput(),
                100 * r.ratioToBound(),
                r.bound(),
                r.steadyThroughput(),
                r.jobCpuMsPerRequest(),
                r.brokerCpuMsPerRequest(),
                r.emulatorCpuMsPerRequest(),
                100 * r.machineBusy(),
                r.avgInFlight(),
                r.meanCallMs(),
                r.latencyP50Ms(),
                r.latencyP99Ms(),
                r.jobPeakHeapMb(),
                r.jobPeakRssMb());
          }
        } finally {
          if (emulator != null) {
            emulator.close();
          }
        }
      }
    } finally {
      if (broker != null) {
        broker.close();
      }
    }
    Report report = new Report(results);
    Files.writeString(out.resolve("summary.md"), report.markdown());
    report.chart(out.resolve("throughput.png"));
    System.out.println(report.markdown());
    return 0;
  }

  private String baseUrl;

  private ChildJvm startEmulator(int latencyMs) throws Exception {
    int port;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    ChildJvm emulator =
        ChildJvm.start(
            "emulator",
            List.of("-Xmx1g"),
            java.util.stream.Stream.concat(
                    java.util.stream.Stream.of(
                        "-jar",
                        jar.toString(),
                        "emulator",
                        "--port",
                        Integer.toString(port),
                        "--latency-ms",
                        Integer.toString(latencyMs),
                        "--client-id",
                        ScenarioRunner.CLIENT_ID),
                    emulatorOptions.stream())
                .toList(),
            Map.of("PLAID_SECRET", ScenarioRunner.SECRET),
            Files.createDirectories(out.resolve("runs")).resolve("emulator-" + latencyMs + ".log"));
    emulator.awaitLog("listening on", Duration.ofSeconds(30));
    baseUrl = "http://127.0.0.1:" + port;
    return emulator;
  }

  /** Requests per run: about {@code seconds} at the rate the scenario can reach, within bounds. */
  private int requestsFor(double expectedRate) {
    return (int) Math.max(1000, Math.min(maxRequests, Math.round(expectedRate * seconds)));
  }

  List<Scenario> scenarios() {
    List<Scenario> list = new ArrayList<>();
    List<String> none = List.of();
    for (String suite : suites) {
      switch (suite) {
        case "naive" ->
            list.add(new Scenario("naive", true, 1, 100, 10, Scenario.ALOS, 300, 0, none, false));
        case "sweep" -> {
          for (int l : latencies) {
            for (int c : inFlight) {
              double rate = Math.min(c * 1000.0 / l, 3000);
              list.add(
                  new Scenario(
                      "sweep", false, c, l, 10, Scenario.EOS, requestsFor(rate), 0, none, false));
            }
          }
        }
        case "alos" -> {
          for (int c : inFlight) {
            double rate = Math.min(c * 10.0, 3500);
            list.add(
                new Scenario(
                    "alos", false, c, 100, 10, Scenario.ALOS, requestsFor(rate), 0, none, false));
          }
        }
        case "sizes" -> {
          for (int a : List.of(1, 10, 50)) {
            list.add(
                new Scenario(
                    "sizes", false, 256, 100, a, Scenario.EOS, requestsFor(2000), 0, none, false));
          }
        }
        case "latency" -> {
          for (int c : List.of(64, 256)) {
            int rate = c * 10 / 2;
            list.add(
                new Scenario(
                    "latency", false, c, 100, 10, Scenario.EOS, rate * seconds, rate, none, false));
          }
        }
        case "memory" ->
            list.add(
                new Scenario(
                    "memory",
                    false,
                    1024,
                    100,
                    10,
                    Scenario.EOS,
                    200_000,
                    0,
                    List.of("-Xmx256m"),
                    true));
        default ->
            throw new CommandLine.ParameterException(
                new CommandLine(this), "unknown suite: " + suite);
      }
    }
    // Group by latency so the emulator restarts as rarely as possible.
    list.sort(java.util.Comparator.comparingInt(Scenario::latencyMs));
    return list;
  }
}
