package dev.identitystream.local;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real single-node KRaft broker in its own JVM, for crash tests: it can be killed with {@code
 * kill -9} and restarted on the same log dir and ports, so clients reconnect by themselves.
 *
 * <p>The child JVM runs {@code kafka.Kafka server.properties} (through {@link ForkedBrokerMain},
 * which also exits when this process dies) with this JVM's {@code java} and {@code
 * java.class.path}: it works from Maven tests and from a fat jar ({@code java -cp the.jar}). Its
 * output goes to {@link #logFile()}, appended across restarts.
 *
 * <p>After {@link #kill9()} the restarted broker first waits for its previous registration to
 * expire (DUPLICATE_BROKER_REGISTRATION, about {@code broker.session.timeout.ms} plus a few
 * heartbeats: 5–6 s with the default 3000 ms here). {@link #restart()} waits for that.
 *
 * <p>Threading: all methods are synchronized and may be called from any thread; a start or restart
 * blocks other callers until the broker is ready.
 */
public final class ForkedKafkaBroker implements LocalKafkaBroker {

  /** Heap limit and a lean collector: one broker JVM needs about 350 MB resident. */
  public static final List<String> DEFAULT_JVM_OPTIONS = List.of("-Xmx512m", "-XX:+UseSerialGC");

  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  private static final String LOG_FILE = "broker.log";
  private static final String LOGBACK_FILE = "logback-broker.xml";
  private static final int LOG_TAIL_LINES = 40;

  private final KraftNode node;
  private final List<String> jvmOptions;
  private final Duration startTimeout;
  private Process process;
  private boolean closed;

  private ForkedKafkaBroker(KraftNode node, List<String> jvmOptions, Duration startTimeout) {
    this.node = node;
    this.jvmOptions = List.copyOf(jvmOptions);
    this.startTimeout = startTimeout;
  }

  /** Starts a broker JVM with {@link #DEFAULT_JVM_OPTIONS}; returns once it answers clients. */
  public static ForkedKafkaBroker start(BrokerOptions options) {
    return start(options, DEFAULT_JVM_OPTIONS);
  }

  /**
   * Starts a broker JVM with the given JVM options (e.g. {@code -Xmx256m}) and returns once it
   * answers clients.
   *
   * @throws IllegalStateException if it exits or is not ready within the start timeout; the message
   *     holds the tail of its log
   */
  public static ForkedKafkaBroker start(BrokerOptions options, List<String> jvmOptions) {
    Objects.requireNonNull(jvmOptions, "jvmOptions");
    KraftNode node = KraftNode.prepare(options);
    ForkedKafkaBroker broker = new ForkedKafkaBroker(node, jvmOptions, options.startTimeout());
    try {
      broker.writeLogbackConfig();
      broker.launchAndAwait();
      return broker;
    } catch (RuntimeException e) {
      broker.close();
      throw e;
    }
  }

  @Override
  public String bootstrapServers() {
    return node.bootstrapServers();
  }

  /** The broker JVM's combined standard output and error, across restarts. */
  public Path logFile() {
    return node.workDir().resolve(LOG_FILE);
  }

  /** The directory holding the configuration, the log dir and the log file. */
  public Path workDir() {
    return node.workDir();
  }

  /** The broker JVM's process id (for CPU and memory sampling), or -1 when it is not running. */
  public synchronized long pid() {
    return process != null && process.isAlive() ? process.pid() : -1;
  }

  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** Kills the broker JVM with SIGKILL (no shutdown hook, no flush) and waits until it is gone. */
  public synchronized void kill9() {
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    awaitExit(STOP_TIMEOUT);
    process = null;
  }

  /**
   * Stops the broker with SIGTERM (Kafka's controlled shutdown) and waits for it.
   *
   * @throws IllegalStateException if it has not exited within 30 s; it is then killed
   */
  public synchronized void stop() {
    if (process == null) {
      return;
    }
    process.destroy();
    boolean exited = awaitExit(STOP_TIMEOUT);
    if (!exited) {
      process.destroyForcibly();
      awaitExit(STOP_TIMEOUT);
    }
    process = null;
    if (!exited) {
      throw new IllegalStateException(
          "the broker ignored SIGTERM for " + STOP_TIMEOUT + ", killed");
    }
  }

  /**
   * Stops the broker if it runs, starts it again on the same log dir and ports, and returns once it
   * answers clients.
   */
  public synchronized void restart() {
    if (closed) {
      throw new IllegalStateException("closed");
    }
    stop();
    launchAndAwait();
  }

  /** Stops the broker gracefully (or kills it) and deletes a temporary work directory. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      stop();
    } finally {
      node.deleteWorkDirIfOwned();
    }
  }

  private void launchAndAwait() {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-Dlogback.configurationFile=" + node.workDir().resolve(LOGBACK_FILE));
    command.add("-cp");
    command.add(absoluteClassPath());
    command.add(ForkedBrokerMain.class.getName());
    command.add(node.serverPropertiesFile().toString());
    try {
      Files.writeString(
          logFile(),
          "=== starting broker at " + Instant.now() + " ===\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      process =
          new ProcessBuilder(command)
              .directory(node.workDir().toFile())
              .redirectErrorStream(true)
              .redirectOutput(Redirect.appendTo(logFile().toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the broker JVM", e);
    }
    Process started = process;
    try {
      BrokerReadiness.await(node.bootstrapServers(), startTimeout, started::isAlive);
    } catch (IllegalStateException e) {
      throw new IllegalStateException(e.getMessage() + "; log tail:\n" + logTail(), e);
    }
  }

  /** This JVM's class path with absolute entries: the child runs in the work directory. */
  private static String absoluteClassPath() {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(entry -> !entry.isEmpty())
        .map(entry -> Path.of(entry).toAbsolutePath().toString())
        .collect(Collectors.joining(File.pathSeparator));
  }

  private boolean awaitExit(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the broker to exit", e);
    }
  }

  private String logTail() {
    try {
      List<String> lines = Files.readAllLines(logFile(), StandardCharsets.UTF_8);
      int from = Math.max(0, lines.size() - LOG_TAIL_LINES);
      return String.join("\n", lines.subList(from, lines.size()));
    } catch (IOException e) {
      return "(cannot read " + logFile() + ": " + e.getMessage() + ")";
    }
  }

  private void writeLogbackConfig() {
    String xml =
        """
        <configuration>
          <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
            <encoder>
              <pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n</pattern>
            </encoder>
          </appender>
          <root level="INFO"><appender-ref ref="OUT"/></root>
        </configuration>
        """;
    try {
      Files.writeString(node.workDir().resolve(LOGBACK_FILE), xml, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the broker's logging configuration", e);
    }
  }
}
