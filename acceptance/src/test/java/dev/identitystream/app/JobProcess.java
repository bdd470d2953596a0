package dev.identitystream.app;

import dev.identitystream.app.config.ConfigLoader;
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
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The job in its own JVM, {@code java -cp <this JVM's class path> dev.identitystream.app.Main run
 * --config FILE} (or another command, {@link #command}), for crash and signal tests: it can be
 * killed with SIGKILL and started again on the same configuration (same state dir, same application
 * id). Credentials go in the child's environment, never on its command line. Standard output and
 * error of every launch are appended to one log file.
 *
 * <pre>{@code
 * try (JobProcess job = JobProcess.run(configFile, Map.of("PLAID_CLIENT_ID", id, "PLAID_SECRET", s), log)) {
 *   job.start();
 *   ...
 *   job.kill9();
 *   job.start();
 * }
 * }</pre>
 *
 * <p>A JVM shutdown hook kills a child still running when this JVM exits, so a test run that ends
 * without {@link #close()} leaves no orphan job behind.
 *
 * <p>Threading: every method is synchronized and may be called from any thread.
 */
public final class JobProcess implements AutoCloseable {

  /** Small heap, lean collector and C1 only: the job is short-lived and shares two cores. */
  public static final List<String> DEFAULT_JVM_OPTIONS =
      List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  private static final String ENV_OVERRIDE_PREFIX = ConfigLoader.ENV_PREFIX;

  private final List<String> command;
  private final Map<String, String> environment;
  private final Path logFile;
  private final Thread killOnExit = new Thread(this::killQuietly, "job-process-reaper");
  private volatile Process process; // written under this; read without it by the reaper
  private int launches;
  private boolean hookInstalled;

  private final Path workDir;

  private JobProcess(
      List<String> command, Map<String, String> environment, Path logFile, Path workDir) {
    this.command = List.copyOf(command);
    this.environment = Map.copyOf(environment);
    this.logFile = logFile;
    this.workDir = workDir;
  }

  /**
   * A job that runs {@code Main run --config configFile} with {@link #DEFAULT_JVM_OPTIONS}.
   *
   * @param environment added to the inherited environment (e.g. {@code PLAID_CLIENT_ID}, {@code
   *     PLAID_SECRET}); inherited {@code PIS_*} overrides are removed so the file decides
   */
  public static JobProcess run(Path configFile, Map<String, String> environment, Path logFile) {
    return command(
        List.of("run", "--config", configFile.toAbsolutePath().toString()), environment, logFile);
  }

  /**
   * Any command of {@link Main} in its own JVM, e.g. {@code backfill --config FILE}, with {@link
   * #DEFAULT_JVM_OPTIONS}; the environment as for {@link #run}.
   */
  public static JobProcess command(
      List<String> arguments, Map<String, String> environment, Path logFile) {
    return command(arguments, environment, logFile, null, List.of());
  }

  /**
   * As {@link #command(List, Map, Path)}, run in {@code workDir} (null: this JVM's) with extra JVM
   * options (e.g. {@code -Djava.io.tmpdir=...}).
   */
  public static JobProcess command(
      List<String> arguments,
      Map<String, String> environment,
      Path logFile,
      Path workDir,
      List<String> jvmOptions) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(DEFAULT_JVM_OPTIONS);
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(absoluteClassPath());
    command.add(Main.class.getName());
    command.addAll(arguments);
    return new JobProcess(command, environment, logFile, workDir);
  }

  /**
   * Launches the job JVM (again, after a kill or stop); returns at once, without waiting for it.
   *
   * @throws IllegalStateException if it is still running
   */
  public synchronized void start() {
    if (isAlive()) {
      throw new IllegalStateException("the job is still running (pid " + process.pid() + ")");
    }
    launches++;
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(Redirect.appendTo(logFile.toFile()));
    if (workDir != null) {
      builder.directory(workDir.toFile());
    }
    builder.environment().keySet().removeIf(name -> name.startsWith(ENV_OVERRIDE_PREFIX));
    builder.environment().putAll(environment);
    try {
      Files.writeString(
          logFile,
          "=== launch " + launches + " at " + Instant.now() + " ===\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the job JVM", e);
    }
    if (!hookInstalled) {
      Runtime.getRuntime().addShutdownHook(killOnExit);
      hookInstalled = true;
    }
  }

  /** Kills the job JVM with SIGKILL (no shutdown hook, no commit) and waits until it is gone. */
  public synchronized void kill9() {
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    awaitExit(STOP_TIMEOUT);
  }

  /**
   * Stops the job with SIGTERM (its shutdown hook closes Kafka Streams) and waits for it.
   *
   * @throws IllegalStateException if it has not exited within 30 s; it is then killed
   */
  public synchronized void stop() {
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroy();
    if (!awaitExit(STOP_TIMEOUT)) {
      kill9();
      throw new IllegalStateException("the job ignored SIGTERM for " + STOP_TIMEOUT + ", killed");
    }
  }

  /**
   * Sends SIGINT, as Ctrl-C in a terminal would, and waits for the process to exit.
   *
   * @return whether it exited within the timeout (it is left running otherwise)
   */
  public synchronized boolean interrupt(Duration timeout) {
    return signal("INT", timeout);
  }

  /** Sends SIGTERM (as systemd or Kubernetes would) and waits for the process to exit. */
  public synchronized boolean terminate(Duration timeout) {
    return signal("TERM", timeout);
  }

  /** Waits until the log file (all launches) contains {@code text}; fails with the log's tail. */
  public void awaitLog(String text, Duration timeout) {
    org.awaitility.Awaitility.await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(200))
        .failFast(
            "the process exited without printing '" + text + "'; see " + logFile,
            () -> !isAlive() && !logContains(text))
        .until(() -> logContains(text));
  }

  public boolean logContains(String text) {
    return logCount(text) > 0;
  }

  /** How many times the log file (all launches) contains {@code text}. */
  public int logCount(String text) {
    try {
      if (!Files.exists(logFile)) {
        return 0;
      }
      String log = Files.readString(logFile, StandardCharsets.UTF_8);
      int count = 0;
      for (int at = log.indexOf(text); at >= 0; at = log.indexOf(text, at + text.length())) {
        count++;
      }
      return count;
    } catch (IOException e) {
      return 0;
    }
  }

  private synchronized boolean signal(String name, Duration timeout) {
    if (process == null || !process.isAlive()) {
      return true;
    }
    if (name.equals("INT") && ignoresSigint(process.pid())) {
      throw new IllegalStateException(
          "the child ignores SIGINT: it inherited SIGINT ignored from this JVM (Maven started in the"
              + " background by a shell without job control, e.g. 'mvn verify &' in a script);"
              + " run Maven in the foreground, or under 'set -m'");
    }
    try {
      Process kill =
          new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
      if (kill.waitFor() != 0) {
        throw new IllegalStateException(
            "kill -" + name + " " + process.pid() + " failed with " + kill.exitValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run kill", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sending SIG" + name, e);
    }
    return awaitExit(timeout);
  }

  /** Whether the process ignores SIGINT (Linux: bit 2 of SigIgn in /proc/PID/status). */
  private static boolean ignoresSigint(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("SigIgn:")) {
          return (Long.parseUnsignedLong(line.substring(7).strip(), 16) & 2L) != 0;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or the process just exited: send the signal and see
    }
    return false;
  }

  public synchronized boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** The exit code of the last launch, empty while it runs or before the first launch. */
  public synchronized OptionalInt exitCode() {
    return process == null || process.isAlive()
        ? OptionalInt.empty()
        : OptionalInt.of(process.exitValue());
  }

  /** How many times {@link #start()} launched the job. */
  public synchronized int launches() {
    return launches;
  }

  public Path logFile() {
    return logFile;
  }

  /** The last lines of the log file (all launches), for failure messages. */
  public String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(cannot read " + logFile + ": " + e.getMessage() + ")";
    }
  }

  /** Kills the job if it runs. Idempotent. */
  @Override
  public synchronized void close() {
    kill9();
    if (hookInstalled) {
      try {
        Runtime.getRuntime().removeShutdownHook(killOnExit);
      } catch (IllegalStateException e) {
        // the JVM is exiting: the hook runs anyway
      }
      hookInstalled = false;
    }
  }

  private void killQuietly() {
    Process current = process;
    if (current != null) {
      current.destroyForcibly();
    }
  }

  private boolean awaitExit(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the job to exit", e);
    }
  }

  /** This JVM's class path with absolute entries. */
  private static String absoluteClassPath() {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(entry -> !entry.isEmpty())
        .map(entry -> Path.of(entry).toAbsolutePath().toString())
        .collect(Collectors.joining(File.pathSeparator));
  }

  @Override
  public String toString() {
    return "JobProcess[launches=" + launches() + ", log=" + logFile + "]";
  }
}
