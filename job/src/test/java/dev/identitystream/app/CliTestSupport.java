package dev.identitystream.app;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/** Runs real commands in-process with their output captured, and writes chmod-600 config files. */
public final class CliTestSupport {

  private CliTestSupport() {}

  /** A command's exit code and what it printed. */
  public record Run(int exitCode, String out, String err) {}

  public static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(code, out.toString(), err.toString());
  }

  /** A properties file readable by its owner only (it holds the Plaid secret). */
  public static Path configFile(Path dir, Map<String, String> settings) throws IOException {
    Path file = dir.resolve("job.properties");
    StringBuilder text = new StringBuilder();
    settings.forEach(
        (key, value) ->
            text.append(key).append('=').append(value.replace("\\", "\\\\")).append('\n'));
    Files.writeString(file, text);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }
}
