package dev.identitystream.app.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The configuration options every job command shares (a picocli mixin). */
public final class ConfigOptions {

  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description = "Kafka-style .properties file (Kafka keys pass through).")
  Path file;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description =
          "Override one setting (after the file and PIS_* environment). Secrets are refused here.")
  Map<String, String> overrides = new LinkedHashMap<>();

  /** Loads the layered configuration from the file, the process environment and the flags. */
  public AppConfig load() {
    return ConfigLoader.load(file, System.getenv(), overrides);
  }

  /** Loads with extra defaults under the user's settings (e.g. the demo's broker address). */
  public AppConfig load(Map<String, String> defaults) {
    Map<String, String> merged = new LinkedHashMap<>(defaults);
    merged.putAll(ConfigLoader.merge(file, System.getenv(), overrides));
    return new AppConfig(merged);
  }
}
