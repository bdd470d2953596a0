package dev.identitystream.app.observability;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The job's version: {@code --version} of every command, and the build-info gauge. */
public final class BuildInfo {

  private BuildInfo() {}

  /** The version the build wrote into the jar (Maven resource filtering of the pom's version). */
  public static String version() {
    try (InputStream in =
        BuildInfo.class.getResourceAsStream("/plaid-identity-stream-version.properties")) {
      if (in == null) {
        return "unknown (built without Maven)";
      }
      Properties props = new Properties();
      props.load(in);
      return props.getProperty("version", "unknown");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
