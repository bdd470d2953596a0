package dev.identitystream.app.job;

import dev.identitystream.app.ErrorText;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.utils.Utils;

/**
 * Fails fast, and in words, when Kafka cannot be reached: every command that talks to Kafka asks
 * for the cluster's nodes first and waits at most {@link #TIMEOUT} (Kafka's own clients would retry
 * for a minute and more). On failure the message names {@code bootstrap.servers}, its value, and
 * what a plain TCP connection to each address says (refused, timed out, open but no Kafka answer).
 */
public final class KafkaReachability {

  /** How long a command waits for the cluster before it says Kafka is unreachable. */
  public static final Duration TIMEOUT = Duration.ofSeconds(15);

  private static final int TCP_PROBE_MS = 2_000;

  private KafkaReachability() {}

  /** Kafka could not be reached; the message says where and why (exit 4). */
  public static final class UnreachableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UnreachableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Returns once the cluster answers with at least one node.
   *
   * @param adminProps Admin client settings (the user's Kafka keys; timeouts are capped here)
   * @throws UnreachableException when it does not answer within {@code timeout}
   * @throws ConfigException naming {@code bootstrap.servers} when Kafka's client refuses it
   */
  public static void require(Map<String, Object> adminProps, Duration timeout) {
    String servers = String.valueOf(adminProps.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG));
    Map<String, Object> props = new HashMap<>(adminProps);
    int millis = (int) timeout.toMillis();
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
    props.put(
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
        Math.min(
            millis, intOr(adminProps.get(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG), millis)));
    try (Admin admin = createAdmin(props)) {
      admin
          .describeCluster(new DescribeClusterOptions().timeoutMs(millis))
          .nodes()
          .get(millis + 2_000L, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      boolean timedOut =
          cause instanceof TimeoutException
              || cause instanceof org.apache.kafka.common.errors.TimeoutException;
      String why =
          timedOut ? "no answer within " + timeout.toSeconds() + " s" : ErrorText.describe(cause);
      throw new UnreachableException(
          "cannot reach Kafka at "
              + AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG
              + "="
              + servers
              + " ("
              + why
              + "); "
              + probeAll(servers),
          cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnreachableException("interrupted while connecting to Kafka at " + servers, e);
    }
  }

  /**
   * {@link Admin#create} that reports an unusable {@code bootstrap.servers} (malformed, or no
   * address resolves) as a configuration error naming the key, not as "Failed to create new
   * KafkaAdminClient".
   */
  public static Admin createAdmin(Map<String, Object> adminProps) {
    try {
      return Admin.create(adminProps);
    } catch (KafkaException e) {
      throw asConfigError(e, adminProps.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG));
    }
  }

  /** A Kafka client's construction failure: the configuration error inside it, named. */
  public static RuntimeException asConfigError(KafkaException e, Object bootstrapServers) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConfigException config) {
        String message = config.getMessage();
        return message != null && message.contains(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG)
            ? new ConfigException(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, message)
            : config;
      }
    }
    return e;
  }

  /** What a TCP connection to each address says, e.g. "127.0.0.1:9092 refused the connection". */
  static String probeAll(String servers) {
    List<String> findings = new ArrayList<>();
    for (String address : servers.split(",")) {
      String trimmed = address.strip();
      if (!trimmed.isEmpty()) {
        findings.add(probe(trimmed));
      }
    }
    String joined = String.join("; ", findings);
    boolean refused = findings.stream().allMatch(f -> f.endsWith("refused the connection"));
    return refused
        ? joined
            + ". Is a broker running there? A local one: java -jar target/plaid-identity-stream.jar broker"
        : joined;
  }

  private static String probe(String address) {
    String host = Utils.getHost(address);
    Integer port = Utils.getPort(address);
    if (host == null || port == null) {
      return address + " is not host:port";
    }
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), TCP_PROBE_MS);
      return address
          + " accepts TCP connections but Kafka did not answer there (check security.protocol,"
          + " the listener, and that it is a Kafka broker)";
    } catch (SocketTimeoutException e) {
      return address
          + " did not answer a TCP connection within "
          + TCP_PROBE_MS / 1000
          + " s (firewall, or no route)";
    } catch (java.net.UnknownHostException e) {
      return address + ": the host name does not resolve";
    } catch (java.net.ConnectException e) {
      return address + " refused the connection";
    } catch (IOException e) {
      return address + ": " + ErrorText.describe(e);
    }
  }

  private static int intOr(Object value, int fallback) {
    if (value == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.toString().trim());
    } catch (NumberFormatException e) {
      return fallback;
    }
  }
}
