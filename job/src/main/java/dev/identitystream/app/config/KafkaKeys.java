package dev.identitystream.app.config;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The Kafka keys a configuration may hold, from Kafka's own config definitions: Kafka Streams'
 * keys, the consumer's, producer's and admin client's, the same under Kafka Streams' client
 * prefixes ({@code consumer.}, {@code main.consumer.}, {@code restore.consumer.}, {@code
 * global.consumer.}, {@code producer.}, {@code admin.}), topic configs under {@code topic.}, and
 * the free-form {@code client.tag.*} and {@code metrics.context.*}. Anything else is a typo or a
 * key from another tool, and {@link #suggest} finds the nearest known key.
 */
final class KafkaKeys {

  /** Plain keys: Streams, consumer, producer and admin client configs. */
  private static final Set<String> PLAIN = plainKeys();

  private static final Set<String> TOPIC_CONFIGS = topicConfigNames();
  private static final Map<String, Set<String>> PREFIXED =
      Map.of(
          StreamsConfig.CONSUMER_PREFIX, ConsumerConfig.configNames(),
          StreamsConfig.MAIN_CONSUMER_PREFIX, ConsumerConfig.configNames(),
          StreamsConfig.RESTORE_CONSUMER_PREFIX, ConsumerConfig.configNames(),
          StreamsConfig.GLOBAL_CONSUMER_PREFIX, ConsumerConfig.configNames(),
          StreamsConfig.PRODUCER_PREFIX, ProducerConfig.configNames(),
          StreamsConfig.ADMIN_CLIENT_PREFIX, AdminClientConfig.configNames(),
          StreamsConfig.TOPIC_PREFIX, TOPIC_CONFIGS);
  private static final List<String> FREE_FORM_PREFIXES =
      List.of(StreamsConfig.CLIENT_TAG_PREFIX, CommonClientConfigs.METRICS_CONTEXT_PREFIX);

  private KafkaKeys() {}

  /** Whether Kafka defines this key (plain, prefixed, or free-form). */
  static boolean isKafkaKey(String key) {
    if (PLAIN.contains(key)) {
      return true;
    }
    for (String prefix : FREE_FORM_PREFIXES) {
      if (key.startsWith(prefix) && key.length() > prefix.length()) {
        return true;
      }
    }
    return PREFIXED.entrySet().stream()
        .anyMatch(
            e ->
                key.startsWith(e.getKey())
                    && e.getValue().contains(key.substring(e.getKey().length())));
  }

  /**
   * The known key nearest to an unknown one, when it is a near miss ({@code bootstrap.server} →
   * {@code bootstrap.servers}, {@code topic.acounts} → {@code topic.accounts}).
   *
   * @param appKeys the job's own keys, candidates too
   */
  static Optional<String> suggest(String key, Set<String> appKeys) {
    Set<String> candidates = new HashSet<>(PLAIN);
    candidates.addAll(appKeys);
    PREFIXED.forEach(
        (prefix, names) -> {
          if (key.startsWith(prefix)) {
            names.forEach(name -> candidates.add(prefix + name));
          }
        });
    int allowed = Math.max(1, Math.min(3, key.length() / 5));
    return candidates.stream()
        .map(candidate -> Map.entry(candidate, distance(key, candidate)))
        .filter(e -> e.getValue() <= allowed)
        .min(
            Comparator.<Map.Entry<String, Integer>>comparingInt(Map.Entry::getValue)
                .thenComparing(Map.Entry::getKey))
        .map(Map.Entry::getKey);
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  private static Set<String> plainKeys() {
    Set<String> keys = new HashSet<>(StreamsConfig.configDef().names());
    keys.addAll(ConsumerConfig.configNames());
    keys.addAll(ProducerConfig.configNames());
    keys.addAll(AdminClientConfig.configNames());
    return Set.copyOf(keys);
  }

  /** The values of TopicConfig's public {@code *_CONFIG} constants (Kafka has no set of them). */
  private static Set<String> topicConfigNames() {
    Set<String> names = new HashSet<>();
    for (Field field : TopicConfig.class.getFields()) {
      if (Modifier.isStatic(field.getModifiers())
          && field.getType() == String.class
          && field.getName().endsWith("_CONFIG")) {
        try {
          names.add((String) field.get(null));
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return Set.copyOf(names);
  }
}
