package dev.identitystream.app;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Programs from Debian's packages that the deployment tests run: {@code docker-compose} (a real
 * compose parser), {@code prometheus} and {@code promtool}. A missing one is installed once per JVM
 * by {@code .ci/install-tools} (what CI runs first; it needs root and apt-get); if that cannot
 * install it, the test is skipped with the reason, printed to stderr so that it shows in the build
 * output, not only in the reports.
 */
final class ExternalTools {

  static final Path ROOT = Path.of(System.getProperty("user.dir"));
  private static final Path INSTALLER = ROOT.resolve(".ci/install-tools");
  private static String installOutput;

  private ExternalTools() {}

  /** The program's path, installing it if needed; skips the calling test when it cannot be had. */
  static Path require(String command, String what) {
    return require(command, what, System.err);
  }

  /** As {@link #require(String, String)}, saying why it skips on {@code out}. */
  static Path require(String command, String what, java.io.PrintStream out) {
    Optional<Path> found = onPath(command);
    if (found.isEmpty()) {
      String output = installOnce();
      found = onPath(command);
      if (found.isEmpty()) {
        String reason =
            "SKIPPED: "
                + what
                + " was not checked: "
                + command
                + " is not installed and "
                + INSTALLER
                + " could not install it: "
                + lastLine(output);
        out.println(reason);
        Assumptions.abort(reason);
      }
    }
    return found.orElseThrow();
  }

  /** The result of running a program to its end. */
  record Run(int exitCode, String output) {}

  /**
   * Runs {@code command} in the project's root with only PATH, HOME and LANG set (plus {@code
   * env}).
   */
  static Run run(List<String> command, Map<String, String> env, Duration timeout) {
    ProcessBuilder builder =
        new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true);
    Map<String, String> environment = builder.environment();
    String path = environment.get("PATH");
    String home = environment.get("HOME");
    environment.clear();
    environment.put(
        "PATH", (path == null ? "/usr/local/bin:/usr/bin:/bin" : path) + ":/usr/sbin:/sbin");
    environment.put("HOME", home == null ? "/tmp" : home);
    environment.put("LANG", "C.UTF-8");
    environment.putAll(env);
    try {
      Path log = Files.createTempFile("external-tool", ".log");
      try {
        builder.redirectOutput(log.toFile());
        Process process = builder.start();
        process.getOutputStream().close();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly().waitFor();
          throw new AssertionError(
              command + " did not finish within " + timeout + ": " + Files.readString(log));
        }
        return new Run(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(log);
      }
    } catch (IOException e) {
      throw new AssertionError("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted running " + command, e);
    }
  }

  static Optional<Path> onPath(String command) {
    String path = System.getenv("PATH");
    List<String> dirs =
        new ArrayList<>(List.of((path == null ? "" : path).split(File.pathSeparator)));
    dirs.addAll(List.of("/usr/local/bin", "/usr/bin", "/bin"));
    return dirs.stream()
        .filter(dir -> !dir.isEmpty())
        .map(dir -> Path.of(dir, command))
        .filter(Files::isExecutable)
        .findFirst();
  }

  private static synchronized String installOnce() {
    if (installOutput == null) {
      if (!Files.isExecutable(INSTALLER)) {
        installOutput = INSTALLER + " is missing";
      } else {
        System.err.println(
            "Installing the deployment tests' tools with " + INSTALLER + " (once per test JVM)");
        Run run =
            run(
                List.of(INSTALLER.toString()),
                Map.of("DEBIAN_FRONTEND", "noninteractive"),
                Duration.ofMinutes(10));
        installOutput = run.output();
        System.err.print(run.output());
      }
    }
    return installOutput;
  }

  private static String lastLine(String text) {
    String trimmed = text.strip();
    int newline = trimmed.lastIndexOf('\n');
    return newline < 0 ? trimmed : trimmed.substring(newline + 1);
  }
}
