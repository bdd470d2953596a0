package dev.identitystream.app;

import dev.identitystream.topology.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import dev.identitystream.local.TopicReadiness;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure the job's topics exist before it starts: creates the missing ones when allowed ({@code
 * identity-items} compacted), or fails with a message that names what is missing.
 */
final class TopicManager {

  private static final Logger LOG = LoggerFactory.getLogger(TopicManager.class);
  private static final long TIMEOUT_SECONDS = 60;

  private TopicManager() {}

  /** Thrown when topics are missing and cannot be created; the message names them. */
  static final class MissingTopicsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MissingTopicsException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * @throws KafkaReachability.UnreachableException when the cluster does not answer within {@link
   *     KafkaReachability#TIMEOUT}
   */
  static void ensure(Map<String, Object> adminProps, Topics topics, boolean create, int partitions, short replication) {
    KafkaReachability.require(adminProps, KafkaReachability.TIMEOUT);
    try (Admin admin = KafkaReachability.createAdmin(adminProps)) {
      Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      List<String> wanted = new ArrayList<>(List.of(topics.requests()));
      wanted.addAll(topics.outputs());
      List<String> missing = wanted.stream().filter(t -> !existing.contains(t)).toList();
      if (missing.isEmpty()) {
        return;
      }
      if (!create) {
        throw new MissingTopicsException(
            "missing topics " + missing + " and topics.create=false; create them (" + topics.items()
                + " with cleanup.policy=compact) or set topics.create=true", null);
      }
      List<NewTopic> newTopics = new ArrayList<>();
      for (String name : missing) {
        NewTopic topic = new NewTopic(name, Optional.of(partitions), Optional.of(replication));
        if (name.equals(topics.items())) {
          topic.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        }
        newTopics.add(topic);
      }
      createAll(admin, newTopics, missing);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MissingTopicsException("interrupted while checking topics", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new MissingTopicsException("cannot list topics: " + rootMessage(e), e);
    }
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
          TopicReadiness.awaitLeaders(admin, missing, java.time.Duration.ofSeconds(TIMEOUT_SECONDS));
        } catch (ExecutionException notReady) {
          throw new MissingTopicsException("topics " + missing + " exist but have no leader: " + rootMessage(notReady), notReady);
        }
        return;
      }
      boolean denied =
          e.getCause() instanceof TopicAuthorizationException
              || e.getCause() instanceof ClusterAuthorizationException;
      throw new MissingTopicsException(
          "missing topics " + missing + (denied ? " and this principal may not create them" : " could not be created")
              + ": " + rootMessage(e),
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
