package dev.identitystream.app.config;

import dev.identitystream.app.ErrorText;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * Layers configuration: defaults, then the {@code .properties} file, then environment variables,
 * then {@code --set key=value} flags.
 *
 * <p>Environment: {@code PIS_<KEY>} where the key is upper-cased and {@code .} becomes {@code _},
 * {@code -} becomes {@code ___} and {@code _} becomes {@code __} (e.g. {@code
 * PIS_BOOTSTRAP_SERVERS}, {@code PIS_TOPIC_ITEM___ERRORS}); and {@code PLAID_CLIENT_ID}, {@code
 * PLAID_SECRET} for the credentials, or, where those are unset or empty, {@code
 * PLAID_CLIENT_ID_FILE} and {@code PLAID_SECRET_FILE}: the path of a file holding the value alone
 * (Docker and Kubernetes secrets; surrounding whitespace and the final newline are dropped).
 * Secrets are refused as flags, and a properties file holding one must be readable by its owner
 * only. {@code PIS_LOG_FORMAT} and {@code PIS_LOG_LEVEL} belong to the logging configuration
 * ({@code logback.xml}) and are not settings.
 */
public final class ConfigLoader {

  public static final String ENV_PREFIX = "PIS_";
  public static final String ENV_CLIENT_ID = "PLAID_CLIENT_ID";
  public static final String ENV_SECRET = "PLAID_SECRET";

  /**
   * The path of a file holding the client id alone, read when {@code PLAID_CLIENT_ID} is unset or
   * empty.
   */
  public static final String ENV_CLIENT_ID_FILE = "PLAID_CLIENT_ID_FILE";

  /**
   * The path of a file holding the secret alone, read when {@code PLAID_SECRET} is unset or empty.
   */
  public static final String ENV_SECRET_FILE = "PLAID_SECRET_FILE";

  /** A credential file larger than this is not a credential. */
  static final int MAX_CREDENTIAL_FILE_BYTES = 4096;

  /** Read by {@code logback.xml}, not by the job: {@code text} (default) or {@code json}. */
  public static final String ENV_LOG_FORMAT = "PIS_LOG_FORMAT";

  /** Read by {@code logback.xml}, not by the job: the level of {@code dev.identitystream}. */
  public static final String ENV_LOG_LEVEL = "PIS_LOG_LEVEL";

  private static final Set<String> LOGGING_ENV = Set.of(ENV_LOG_FORMAT, ENV_LOG_LEVEL);

  private ConfigLoader() {}

  /**
   * @param file the properties file, or null
   * @param env the environment (System.getenv() in production)
   * @param flags {@code key=value} overrides from the command line
   */
  public static AppConfig load(Path file, Map<String, String> env, Map<String, String> flags) {
    return new AppConfig(merge(file, env, flags));
  }

  /** The merged key/value map, before validation. */
  public static Map<String, String> merge(
      Path file, Map<String, String> env, Map<String, String> flags) {
    Map<String, String> merged = new LinkedHashMap<>();
    if (file != null) {
      Map<String, String> fromFile = readFile(file);
      if (fromFile.keySet().stream().anyMatch(ConfigLoader::isSecret)) {
        requireOwnerOnly(file);
      }
      merged.putAll(fromFile);
    }
    env.forEach(
        (name, value) -> {
          if (name.startsWith(ENV_PREFIX)
              && name.length() > ENV_PREFIX.length()
              && !LOGGING_ENV.contains(name)) {
            merged.put(envToKey(name.substring(ENV_PREFIX.length())), value);
          }
        });
    credential(env, ENV_CLIENT_ID, ENV_CLIENT_ID_FILE)
        .ifPresent(value -> merged.put(AppConfig.PLAID_CLIENT_ID_CONFIG, value));
    credential(env, ENV_SECRET, ENV_SECRET_FILE)
        .ifPresent(value -> merged.put(AppConfig.PLAID_SECRET_CONFIG, value));
    flags.forEach(
        (key, value) -> {
          if (isSecret(key)) {
            throw new ConfigException(
                key,
                "(hidden)",
                "secrets are not accepted on the command line; use the environment or a file readable only by its owner");
          }
          merged.put(key, value);
        });
    return merged;
  }

