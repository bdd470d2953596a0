package dev.identitystream.app.observability;

import dev.identitystream.app.ExitCodes;
import dev.identitystream.app.config.ConfigLoader;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Checks the two logging variables before logback reads them, so a typo fails with a message
 * instead of silently turning logging off: {@code PIS_LOG_FORMAT} ({@code text} or {@code json},
 * any case) and {@code PIS_LOG_LEVEL} (a logback level, any case). A system property of the same
 * name wins over the environment variable, as it does for logback.
 *
 * <p>Contract: {@link #apply} must run before the first logger is created (it is the first thing
 * {@code Main.main} does); it writes the normalized format back as a system property, which logback
 * reads before the environment. It never logs (logging is not configured yet).
 */
public final class LogSettings {

  static final List<String> FORMATS = List.of("text", "json");
  static final List<String> LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

  private LogSettings() {}

  /**
   * @param env the process environment
   * @param system the system properties; the normalized format is written here
   * @return null when both are valid (or unset), else the message to print before exiting with
   *     {@link ExitCodes#CONFIG}
   */
  public static String apply(Map<String, String> env, Properties system) {
    String format = valueOf(ConfigLoader.ENV_LOG_FORMAT, env, system);
    if (format != null) {
      String normalized = format.trim().toLowerCase(Locale.ROOT);
      if (!FORMATS.contains(normalized)) {
        return ConfigLoader.ENV_LOG_FORMAT
            + "="
            + format
            + " is not a log format; use one of "
            + FORMATS;
      }
      system.setProperty(ConfigLoader.ENV_LOG_FORMAT, normalized);
    }
    String level = valueOf(ConfigLoader.ENV_LOG_LEVEL, env, system);
    if (level != null) {
      String normalized = level.trim().toUpperCase(Locale.ROOT);
      if (!LEVELS.contains(normalized)) {
        return ConfigLoader.ENV_LOG_LEVEL
            + "="
            + level
            + " is not a log level; use one of "
            + LEVELS;
      }
      system.setProperty(ConfigLoader.ENV_LOG_LEVEL, normalized);
    }
    return null;
  }

  private static String valueOf(String name, Map<String, String> env, Properties system) {
    String value = system.getProperty(name);
    return value != null ? value : env.get(name);
  }
}
