package dev.identitystream.app.demo;

import dev.identitystream.app.config.AppConfig;
import dev.identitystream.app.input.EnqueueCommand;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The demo's sample requests: successes, Item errors (emulator error tokens) and malformed input.
 */
final class DemoFeed {

  /** What the job must write for the demo's requests. */
  record Expected(int successes, int itemErrors, int itemErrorsWithItem, int malformed) {
    int items() {
      return successes + itemErrorsWithItem;
    }

    String describe() {
      return successes
          + " requests, "
          + itemErrors
          + " that Plaid refuses and "
          + malformed
          + " malformed records";
    }
  }

  private final AppConfig config;
  private final String bootstrapServers;
  private final int successes;

  DemoFeed(AppConfig config, String bootstrapServers, int successes) {
    this.config = config;
    this.bootstrapServers = bootstrapServers;
    this.successes = successes;
  }

  Expected produce() {
    // enqueue's producer settings: idempotent, acks=all and one request in flight, so a batch
    // refused while a new partition's leader settles is retried in order (with 5 in flight the
    // retried first batch can fail OutOfOrderSequence, an ERROR in a healthy first run).
    Map<String, Object> props =
        EnqueueCommand.producerProps(
            new AppConfig(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers)));
    String topic = config.topics().requests();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      for (int i = 0; i < successes; i++) {
        send(
            producer,
            topic,
            "customer-" + i,
            "{\"access_token\":\"access-sandbox-demo-%04d\",\"attributes\":{\"tenant\":\"demo\"}}"
                .formatted(i));
      }
      send(
          producer,
          topic,
          "customer-login",
          "{\"access_token\":\"access-sandbox-error-ITEM_LOGIN_REQUIRED-demo1\",\"item_id\":\"demo-item-login\",\"request_id\":\"demo-login\"}");
      send(
          producer,
          topic,
          "customer-bank-down",
          "{\"access_token\":\"access-sandbox-error-INSTITUTION_DOWN-demo2\",\"item_id\":\"demo-item-bank-down\",\"request_id\":\"demo-bank-down\"}");
      send(
          producer,
          topic,
          "customer-not-ready",
          "{\"access_token\":\"access-sandbox-error-PRODUCT_NOT_READY-demo3\",\"request_id\":\"demo-not-ready\"}");
      send(producer, topic, "bad-1", "this is not JSON");
      send(producer, topic, "bad-2", "{\"access_token\":42}");
      send(
          producer,
          topic,
          "bad-3",
          "{\"access_token\":\"access-sandbox-demo-x\",\"account_ids\":\"not-a-list\"}");
      producer.flush();
    }
    return new Expected(successes, 3, 2, 3);
  }

  private static void send(
      KafkaProducer<byte[], byte[]> producer, String topic, String key, String value) {
    producer.send(
        new ProducerRecord<>(
            topic, key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8)));
  }
}
