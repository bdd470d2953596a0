package dev.identitystream.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitystream.app.config.AppConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The CLI's surface for scripts and people: exit codes as each --help says, versions, usage, and
 * errors in words. Commands run in-process ({@link Main#execute}); nothing here needs a broker
 * (Kafka is either never reached or deliberately unreachable).
 */
class CliExitCodesTest {

  private static final List<String> COMMANDS =
      List.of(
          "run",
          "demo",
          "broker",
          "enqueue",
          "tail",
          "redrive",
          "backfill",
          "record",
          "replay",
          "emulator",
          "validate-config");

  @TempDir Path dir;

  @Test
  void shouldPrintUsageOnStderrAndExitWithUsageWhenNoCommandIsGiven() {
    // when
    CliTestSupport.Run run = CliTestSupport.run();

    // then
    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("Missing command").contains("Usage: plaid-identity-stream");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void shouldPrintThePomVersionForMinusVOnEveryCommand() throws IOException {
    // given the version the pom declares
    Matcher version =
        Pattern.compile("<version>([^<]+)</version>").matcher(Files.readString(Path.of("pom.xml")));
    assertThat(version.find()).isTrue();

    // when / then
    assertThat(CliTestSupport.run("-V").out().strip())
        .isEqualTo("plaid-identity-stream " + version.group(1));
    for (String command : COMMANDS) {
      CliTestSupport.Run run = CliTestSupport.run(command, "-V");
      assertThat(run.exitCode()).as(command).isEqualTo(ExitCodes.OK);
      assertThat(run.out().strip())
          .as(command)
          .isEqualTo("plaid-identity-stream " + version.group(1));
    }
  }

  @Test
  void shouldDocumentTheExitCodesInTheHelpOfEveryCommand() {
    for (String command : COMMANDS) {
      CliTestSupport.Run run = CliTestSupport.run(command, "--help");
      assertThat(run.exitCode()).as(command).isEqualTo(ExitCodes.OK);
      assertThat(run.out())
          .as(command)
          .contains("Exit codes:")
          .containsPattern("\\n  0 ")
          .containsPattern("\\n  2 ");
    }
  }

  @Test
  void shouldGiveEachShortOptionOneMeaningAcrossCommands() {
    // given every option of every command
    Map<String, TreeSet<String>> meanings = new TreeMap<>();
    CommandLine root = new CommandLine(new Main());
    List<CommandLine> commands = new ArrayList<>(root.getSubcommands().values());
    commands.add(root);
    for (CommandLine command : commands) {
      for (OptionSpec option : command.getCommandSpec().options()) {
        for (String name : option.names()) {
          if (name.matches("-[A-Za-z]")) {
            meanings.computeIfAbsent(name, n -> new TreeSet<>()).add(option.longestName());
          }
        }
      }
    }

    // then a short option always stands for the same long one
    assertThat(meanings)
        .isNotEmpty()
        .allSatisfy((shortName, longNames) -> assertThat(longNames).as(shortName).hasSize(1));
    assertThat(meanings.get("-i")).containsExactly("--input");
  }

  @Test
  void shouldExitWithUsageOnABadEmulatorValueAndSayWhyInWords() {
    // when
    CliTestSupport.Run run = CliTestSupport.run("emulator", "--accounts-min", "0");

    // then
    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err())
        .contains("accounts per Item")
        .doesNotContain("Exception")
        .doesNotContain("java.");
  }

  @Test
  void shouldRefuseBadDemoOptionsAndConfigurationBeforeStartingAnything() {
    // when
    CliTestSupport.Run negative = CliTestSupport.run("demo", "--requests", "-1");
    CliTestSupport.Run port = CliTestSupport.run("demo", "--no-job", "--broker-port", "70000");
    CliTestSupport.Run config =
        CliTestSupport.run("demo", "-c", dir.resolve("missing.properties").toString());
    CliTestSupport.Run typo = CliTestSupport.run("demo", "--set", "plaid.max.in.flight=0");

    // then
    assertThat(negative.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(negative.err()).contains("--requests must be 0 or more, was -1");
    assertThat(port.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(port.err()).contains("--broker-port must be in 1..65535, was 70000");
    assertThat(config.exitCode()).isEqualTo(ExitCodes.CONFIG);
    assertThat(config.err()).contains("missing.properties: no such file or directory");
    assertThat(typo.exitCode()).isEqualTo(ExitCodes.CONFIG);
    assertThat(typo.err()).contains("plaid.max.in.flight");
    for (CliTestSupport.Run run : List.of(negative, port, config, typo)) {
      assertThat(run.out()).doesNotContain("Starting");
    }
  }

  @Test
  void shouldExitWithFailureInWordsWhenTheEmulatorOrBrokerPortIsTaken() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String port = Integer.toString(taken.getLocalPort());

      // when
      CliTestSupport.Run emulator = CliTestSupport.run("emulator", "--port", port);
      CliTestSupport.Run broker =
          CliTestSupport.run(
              "broker", "--port", port, "--data-dir", dir.resolve("kafka").toString());

      // then
      assertThat(emulator.exitCode()).isEqualTo(ExitCodes.FAILURE);
      assertThat(emulator.err())
          .contains("127.0.0.1:" + port)
          .contains("in use")
          .doesNotContain("Exception");
      assertThat(broker.exitCode()).isEqualTo(ExitCodes.FAILURE);
      assertThat(broker.err())
          .contains("port " + port)
          .contains("in use")
          .doesNotContain("Exception");
    }
  }

  @Test
  void shouldExitWithUsageOnAnUnknownDlqReasonOrABadTime() throws IOException {
    Path config = CliTestSupport.configFile(dir, Map.of("bootstrap.servers", "127.0.0.1:1"));

    // when
    CliTestSupport.Run tail =
        CliTestSupport.run("tail", "dlq", "-c", config.toString(), "--reason", "NOT_A_REASON");
    CliTestSupport.Run redrive =
        CliTestSupport.run("redrive", "-c", config.toString(), "--since", "yesterday");
    CliTestSupport.Run range =
        CliTestSupport.run("redrive", "-c", config.toString(), "--since", "1h", "--until", "2h");

    // then
    assertThat(tail.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(tail.err())
        .contains("unknown DLQ reason NOT_A_REASON")
        .contains("RETRIES_EXHAUSTED");
    assertThat(redrive.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(redrive.err()).contains("'yesterday' is not a time");
    assertThat(range.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(range.err()).contains("the time range is empty");
  }

  @Test
  void shouldExitWithConfigNamingBootstrapServersWhenItIsMalformedOrUnresolvable()
      throws IOException {
    for (String servers : List.of("localhost9092", "kafka.invalid:9092", "127.0.0.1:70000")) {
      Path config = CliTestSupport.configFile(dir, jobSettings(servers));
      for (List<String> command :
          List.of(
              List.of("run"),
              List.of("backfill"),
              List.of("tail", "items"),
              List.of("redrive"),
              List.of("enqueue", "--input", "config/sample-tokens.csv"),
              List.of("validate-config"))) {
        List<String> args = new ArrayList<>(command);
        args.addAll(List.of("-c", config.toString()));

        // when
        CliTestSupport.Run run = CliTestSupport.run(args.toArray(String[]::new));

        // then
        assertThat(run.exitCode()).as(servers + " " + command).isEqualTo(ExitCodes.CONFIG);
        assertThat(run.err())
            .as(servers + " " + command)
            .contains("bootstrap.servers")
            .contains(servers.split(":")[0])
            .doesNotContain("KafkaAdminClient")
            .doesNotContain("Exception");
      }
    }
  }

  @Test
  void shouldSayWhatIsWrongWithAMissingFileOrAValueInWords() throws IOException {
    Map<String, String> settings = jobSettings("127.0.0.1:" + closedPort());
    settings.put(AppConfig.CASSETTE_KEY_CONFIG, "0123456789abcdef0123456789abcdef");
    Path config = CliTestSupport.configFile(dir, settings);
    Path missing = dir.resolve("missing");
    Map<List<String>, Integer> expected =
        Map.of(
            List.of("run", "-c", missing + ".properties"), ExitCodes.CONFIG,
            List.of("enqueue", "-c", config.toString(), "-i", missing + ".csv"), ExitCodes.INPUT,
            List.of("record", "-c", config.toString(), "--cassette", missing + "/dir/c.jsonl"),
                ExitCodes.INPUT,
            List.of(
                    "replay",
                    "-c",
                    config.toString(),
                    "--requests",
                    "config/sample-tokens.csv",
                    "--cassette",
                    missing + ".jsonl",
                    "--out",
                    dir.resolve("out").toString()),
                ExitCodes.INPUT);
    for (Map.Entry<List<String>, Integer> command : expected.entrySet()) {
      // when
      CliTestSupport.Run run = CliTestSupport.run(command.getKey().toArray(String[]::new));

      // then the file is named once, with what is wrong with it
      assertThat(run.exitCode()).as(run.err()).isEqualTo(command.getValue());
      assertThat(run.err())
          .as(command.getKey().get(0))
          .containsPattern(Pattern.quote(missing.toString()) + "[^:]*: no such file or directory")
          .doesNotContainPattern("(" + Pattern.quote(missing.toString()) + "[^ ]*): \\1")
          .doesNotContain("Exception");
    }

    // and a bad instant is refused without Java's class names
    CliTestSupport.Run at =
        CliTestSupport.run(
            "replay",
            "--requests",
            "config/sample-tokens.csv",
            "--cassette",
            "c.jsonl",
            "--out",
            "out",
            "--at",
            "yesterday");
    assertThat(at.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(at.err())
        .contains("'yesterday' is not an instant: use UTC like 2026-01-01T00:00:00Z")
        .doesNotContain("java.");
  }

  @Test
  void shouldExitWithConfigWhenTheKafkaClientsSecuritySetupCannotBeBuilt() throws IOException {
    // given SASL without a JAAS entry: Kafka refuses to create a client
    Map<String, String> settings = jobSettings("127.0.0.1:" + closedPort());
    settings.put("security.protocol", "SASL_PLAINTEXT");
    Path config = CliTestSupport.configFile(dir, settings);
    for (String command : List.of("run", "tail", "redrive", "backfill", "validate-config")) {
      List<String> args = new ArrayList<>(List.of(command, "-c", config.toString()));
      if (command.equals("tail")) {
        args.add("items");
      }

      // when
      CliTestSupport.Run run = CliTestSupport.run(args.toArray(String[]::new));

      // then it is a configuration problem naming the key, found before connecting
      assertThat(run.exitCode()).as(command + ": " + run.err()).isEqualTo(ExitCodes.CONFIG);
      assertThat(run.err())
          .as(command)
          .contains("security.protocol: the main consumer cannot set up SASL_PLAINTEXT")
          .doesNotContain("KafkaAdminClient")
          .doesNotContain("Exception");
    }
  }

  @Test
  void shouldCheckTheMetricsPortBeforeKafka() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      // given an unreachable Kafka and a metrics port in use
      Map<String, String> settings = jobSettings("127.0.0.1:" + closedPort());
      settings.put(AppConfig.METRICS_PORT_CONFIG, Integer.toString(taken.getLocalPort()));
      Path config = CliTestSupport.configFile(dir, settings);

      // when
      long started = System.nanoTime();
      CliTestSupport.Run run = CliTestSupport.run("run", "-c", config.toString());

      // then the port is named at once, without waiting for Kafka
      assertThat(run.exitCode()).isEqualTo(ExitCodes.CONFIG);
      assertThat(run.err())
          .contains("metrics.port")
          .contains(Integer.toString(taken.getLocalPort()));
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }
  }

  @Test
  void shouldReportAnUnreachableBrokerWithinAboutFifteenSecondsNamingTheAddress()
      throws IOException {
    // given nothing listening at the configured address
    String servers = "127.0.0.1:" + closedPort();
    Path config = CliTestSupport.configFile(dir, jobSettings(servers));

    // when
    long started = System.nanoTime();
    CliTestSupport.Run run = CliTestSupport.run("run", "-c", config.toString());
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    // then
    assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(run.err())
        .contains("bootstrap.servers=" + servers)
        .contains(servers + " refused the connection")
        .doesNotContain("Exception");
    assertThat(took).isBetween(Duration.ofSeconds(10), Duration.ofSeconds(25));
  }

  /** A job configuration with credentials, Kafka at {@code servers}, no metrics endpoint. */
  private Map<String, String> jobSettings(String servers) {
    Map<String, String> settings = new TreeMap<>();
    settings.put("bootstrap.servers", servers);
    settings.put("state.dir", dir.resolve("state").toString());
    settings.put(AppConfig.PLAID_BASE_URL_CONFIG, "http://127.0.0.1:1");
    settings.put(AppConfig.PLAID_CLIENT_ID_CONFIG, "client");
    settings.put(AppConfig.PLAID_SECRET_CONFIG, "secret");
    settings.put(AppConfig.METRICS_PORT_CONFIG, "-1");
    return settings;
  }

  /** A port nothing listens on (free a moment ago). */
  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
