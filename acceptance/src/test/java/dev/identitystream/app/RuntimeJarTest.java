package dev.identitystream.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * The two jars {@code mvn package} leaves at the repository root's target/: the runtime jar (the
 * job alone, the Docker image's) holds no broker, Scala, emulator, devkit or test-driver class; the
 * full CLI holds every command. Both run with {@code java -jar}. Prints their sizes.
 */
class RuntimeJarTest {

  private static final Path ROOT = Path.of(System.getProperty("user.dir"));
  private static final Path RUNTIME_JAR = ROOT.resolve("target/plaid-identity-stream-runtime.jar");
  private static final Path FULL_JAR = ROOT.resolve("target/plaid-identity-stream.jar");

  /** Entry prefixes that must never ship in the runtime jar, and what each one is. */
  private static final List<String[]> FORBIDDEN =
      List.of(
          new String[] {"kafka/", "the Kafka broker (kafka_2.13)"},
          new String[] {"scala/", "Scala's library"},
          new String[] {"org/apache/kafka/raft/", "the broker's KRaft (kafka-raft)"},
          new String[] {"org/apache/kafka/metadata/", "the broker's metadata (kafka-metadata)"},
          new String[] {
            "org/apache/kafka/storage/internals/log/", "the broker's log (kafka-storage)"
          },
          new String[] {"org/apache/kafka/network/", "the broker's network layer (kafka-server)"},
          new String[] {"org/apache/kafka/streams/TopologyTestDriver", "kafka-streams-test-utils"},
          new String[] {"org/apache/kafka/streams/TestInputTopic", "kafka-streams-test-utils"},
          new String[] {"org/junit/", "JUnit"},
          new String[] {"dev/identitystream/emulator/", "the Plaid emulator"},
          new String[] {"dev/identitystream/local/", "the embedded broker"},
          new String[] {"dev/identitystream/plaid/cassette/", "record/replay cassettes (testkit)"},
          new String[] {"dev/identitystream/testkit/", "the replay test kit (testkit)"},
          new String[] {"dev/identitystream/app/demo/", "the demo (devkit)"},
          new String[] {"dev/identitystream/devkit/", "the devkit's commands"},
          new String[] {"dev/identitystream/app/replay/", "record and replay (devkit)"},
          new String[] {
            "META-INF/services/dev.identitystream.app.CliExtension", "the devkit's commands"
          });

  @Test
  void shouldShipOnlyTheJobInTheRuntimeJar() throws IOException {
    // given the runtime jar the build left beside the full CLI
    assertThat(RUNTIME_JAR).as("run mvn package at the repository root first").exists();
    List<String> entries = entries(RUNTIME_JAR);
    // then none of the broker, Scala, the emulator, the devkit or the test driver is in it
    // (classes: kafka-clients and kafka-streams keep their version files under kafka/)
    for (String[] forbidden : FORBIDDEN) {
      assertThat(entries)
          .as(forbidden[1])
          .noneMatch(
              e ->
                  e.startsWith(forbidden[0])
                      && (e.endsWith(".class") || e.startsWith("META-INF/")));
    }
    // and the job's own runtime is: the entry point, the stage, Kafka Streams, RocksDB's natives
    // (so that the check above can fail: the full CLI has the broker)
    assertThat(entries(FULL_JAR))
        .contains(
            "kafka/server/KafkaRaftServer.class",
            "scala/Option.class",
            "org/apache/kafka/streams/TopologyTestDriver.class",
            "dev/identitystream/emulator/PlaidEmulator.class",
            "dev/identitystream/app/demo/DemoCommand.class",
            "dev/identitystream/devkit/DevkitCommands.class");
    assertThat(entries)
        .contains(
            "dev/identitystream/app/Main.class",
            "dev/identitystream/app/job/StreamingJob.class",
            "dev/identitystream/topology/PlaidCallProcessor.class",
            "org/apache/kafka/streams/KafkaStreams.class");
    assertThat(entries).anyMatch(e -> e.startsWith("librocksdbjni-linux64"));
    System.out.printf(
        "runtime jar: %.1f MiB, full CLI: %.1f MiB%n",
        Files.size(RUNTIME_JAR) / 1048576.0, Files.size(FULL_JAR) / 1048576.0);
  }

