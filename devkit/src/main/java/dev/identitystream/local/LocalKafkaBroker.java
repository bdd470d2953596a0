package dev.identitystream.local;

import dev.identitystream.kafka.TopicReadiness;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * A single-node Kafka broker on 127.0.0.1 started by this process: {@link EmbeddedKafkaBroker}
 * (same JVM) or {@link ForkedKafkaBroker} (its own JVM). Topics have replication factor 1.
 */
public interface LocalKafkaBroker extends AutoCloseable {

  /** The configs of a compacted topic, e.g. for {@code identity-items}. */
  Map<String, String> COMPACTED = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, "compact");

  /** {@code bootstrap.servers} for clients, e.g. {@code 127.0.0.1:40123}. */
  String bootstrapServers();

  /** A new admin client for this broker; the caller closes it. */
  default Admin createAdmin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
  }

  /**
   * Creates a topic unless one of that name exists.
   *
   * @param configs topic configs, e.g. {@link #COMPACTED}
   * @return true if this call created it, false if it existed (its settings are left as they are)
   */
  default boolean createTopic(String name, int partitions, Map<String, String> configs) {
    NewTopic topic = new NewTopic(name, partitions, (short) 1).configs(configs);
    try (Admin admin = createAdmin()) {
      admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
      TopicReadiness.awaitLeaders(admin, List.of(name), java.time.Duration.ofSeconds(30));
      return true;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TopicExistsException) {
        return false;
      }
      throw new IllegalStateException("cannot create topic " + name, e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("creating topic " + name + " timed out", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topic " + name, e);
    }
  }

  /** As {@link #createTopic(String, int, Map)} with the broker's default topic configs. */
  default boolean createTopic(String name, int partitions) {
    return createTopic(name, partitions, Map.of());
  }

  /** Stops the broker and releases what it holds. Calling it again does nothing. */
  @Override
  void close();
}
