package dev.identitystream.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;

/**
 * The on-disk layout and configuration of one combined (broker + controller) KRaft node on
 * 127.0.0.1, shared by the in-process and the forked broker.
 *
 * <p>Work directory layout: {@code server.properties} (what the broker runs with), {@code
 * ports.properties} (the ports, kept so a restart binds the same ones and clients reconnect),
 * {@code kraft-logs/} (the log dir, formatted once), and for a forked broker {@code broker.log} and
 * {@code logback-broker.xml}.
 *
 * <p>Threading: not thread-safe; owned by one broker object.
 */
final class KraftNode {

  static final String HOST = "127.0.0.1";
  private static final String PORTS_FILE = "ports.properties";
  private static final String SERVER_PROPERTIES = "server.properties";
  private static final String LOG_DIR = "kraft-logs";

  /**
   * Settings without which a single node cannot serve consumer groups, transactions or an
   * exactly_once_v2 Streams app (internal topics default to replication factor 3), plus short
   * rebalance delays and a short broker session so tests and restarts do not wait.
   */
  private static final Map<String, String> SINGLE_NODE_DEFAULTS =
      Map.ofEntries(
          Map.entry("offsets.topic.replication.factor", "1"),
          Map.entry("offsets.topic.num.partitions", "1"),
          Map.entry("transaction.state.log.replication.factor", "1"),
          Map.entry("transaction.state.log.min.isr", "1"),
          Map.entry("transaction.state.log.num.partitions", "1"),
          Map.entry("share.coordinator.state.topic.replication.factor", "1"),
          Map.entry("share.coordinator.state.topic.min.isr", "1"),
          Map.entry("group.initial.rebalance.delay.ms", "0"),
          Map.entry("group.streams.initial.rebalance.delay.ms", "0"),
          Map.entry("broker.session.timeout.ms", "3000"),
          Map.entry("broker.heartbeat.interval.ms", "500"));

  private final Path workDir;
  private final boolean ownsWorkDir;
  private final int port;
  private final int controllerPort;
  private final Map<String, String> extraProperties;

  private KraftNode(
      Path workDir, boolean ownsWorkDir, int port, int controllerPort, Map<String, String> extra) {
    this.workDir = workDir;
    this.ownsWorkDir = ownsWorkDir;
    this.port = port;
    this.controllerPort = controllerPort;
    this.extraProperties = extra;
  }

  /**
   * Chooses the work directory and ports, and writes {@code server.properties} and the log dir
   * format if this directory has none yet. A directory used before keeps its ports (the
   * controller's endpoint is recorded in the formatted quorum state) unless a port is given.
   */
  static KraftNode prepare(BrokerOptions options) {
    try {
      boolean owns = options.workDir() == null;
      Path dir =
          owns
              ? Files.createTempDirectory("local-kafka-")
              : Files.createDirectories(options.workDir().toAbsolutePath());
      Properties saved = readIfPresent(dir.resolve(PORTS_FILE));
      List<Integer> free = FreePorts.pick(2);
      int port = options.port() != 0 ? options.port() : intOr(saved, "port", free.get(0));
      int controllerPort = intOr(saved, "controller.port", free.get(1));
      KraftNode node = new KraftNode(dir, owns, port, controllerPort, options.extraProperties());
      try {
        node.writeFiles();
        node.formatIfNeeded();
      } catch (IOException | RuntimeException e) {
        node.deleteWorkDirIfOwned();
        throw e;
      }
      return node;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the broker's work directory", e);
    }
  }

  /** Whether {@code workDir} holds a formatted log dir (a broker ran there before). */
  static boolean hasData(Path workDir) {
    return Files.exists(workDir.resolve(LOG_DIR).resolve("meta.properties"));
  }

