package dev.identitystream.app.config;

import dev.identitystream.app.job.StreamingJob;
import dev.identitystream.plaid.PlaidClientConfig;
import dev.identitystream.plaid.PlaidEnvironment;
import dev.identitystream.plaid.Secret;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Every check of a configuration that needs no connection, in one place: {@code run}, {@code
 * backfill} and {@code record} refuse to start on any problem ({@link #forJob}); the Kafka-only
 * commands ({@code enqueue}, {@code tail}, {@code redrive}) check the Kafka part ({@link
 * #forKafkaClients}); {@code validate-config} prints them all. A check added here is made by all of
 * them.
 *
 * <p>App keys' types and ranges are checked earlier, by {@link AppConfig}'s {@code ConfigDef}; this
 * class checks what a {@code ConfigDef} cannot: presence of credentials, URL rules, the syntax and
 * resolution of {@code bootstrap.servers}, that every Kafka key is one Kafka defines, Kafka's own
 * validation of its values, and the stage's timings against Kafka's ({@code
 * StreamingJob.checkStageTimings}). Messages never quote a secret.
 */
public final class ConfigChecks {

  /** One problem: the key (or "" when Kafka's message names it) and what is wrong. */
  public record Problem(String key, String message) {
    @Override
    public String toString() {
      return key.isEmpty() ? message : key + ": " + message;
    }
  }

  private ConfigChecks() {}

  /**
   * What the streaming job needs: Plaid credentials and URL, then {@link #forKafkaClients}.
   *
   * @param resolveHosts whether the hosts of {@code bootstrap.servers} must resolve from here
   */
  public static List<Problem> forJob(AppConfig config, boolean resolveHosts) {
    List<Problem> problems = new ArrayList<>();
    credentials(config, problems);
    plaidUrl(config, problems);
    try {
      config.topics();
    } catch (IllegalArgumentException e) {
      problems.add(new Problem("topic.*", e.getMessage()));
    }
    List<Problem> kafka = forKafkaClients(config, resolveHosts);
    problems.addAll(kafka);
    if (kafka.isEmpty()) {
      // The stage's waits against Kafka's timeouts: the check the job itself makes when built.
      try {
        StreamingJob.checkStageTimings(config, StreamingJob.streamsProperties(config));
      } catch (ConfigException e) {
        problems.add(new Problem("", e.getMessage()));
      }
    }
    return problems;
  }

  /**
   * What any command that talks to Kafka needs: known keys, bootstrap.servers, Kafka's values for
   * Kafka Streams and each client it builds, and (with {@code resolveHosts}, where the job runs)
   * the clients' security setup.
   */
  public static List<Problem> forKafkaClients(AppConfig config, boolean resolveHosts) {
    List<Problem> problems = new ArrayList<>();
    Map<String, Object> kafka = config.kafkaProps();
    for (String key : new TreeSet<>(kafka.keySet())) {
      if (!KafkaKeys.isKafkaKey(key)) {
        String hint =
            KafkaKeys.suggest(key, AppConfig.DEFINITION.names())
                .map(k -> "; did you mean " + k + "?")
                .orElse("");
        problems.add(new Problem(key, "not a setting of this job nor of Kafka" + hint));
      }
    }
    int before = problems.size();
    bootstrapServers(
        kafka.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG), resolveHosts, problems);
    if (problems.size() == before) {
      try {
        StreamsConfig streams = new StreamsConfig(StreamingJob.streamsProperties(config));
        KafkaClientChecks.check(streams, resolveHosts, problems); // the clients Streams builds
      } catch (ConfigException e) {
        problems.add(new Problem("", e.getMessage()));
      }
    }
    return problems;
  }

  /** Throws one {@link ConfigException} listing every problem, if there are any. */
  public static void require(List<Problem> problems) {
    if (problems.isEmpty()) {
      return;
    }
    if (problems.size() == 1) {
      throw new ConfigException(problems.get(0).toString());
    }
    StringBuilder message = new StringBuilder(problems.size() + " problems:");
    problems.forEach(p -> message.append(System.lineSeparator()).append("  - ").append(p));
    throw new ConfigException(message.toString());
  }

  private static void credentials(AppConfig config, List<Problem> problems) {
    if (config.getString(AppConfig.PLAID_CLIENT_ID_CONFIG).isBlank()) {
      problems.add(
          new Problem(
              AppConfig.PLAID_CLIENT_ID_CONFIG,
              "not set; set "
                  + ConfigLoader.ENV_CLIENT_ID
                  + " in the environment (or "
                  + ConfigLoader.ENV_CLIENT_ID_FILE
                  + " to a file holding it, or the key in a file readable only by its owner)"));
    }
    if (config.plaidSecret().value().isEmpty()) {
      problems.add(
          new Problem(
              AppConfig.PLAID_SECRET_CONFIG,
              "not set; set "
                  + ConfigLoader.ENV_SECRET
                  + " in the environment (or "
                  + ConfigLoader.ENV_SECRET_FILE
                  + " to a file holding it, or the key in a file readable only by its owner)"));
    }
  }

  /** The same rules as the client's own (https, or http to loopback only), without credentials. */
  private static void plaidUrl(AppConfig config, List<Problem> problems) {
    String url = config.getString(AppConfig.PLAID_BASE_URL_CONFIG);
    if (url.isBlank()) {
      return;
    }
    try {
      PlaidClientConfig.builder()
          .environment(PlaidEnvironment.fromName(config.getString(AppConfig.PLAID_ENV_CONFIG)))
          .clientId("config-check")
          .secret(Secret.of("config-check"))
          .baseUrl(url.strip())
          .build();
    } catch (IllegalArgumentException e) {
      problems.add(new Problem(AppConfig.PLAID_BASE_URL_CONFIG, e.getMessage()));
    }
  }

  /** Kafka's syntax ({@code host:port}, IPv6 in brackets), a port in range, and optionally DNS. */
  static void bootstrapServers(Object value, boolean resolveHosts, List<Problem> problems) {
    String key = CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG;
    if (value == null || value.toString().isBlank()) {
      problems.add(
          new Problem(
              key,
              "not set; e.g. " + key + "=127.0.0.1:9092 (a local broker: the broker command)"));
      return;
    }
    for (String raw : value.toString().split(",")) {
      String address = raw.strip();
      if (address.isEmpty()) {
        continue;
      }
      String host = Utils.getHost(address);
      Integer port = Utils.getPort(address);
      if (host == null || port == null || host.isEmpty() || address.contains("://")) {
        problems.add(
            new Problem(
                key, "'" + address + "' is not host:port (e.g. broker-1:9092, [::1]:9092)"));
      } else if (port < 1 || port > 65_535) {
        problems.add(new Problem(key, "'" + address + "' has port " + port + ", outside 1..65535"));
      } else if (resolveHosts && !resolves(host)) {
        problems.add(
            new Problem(
                key,
                "host '" + host + "' of '" + address + "' does not resolve from this machine"));
      }
    }
  }

  private static boolean resolves(String host) {
    try {
      InetAddress.getAllByName(host);
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
