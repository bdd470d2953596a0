package dev.identitystream.testkit;

import dev.identitystream.app.config.AppConfig;
import dev.identitystream.plaid.cassette.Fingerprinter;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.config.ConfigException;

/**
 * The key of a cassette's request fingerprints, from the job's configuration ({@code cassette.key})
 * or given as it is there (a string, its UTF-8 bytes are the key). {@code record} and {@code
 * replay} use it, and {@link CassetteReplay}.
 */
public final class CassetteKeys {

  private CassetteKeys() {}

  /**
   * The cassette fingerprinter keyed by {@code cassette.key}.
   *
   * @throws ConfigException naming the key when it is missing or too short (never quoting it)
   */
  public static Fingerprinter fingerprinter(AppConfig config) {
    return fingerprinter(config.cassetteKey().value());
  }

  /**
   * The cassette fingerprinter keyed by a {@code cassette.key} value.
   *
   * @throws ConfigException naming the key when it is missing or too short (never quoting it)
   */
  public static Fingerprinter fingerprinter(String cassetteKey) {
    byte[] key = cassetteKey.getBytes(StandardCharsets.UTF_8);
    if (key.length == 0) {
      throw new ConfigException(
          AppConfig.CASSETTE_KEY_CONFIG
              + " is missing: set PIS_CASSETTE_KEY in the environment (or "
              + AppConfig.CASSETTE_KEY_CONFIG
              + " in a file readable only by its owner); record and"
              + " replay must use the same key");
    }
    if (key.length < Fingerprinter.MIN_KEY_BYTES) {
      throw new ConfigException(
          AppConfig.CASSETTE_KEY_CONFIG
              + " is too short: use at least "
              + Fingerprinter.MIN_KEY_BYTES
              + " bytes (e.g. openssl rand -hex 32)");
    }
    return Fingerprinter.withKey(key);
  }
}