  /**
   * Why a broker cannot start in {@code workDir} on {@code port}, or null: the port (or the
   * controller port recorded in the directory) is taken, or another broker holds the log dir's
   * lock.
   */
  static String whyCannotStart(Path workDir, int port) {
    try {
      Properties saved = readIfPresent(workDir.resolve(PORTS_FILE));
      if (port != 0 && !FreePorts.isFree(port)) {
        return "port " + port + " on " + HOST + " is in use (another broker? pick one with --port)";
      }
      String controller = saved.getProperty("controller.port");
      if (controller != null && !FreePorts.isFree(Integer.parseInt(controller.trim()))) {
        return "the controller port "
            + controller.trim()
            + " recorded in "
            + workDir.resolve(PORTS_FILE)
            + " is in use (is a broker already running on this data directory?)";
      }
      Path lock = workDir.resolve(LOG_DIR).resolve(".lock");
      if (Files.exists(lock)) {
        try (java.nio.channels.FileChannel channel =
                java.nio.channels.FileChannel.open(lock, java.nio.file.StandardOpenOption.WRITE);
            java.nio.channels.FileLock held = channel.tryLock()) {
          if (held == null) {
            return "another broker is using the data directory " + workDir;
          }
        } catch (java.nio.channels.OverlappingFileLockException e) {
          return "a broker in this process is using the data directory " + workDir;
        }
      }
      return null;
    } catch (IOException | NumberFormatException e) {
      return "cannot use the data directory " + workDir + ": " + e.getMessage();
    }
  }

  String bootstrapServers() {
    return HOST + ":" + port;
  }

  Path workDir() {
    return workDir;
  }

  Path serverPropertiesFile() {
    return workDir.resolve(SERVER_PROPERTIES);
  }

  /** The complete broker configuration: single-node defaults, then the extra properties. */
  Properties serverProperties() {
    String controller = HOST + ":" + controllerPort;
    String listeners = "PLAINTEXT://" + HOST + ":" + port + ",CONTROLLER://" + controller;
    Properties props = new Properties();
    props.setProperty("process.roles", "broker,controller");
    props.setProperty("node.id", "1");
    props.setProperty("controller.quorum.bootstrap.servers", controller);
    props.setProperty("listeners", listeners);
    props.setProperty("advertised.listeners", listeners);
    props.setProperty("inter.broker.listener.name", "PLAINTEXT");
    props.setProperty("controller.listener.names", "CONTROLLER");
    props.setProperty("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
    props.setProperty("log.dirs", workDir.resolve(LOG_DIR).toAbsolutePath().toString());
    SINGLE_NODE_DEFAULTS.forEach(props::setProperty);
    extraProperties.forEach(props::setProperty);
    return props;
  }

  /** Deletes the work directory if it is a temporary one this node created. */
  void deleteWorkDirIfOwned() {
    if (!ownsWorkDir) {
      return;
    }
    try (Stream<Path> paths = Files.walk(workDir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + workDir, e);
    }
  }

  private void writeFiles() throws IOException {
    Properties ports = new Properties();
    ports.setProperty("port", Integer.toString(port));
    ports.setProperty("controller.port", Integer.toString(controllerPort));
    write(ports, workDir.resolve(PORTS_FILE), "ports of the local broker, kept across restarts");
    write(serverProperties(), serverPropertiesFile(), "single-node KRaft broker (generated)");
  }

  private void formatIfNeeded() {
    if (Files.exists(workDir.resolve(LOG_DIR).resolve("meta.properties"))) {
      return;
    }
    String[] args = {
      "format",
      "-t",
      Uuid.randomUuid().toString(),
      "-c",
      serverPropertiesFile().toString(),
      "--standalone"
    };
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    int exitCode;
    try (PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8)) {
      exitCode = StorageTool.execute(args, out);
    }
    if (exitCode != 0) {
      throw new IllegalStateException(
          "formatting "
              + workDir.resolve(LOG_DIR)
              + " failed (exit "
              + exitCode
              + "): "
              + output.toString(StandardCharsets.UTF_8));
    }
  }

  private static int intOr(Properties props, String key, int fallback) {
    String value = props.getProperty(key);
    return value == null ? fallback : Integer.parseInt(value.trim());
  }

  private static Properties readIfPresent(Path file) throws IOException {
    Properties props = new Properties();
    if (Files.exists(file)) {
      try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        props.load(reader);
      }
    }
    return props;
  }

  private static void write(Properties props, Path file, String comment) throws IOException {
    try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      props.store(writer, comment);
    }
  }
}
