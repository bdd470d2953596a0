package dev.identitystream.app.config;

import dev.identitystream.app.ErrorText;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.ClientUtils;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.network.ChannelBuilder;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.internals.LogContext;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Kafka's own checks of the clients Kafka Streams builds from a configuration (main and restore
 * consumer, producer, admin client, each with its prefixed keys applied as Kafka Streams applies
 * them), and of their security setup (JAAS, SASL mechanism, key and trust stores), without
 * connecting. Without these, {@code acks=2}, {@code consumer.max.poll.records=0} or {@code
 * security.protocol=SASL_SSL} without a JAAS entry pass {@code StreamsConfig} and fail only when
 * the job builds its clients ({@code run} then exits 1 with Kafka's "Failed to create new
 * KafkaAdminClient").
 */
final class KafkaClientChecks {

  private static final String CLIENT_ID = "config-check";

  private KafkaClientChecks() {}

  /**
   * Adds a problem for each client whose settings Kafka refuses (once per distinct message), then,
   * when they are all valid and {@code security} holds, for the first client whose security setup
   * cannot be built.
   *
   * @param security whether to build the clients' security setup too: it reads key stores and JAAS
   *     files and may log in (Kerberos, OAuth), so only where the job will run
   */
  static void check(StreamsConfig streams, boolean security, List<ConfigChecks.Problem> problems) {
    int before = problems.size();
    Map<String, AbstractConfig> clients = new LinkedHashMap<>();
    parse(
        clients,
        "main consumer",
        () -> streams.getMainConsumerConfigs(CLIENT_ID, CLIENT_ID, 0),
        KafkaClientChecks::consumer,
        problems);
    parse(
        clients,
        "restore consumer",
        () -> streams.getRestoreConsumerConfigs(CLIENT_ID),
        KafkaClientChecks::consumer,
        problems);
    parse(
        clients,
        "producer",
        () -> streams.getProducerConfigs(CLIENT_ID),
        KafkaClientChecks::producer,
        problems);
    parse(
        clients,
        "admin client",
        () -> streams.getAdminConfigs(CLIENT_ID),
        AdminClientConfig::new,
        problems);
    if (!security || problems.size() > before) {
      return;
    }
    for (Map.Entry<String, AbstractConfig> client : clients.entrySet()) {
      String problem = securitySetupProblem(client.getKey(), client.getValue());
      if (problem != null) {
        problems.add(
            new ConfigChecks.Problem(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, problem));
        return;
      }
    }
  }

  /** Builds and closes the client's channel builder, as the client does when created. */
  private static String securitySetupProblem(String client, AbstractConfig config) {
    try (ChannelBuilder builder =
        ClientUtils.createChannelBuilder(config, Time.SYSTEM, new LogContext())) {
      return null; // the JAAS entry, the SASL mechanism and the stores are usable
    } catch (Exception e) {
      return "the "
          + client
          + " cannot set up "
          + config.getString(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG)
          + ": "
          + ErrorText.describe(e)
          + " (check sasl.mechanism, sasl.jaas.config and the ssl.* stores)";
    }
  }

  private static void parse(
      Map<String, AbstractConfig> clients,
      String client,
      Supplier<Map<String, Object>> settings,
      Function<Map<String, Object>, AbstractConfig> parser,
      List<ConfigChecks.Problem> problems) {
    try {
      clients.put(client, parser.apply(new LinkedHashMap<>(settings.get())));
    } catch (ConfigException e) {
      boolean known =
          problems.stream().anyMatch(p -> p.message().startsWith(e.getMessage() + " (in the "));
      if (!known) {
        problems.add(
            new ConfigChecks.Problem("", e.getMessage() + " (in the " + client + "'s settings)"));
      }
    }
  }

  private static AbstractConfig consumer(Map<String, Object> settings) {
    settings.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    settings.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    return new ConsumerConfig(settings);
  }

  private static AbstractConfig producer(Map<String, Object> settings) {
    settings.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    settings.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    return new ProducerConfig(settings);
  }
}