  @Test
  void shouldCarryEveryCommandInTheFullJarAndTheJobsInTheRuntimeJar() throws Exception {
    // when each jar prints its help
    String runtimeHelp = help(RUNTIME_JAR);
    String fullHelp = help(FULL_JAR);
    // then the runtime jar has the job's commands and none of the devkit's
    List<String> jobCommands =
        List.of("run", "backfill", "enqueue", "validate-config", "tail", "redrive");
    List<String> devkitCommands = List.of("demo", "broker", "emulator", "record", "replay");
    for (String command : jobCommands) {
      assertThat(runtimeHelp).contains("  " + command + " ");
      assertThat(fullHelp).contains("  " + command + " ");
    }
    for (String command : devkitCommands) {
      assertThat(runtimeHelp).doesNotContain("  " + command + " ");
      assertThat(fullHelp).contains("  " + command + " ");
    }
  }

  @Test
  void shouldAnswerTheJobsCommandsInTheRuntimeJarAsTheFullJarDoes() throws Exception {
    // given command lines that end before Kafka is reached
    List<List<String>> commandLines =
        List.of(
            List.of("-V"),
            List.of("run", "-V"),
            List.of("run", "--bogus"),
            List.of("tail"),
            List.of("enqueue", "-c", "no-such.properties", "-i", "config/sample-tokens.csv"),
            List.of("validate-config", "--set", "bootstrap.server=127.0.0.1:9092"));
    for (List<String> args : commandLines) {
      // when each jar runs it
      Result runtime = launch(RUNTIME_JAR, args, Map.of());
      Result full = launch(FULL_JAR, args, Map.of());

      // then both exit alike and say the same
      assertThat(runtime).as(String.join(" ", args)).isEqualTo(full);
    }
    // and both print their usage for no command, exit 2
    assertThat(launch(RUNTIME_JAR, List.of(), Map.of()).exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(launch(FULL_JAR, List.of(), Map.of()).exitCode()).isEqualTo(ExitCodes.USAGE);
    // and a bad log format is refused alike
    Map<String, String> badLogFormat = Map.of("PIS_LOG_FORMAT", "xml");
    assertThat(launch(RUNTIME_JAR, List.of("run"), badLogFormat))
        .isEqualTo(launch(FULL_JAR, List.of("run"), badLogFormat))
        .isEqualTo(
            new Result(
                ExitCodes.CONFIG,
                "Invalid configuration: PIS_LOG_FORMAT=xml is not a log format; use one of [text,"
                    + " json]\n"));
  }

  @Test
  void shouldSendTheRuntimeJarsUsersToTheFullJarForADevkitCommand() throws Exception {
    for (List<String> args :
        List.of(List.of("demo"), List.of("demo", "--help"), List.of("broker", "-V"))) {
      // when
      Result result = launch(RUNTIME_JAR, args, Map.of());

      // then
      assertThat(result.exitCode()).as(String.join(" ", args)).isEqualTo(ExitCodes.USAGE);
      assertThat(result.output())
          .as(String.join(" ", args))
          .startsWith("Unknown command '" + args.get(0) + "': it is a development command")
          .contains("target/plaid-identity-stream.jar");
    }
  }

  /** The exit code and output (stdout and stderr together) of one launch. */
  private record Result(int exitCode, String output) {}

  private static Result launch(Path jar, List<String> args, Map<String, String> env)
      throws Exception {
    assertThat(jar).as("run mvn package at the repository root first").exists();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(name -> name.startsWith("PIS_"));
    builder.environment().putAll(env);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(process.exitValue(), output);
  }

  private static List<String> entries(Path jar) throws IOException {
    List<String> names = new ArrayList<>();
    try (JarFile file = new JarFile(jar.toFile())) {
      file.stream().map(ZipEntry::getName).forEach(names::add);
    }
    return names;
  }

  private static String help(Path jar) throws Exception {
    assertThat(jar).as("run mvn package at the repository root first").exists();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process =
        new ProcessBuilder(java, "-jar", jar.toString(), "--help")
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    return output;
  }
}
