package dev.identitystream.app.topics;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.identitystream.app.ErrorText;
import dev.identitystream.app.config.AppConfig;
import dev.identitystream.kafka.TopicReadiness;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The record of what {@code redrive} has moved, which makes it idempotent: a compacted topic
 * (default {@code <topic.dlq>-redriven}) with one record per re-driven DLQ record, written in the
 * same Kafka transaction as the re-driven copy, so either both are there or neither is. A later
 * redrive skips every DLQ record the ledger names.
 *
 * <p>Key: {@code <dlq topic>/<dlq topic id>/<partition>/<offset>} (the topic id tells a re-created
 * DLQ topic's offsets from the old one's). Value: JSON {@code {schema_version, dlq_topic,
 * dlq_partition, dlq_offset, reason, request_id, redriven_to, redriven_at}}; never the token.
 */
final class RedriveLedger {

  private RedriveLedger() {}

  /** The default ledger topic of a DLQ topic. */
  static String defaultTopic(String dlqTopic) {
    return dlqTopic + "-redriven";
  }

  static String key(ConsumerRecord<byte[], byte[]> dlqRecord, Uuid dlqTopicId) {
    return dlqRecord.topic()
        + "/"
        + dlqTopicId
        + "/"
        + dlqRecord.partition()
        + "/"
        + dlqRecord.offset();
  }

  static byte[] value(
      ConsumerRecord<byte[], byte[]> dlqRecord,
      String reason,
      String requestId,
      String to,
      Instant at) {
    ObjectNode value = JsonNodeFactory.instance.objectNode();
    value.put("schema_version", 1);
    value.put("dlq_topic", dlqRecord.topic());
    value.put("dlq_partition", dlqRecord.partition());
    value.put("dlq_offset", dlqRecord.offset());
    value.put("reason", reason);
    value.put("request_id", requestId);
    value.put("redriven_to", to);
    value.put("redriven_at", at.toString());
    return value.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Creates the ledger topic (compacted, one partition) unless it exists.
   *
   * @return empty when it exists or was created, else why not (topics.create=false, or refused)
   */
  static Optional<String> ensure(Admin admin, String topic, boolean create, short replication) {
    try {
      if (admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic)) {
        return Optional.empty();
      }
      if (!create) {
        return Optional.of(
            "the ledger topic "
                + topic
                + " is missing and topics.create=false; create it (cleanup.policy=compact)");
      }
      NewTopic ledger =
          new NewTopic(topic, Optional.of(1), Optional.of(replication))
              .configs(
                  Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
      admin.createTopics(List.of(ledger)).all().get(30, TimeUnit.SECONDS);
      TopicReadiness.awaitLeaders(admin, List.of(topic), Duration.ofSeconds(30));
      return Optional.empty();
    } catch (ExecutionException e) {
      return e.getCause() instanceof TopicExistsException
          ? Optional.empty()
          : Optional.of(
              "cannot create the ledger topic " + topic + ": " + ErrorText.describe(e.getCause()));
    } catch (TimeoutException e) {
      return Optional.of("timed out creating the ledger topic " + topic);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted");
    }
  }

  /**
   * Every key the ledger holds now ({@code read_committed}, to its end); tombstones remove keys.
   */
  static Set<String> read(AppConfig config, String topic) {
    Set<String> keys = new HashSet<>();
    try (TopicReader reader = TopicReader.open(config, topic, "pis-redrive-ledger")) {
      Map<org.apache.kafka.common.TopicPartition, Long> ends = reader.ends();
      reader.consumer().seekToBeginning(reader.partitions());
      while (!reader.reached(ends)) {
        for (ConsumerRecord<byte[], byte[]> record :
            reader.consumer().poll(Duration.ofMillis(200))) {
          if (record.key() == null) {
            continue;
          }
          String key = new String(record.key(), StandardCharsets.UTF_8);
          if (record.value() == null) {
            keys.remove(key);
          } else {
            keys.add(key);
          }
        }
      }
    }
    return keys;
  }
}
