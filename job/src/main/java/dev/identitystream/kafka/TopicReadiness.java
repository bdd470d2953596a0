package dev.identitystream.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.RetriableException;

/**
 * Waits until new topics can take writes. Producing to a partition the broker has not finished
 * creating fails with NOT_LEADER_OR_FOLLOWER, and an idempotent producer's retries were then seen
 * to end in endless OUT_OF_ORDER_SEQUENCE_NUMBER errors on Kafka 4.4.0.
 */
public final class TopicReadiness {

  private TopicReadiness() {}

  /**
   * Returns once every partition of the topics has a leader; throws TimeoutException after the
   * timeout.
   */
  public static void awaitLeaders(Admin admin, Collection<String> topics, Duration timeout)
      throws InterruptedException, ExecutionException, TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (leadersServe(admin, topics, timeout)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new TimeoutException(
            "partitions of " + topics + " have no serving leader after " + timeout);
      }
      Thread.sleep(50);
    }
  }

  /**
   * Whether every partition has a leader in the metadata and that leader answers ListOffsets (it is
   * served by the partition leader itself, so it fails until the broker really leads it). Right
   * after creation even describeTopics may answer UNKNOWN_TOPIC_OR_PARTITION: not ready yet.
   */
  private static boolean leadersServe(Admin admin, Collection<String> topics, Duration timeout)
      throws InterruptedException, ExecutionException, TimeoutException {
    try {
      Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
      for (TopicDescription description :
          admin
              .describeTopics(topics)
              .allTopicNames()
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
              .values()) {
        for (TopicPartitionInfo partition : description.partitions()) {
          if (partition.leader() == null || partition.leader().isEmpty()) {
            return false;
          }
          partitions.put(
              new TopicPartition(description.name(), partition.partition()), OffsetSpec.latest());
        }
      }
      admin.listOffsets(partitions).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RetriableException) {
        return false;
      }
      throw e;
    }
  }
}
