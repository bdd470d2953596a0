package dev.identitystream.app.job;

import dev.identitystream.app.ErrorText;
import dev.identitystream.kafka.TopicReadiness;
import dev.identitystream.topology.Topics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure the job's topics exist before it starts: creates the missing ones when allowed ({@code
 * identity-items} compacted), or fails with a message that names what is missing.
 */
public final class TopicManager {

  private static final Logger LOG = LoggerFactory.getLogger(TopicManager.class);
  private static final long TIMEOUT_SECONDS = 60;

  private TopicManager() {}

  /** Thrown when topics are missing and cannot be created; the message names them. */
  public static final class MissingTopicsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MissingTopicsException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * How missing topics are created.
   *
   * @param maxMessageBytes {@code max.message.bytes} of the topics created (the job's record limit)
   */
  record Creation(boolean create, int partitions, short replication, int maxMessageBytes) {}

  /**
   * Makes sure the job's topics exist, creating the missing ones when allowed.
   *
   * @param changelog the pending store's changelog topic (Kafka Streams creates it)
   * @return the effective {@code max.message.bytes} of the output topics and, if it exists, the
   *     changelog
   * @throws KafkaReachability.UnreachableException when the cluster does not answer within {@link
   *     KafkaReachability#TIMEOUT}
   */
  static Map<String, Integer> ensure(
      Map<String, Object> adminProps, Topics topics, Creation creation, String changelog) {
    KafkaReachability.require(adminProps, KafkaReachability.TIMEOUT);
    try (Admin admin = KafkaReachability.createAdmin(adminProps)) {
      Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      List<String> wanted = new ArrayList<>(topics.inputs());
      wanted.addAll(topics.outputs());
      List<String> missing = wanted.stream().filter(t -> !existing.contains(t)).toList();
      if (!missing.isEmpty()) {
        create(
            admin, topics, creation, missing, inputPartitions(admin, topics, existing, creation));
      }
      List<String> limited = new ArrayList<>(topics.outputs());
      if (existing.contains(changelog)) {
        limited.add(changelog);
      }
      return maxMessageBytes(admin, limited);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MissingTopicsException("interrupted while checking topics", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new MissingTopicsException("cannot list topics: " + rootMessage(e), e);
    }
  }

  /**
   * The partition count of a missing input topic: that of the other input topic if it exists, so
   * that a key's live and bulk requests share a task ({@code IdentityTopology}); else the default.
   */
  private static int inputPartitions(
      Admin admin, Topics topics, Set<String> existing, Creation creation)
      throws InterruptedException, ExecutionException, TimeoutException {
    List<String> present = topics.inputs().stream().filter(existing::contains).toList();
    if (present.size() != 1) {
      return creation.partitions();
    }
    return admin
        .describeTopics(present)
        .allTopicNames()
        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
        .get(present.get(0))
        .partitions()
        .size();
  }

  /**
   * The number of tasks of the call stage: the larger partition count of the two input topics
   * (Kafka Streams makes one task per partition number).
   */
  static int inputPartitions(Admin admin, Topics topics)
      throws InterruptedException, ExecutionException, TimeoutException {
    return admin
        .describeTopics(topics.inputs())
        .allTopicNames()
        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
        .values()
        .stream()
        .mapToInt(d -> d.partitions().size())
        .max()
        .orElse(0);
  }

  /** Each topic's effective {@code max.message.bytes} (its own, or the broker's default). */
  private static Map<String, Integer> maxMessageBytes(Admin admin, List<String> names)
      throws InterruptedException, ExecutionException, TimeoutException {
    List<ConfigResource> resources =
        names.stream().map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList();
    Map<ConfigResource, Config> configs =
        admin.describeConfigs(resources).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    Map<String, Integer> limits = new HashMap<>();
    configs.forEach(
        (resource, config) -> {
          ConfigEntry entry = config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
          if (entry != null && entry.value() != null) {
            limits.put(resource.name(), Integer.parseInt(entry.value()));
          }
        });
    return limits;
  }

  private static void create(
      Admin admin, Topics topics, Creation creation, List<String> missing, int inputPartitions)
      throws InterruptedException, TimeoutException {
    if (!creation.create()) {
      throw new MissingTopicsException(
          "missing topics "
              + missing
              + " and topics.create=false; create them ("
              + topics.items()
              + " with cleanup.policy=compact) or set topics.create=true",
          null);
    }
    List<NewTopic> newTopics = new ArrayList<>();
    for (String name : missing) {
      NewTopic topic =
          new NewTopic(
              name,
              Optional.of(topics.inputs().contains(name) ? inputPartitions : creation.partitions()),
              Optional.of(creation.replication()));
      Map<String, String> configs = new HashMap<>();
      configs.put(
          TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(creation.maxMessageBytes()));
      if (name.equals(topics.items())) {
        configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
      }
      topic.configs(configs);
      newTopics.add(topic);
    }
    createAll(admin, newTopics, missing);
  }

  private static void createAll(Admin admin, List<NewTopic> newTopics, List<String> missing)
      throws InterruptedException, TimeoutException {
    try {
      admin.createTopics(newTopics).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      TopicReadiness.awaitLeaders(admin, missing, java.time.Duration.ofSeconds(TIMEOUT_SECONDS));
      LOG.info("Created topics {}", missing);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TopicExistsException) {
        // Another client (an instance, enqueue) created them meanwhile: wait for their leaders too.
        try {
          TopicReadiness.awaitLeaders(
              admin, missing, java.time.Duration.ofSeconds(TIMEOUT_SECONDS));
        } catch (ExecutionException notReady) {
          throw new MissingTopicsException(
              "topics " + missing + " exist but have no leader: " + rootMessage(notReady),
              notReady);
        }
        return;
      }
      boolean denied =
          e.getCause() instanceof TopicAuthorizationException
              || e.getCause() instanceof ClusterAuthorizationException;
      throw new MissingTopicsException(
          "missing topics "
              + missing
              + (denied ? " and this principal may not create them" : " could not be created")
              + ": "
              + rootMessage(e),
          e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return ErrorText.describe(cause);
  }
}