  /**
   * A credential from the environment: the variable itself when set and non-empty, else the file
   * that {@code fileVariable} names, else the variable as set (possibly empty), else nothing.
   *
   * @throws ConfigException naming the file variable and the path (never the value) when the file
   *     is missing, unreadable, empty or too large
   */
  static Optional<String> credential(
      Map<String, String> env, String variable, String fileVariable) {
    String direct = env.get(variable);
    String file = env.get(fileVariable);
    if ((direct == null || direct.isEmpty()) && file != null && !file.isBlank()) {
      return Optional.of(readCredentialFile(fileVariable, Path.of(file.strip()), variable));
    }
    return Optional.ofNullable(direct);
  }

  private static String readCredentialFile(String fileVariable, Path path, String variable) {
    String alternative = "; put the value alone in it, or set " + variable;
    if (!Files.isRegularFile(path)) {
      throw new ConfigException(fileVariable, path.toString(), "names no file" + alternative);
    }
    byte[] bytes;
    try {
      if (Files.size(path) > MAX_CREDENTIAL_FILE_BYTES) {
        throw new ConfigException(
            fileVariable,
            path.toString(),
            "is larger than " + MAX_CREDENTIAL_FILE_BYTES + " bytes: not a credential");
      }
      bytes = Files.readAllBytes(path);
    } catch (IOException e) {
      // the exception's text names the path and the cause (e.g. AccessDeniedException), never
      // content
      throw new ConfigException(
          fileVariable,
          path.toString(),
          "cannot be read ("
              + e.getClass().getSimpleName()
              + "; the job runs as user "
              + System.getProperty("user.name")
              + ")"
              + alternative);
    }
    String value = new String(bytes, StandardCharsets.UTF_8).strip();
    if (value.isEmpty()) {
      throw new ConfigException(fileVariable, path.toString(), "names an empty file" + alternative);
    }
    return value;
  }

  /** A setting whose value is secret: ours of type PASSWORD, or a Kafka password / JAAS setting. */
  public static boolean isSecret(String key) {
    ConfigDef.ConfigKey ours = AppConfig.DEFINITION.configKeys().get(key);
    if (ours != null) {
      return ours.type == ConfigDef.Type.PASSWORD;
    }
    String lower = key.toLowerCase(Locale.ROOT);
    return lower.contains("password")
        || lower.contains("secret")
        || lower.endsWith("jaas.config")
        || lower.endsWith(".key")
        || lower.contains("credentials");
  }

  static String envToKey(String suffix) {
    return suffix
        .toLowerCase(Locale.ROOT)
        .replace("___", "\u0001")
        .replace("__", "\u0002")
        .replace('_', '.')
        .replace('\u0001', '-')
        .replace('\u0002', '_');
  }

  private static Map<String, String> readFile(Path file) {
    Properties props = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      props.load(reader);
    } catch (IOException e) {
      throw new ConfigException(
          "cannot read configuration file " + file + ": " + ErrorText.reason(e));
    }
    Map<String, String> map = new LinkedHashMap<>();
    props.stringPropertyNames().stream()
        .sorted()
        .forEach(name -> map.put(name, props.getProperty(name).trim()));
    return map;
  }

  private static void requireOwnerOnly(Path file) {
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      Set<PosixFilePermission> open =
          EnumSet.of(
              PosixFilePermission.GROUP_READ,
              PosixFilePermission.GROUP_WRITE,
              PosixFilePermission.OTHERS_READ,
              PosixFilePermission.OTHERS_WRITE);
      open.retainAll(perms);
      if (!open.isEmpty()) {
        throw new ConfigException(
            "configuration file "
                + file
                + " holds a secret but is readable or writable by others"
                + " ("
                + open
                + "); run: chmod 600 "
                + file);
      }
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: nothing to check
    } catch (IOException e) {
      throw new ConfigException("cannot read permissions of " + file + ": " + ErrorText.reason(e));
    }
  }
}
