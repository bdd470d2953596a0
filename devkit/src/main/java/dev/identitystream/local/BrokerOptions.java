package dev.identitystream.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How to start a local single-node KRaft broker ({@link EmbeddedKafkaBroker}, {@link
 * ForkedKafkaBroker}).
 *
 * @param workDir the broker's directory (server properties, ports, log dir, log file), or {@code
 *     null} for a fresh temporary directory that the broker deletes when closed. A given directory
 *     is kept, and a directory used before is reused with its data, ports and cluster id.
 * @param port the client (PLAINTEXT) port on 127.0.0.1; 0 picks a free one, or the one the work
 *     directory used before
 * @param extraProperties broker properties added to, or overriding, the single-node defaults; the
 *     keys that define the node's identity and listeners ({@link #RESERVED_KEYS}) are refused
 * @param startTimeout how long a start or restart may take until the broker answers clients
 */
public record BrokerOptions(
    Path workDir, int port, Map<String, String> extraProperties, Duration startTimeout) {

  /** Keys the local broker sets itself; changing them would break the single-node layout. */
  public static final Set<String> RESERVED_KEYS =
      Set.of(
          "process.roles",
          "node.id",
          "controller.quorum.bootstrap.servers",
          "controller.quorum.voters",
          "listeners",
          "advertised.listeners",
          "inter.broker.listener.name",
          "controller.listener.names",
          "listener.security.protocol.map",
          "log.dirs",
          "log.dir");

  public BrokerOptions {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be 0..65535, was " + port);
    }
    extraProperties = Map.copyOf(Objects.requireNonNull(extraProperties, "extraProperties"));
    for (String key : extraProperties.keySet()) {
      if (RESERVED_KEYS.contains(key)) {
        throw new IllegalArgumentException("the local broker sets " + key + " itself");
      }
    }
    Objects.requireNonNull(startTimeout, "startTimeout");
    if (startTimeout.isNegative() || startTimeout.isZero()) {
      throw new IllegalArgumentException("startTimeout must be positive");
    }
  }

  /** A temporary work directory, a free port, no extra properties, 60 s to start. */
  public static BrokerOptions defaults() {
    return new BrokerOptions(null, 0, Map.of(), Duration.ofSeconds(60));
  }

  public BrokerOptions withWorkDir(Path dir) {
    Objects.requireNonNull(dir, "dir");
    return new BrokerOptions(dir, port, extraProperties, startTimeout);
  }

  public BrokerOptions withPort(int newPort) {
    return new BrokerOptions(workDir, newPort, extraProperties, startTimeout);
  }

  public BrokerOptions withProperty(String key, String value) {
    Map<String, String> merged = new LinkedHashMap<>(extraProperties);
    merged.put(key, value);
    return new BrokerOptions(workDir, port, merged, startTimeout);
  }

  public BrokerOptions withProperties(Map<String, String> properties) {
    Map<String, String> merged = new LinkedHashMap<>(extraProperties);
    merged.putAll(properties);
    return new BrokerOptions(workDir, port, merged, startTimeout);
  }

  public BrokerOptions withStartTimeout(Duration timeout) {
    return new BrokerOptions(workDir, port, extraProperties, timeout);
  }
}
