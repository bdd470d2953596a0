package dev.identitystream.app;

import static dev.identitystream.local.TestClients.uniqueName;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.identitystream.app.config.AppConfig;
import dev.identitystream.emulator.EmulatorOptions;
import dev.identitystream.emulator.PlaidEmulator;
import dev.identitystream.local.TestClients;
import dev.identitystream.topology.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Wiring for integration tests of the whole job: an emulator, configuration against a local broker
 * with unique topic names, keyed request feeds, and Item status records read back.
 *
 * <p>Requests are keyed {@code customer-NNN}; each key always uses the same access token (so all
 * its requests ask about the same Item) and its requests carry {@code request_id}s {@code
 * customer-NNN/SSSSS}, SSSSS being the key's sequence number.
 */
public final class JobTestSupport {

  public static final String CLIENT_ID = "it-client";
  private static final ObjectMapper JSON = new ObjectMapper();

  private JobTestSupport() {}

  /** An emulator with credentials of its own and a fixed latency; the caller closes it. */
  public static PlaidEmulator emulator(String secret, Duration latency) {
    return PlaidEmulator.start(
        EmulatorOptions.builder().credentials(CLIENT_ID, secret).latency(latency).build());
  }

  public static String newSecret() {
    return UUID.randomUUID().toString().replace("-", "");
  }

  /** Topic names no other test uses. */
  public static Topics uniqueTopics(String prefix) {
    String run = uniqueName(prefix);
    return new Topics(
        run + "-requests", run + "-accounts", run + "-items", run + "-item-errors", run + "-dlq");
  }

  /** One instance's configuration: broker, emulator, topics, application id and state dir. */
  public static Map<String, String> config(
      String bootstrapServers,
      PlaidEmulator emulator,
      String secret,
      String applicationId,
      Topics topics,
      Path stateDir) {
    Map<String, String> config = new LinkedHashMap<>();
    config.put("bootstrap.servers", bootstrapServers);
    config.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    config.put(AppConfig.TOPIC_REQUESTS_CONFIG, topics.requests());
    config.put(AppConfig.TOPIC_ACCOUNTS_CONFIG, topics.accounts());
    config.put(AppConfig.TOPIC_ITEMS_CONFIG, topics.items());
    config.put(AppConfig.TOPIC_ITEM_ERRORS_CONFIG, topics.itemErrors());
    config.put(AppConfig.TOPIC_DLQ_CONFIG, topics.dlq());
    config.put(AppConfig.TOPIC_BULK_REQUESTS_CONFIG, topics.bulkRequests());
    config.put(AppConfig.PLAID_BASE_URL_CONFIG, emulator.baseUrl());
    config.put(AppConfig.PLAID_CLIENT_ID_CONFIG, CLIENT_ID);
    config.put(AppConfig.PLAID_SECRET_CONFIG, secret);
    return config;
  }

  public static String key(int keyIndex) {
    return "customer-%03d".formatted(keyIndex);
  }

  public static String requestId(int keyIndex, int sequence) {
    return "%s/%05d".formatted(key(keyIndex), sequence);
  }

  /** The key a request id belongs to. */
  public static String keyOf(String requestId) {
    return requestId.substring(0, requestId.indexOf('/'));
  }

  /** The key's sequence number of a request id. */
  public static int sequenceOf(String requestId) {
    return Integer.parseInt(requestId.substring(requestId.indexOf('/') + 1));
  }

  /**
   * Produces requests with sequence numbers [from, to) for keys [0, keys), interleaved (sequence by
   * sequence) so every partition gets work at once. {@code run} makes tokens unique to the test.
   */
  public static void produceRequests(
      String bootstrapServers, String topic, String run, int keys, int from, int to) {
    try (KafkaProducer<String, String> producer = TestClients.producer(bootstrapServers)) {
      for (int sequence = from; sequence < to; sequence++) {
        for (int keyIndex = 0; keyIndex < keys; keyIndex++) {
          String value =
              "{\"access_token\":\"access-sandbox-%s-%03d\",\"request_id\":\"%s\"}"
                  .formatted(run, keyIndex, requestId(keyIndex, sequence));
          producer.send(new ProducerRecord<>(topic, key(keyIndex), value));
        }
      }
      producer.flush();
    }
  }

  /** An {@code identity-items} record as read back, with where it was. */
  public record ItemStatus(
      String itemId, String requestId, String status, int partition, long offset) {

    static ItemStatus of(ConsumerRecord<byte[], byte[]> record) {
      JsonNode value = json(record.value());
      return new ItemStatus(
          value.get("item_id").asText(),
          value.get("request_id").asText(),
          value.get("status").asText(),
          record.partition(),
          record.offset());
    }
  }

  /** The {@code request_id} of any output value. */
  public static String requestIdOf(ConsumerRecord<byte[], byte[]> record) {
    return json(record.value()).get("request_id").asText();
  }

  private static JsonNode json(byte[] bytes) {
    try {
      return JSON.readTree(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Closes what a test opened, last opened first, even when some closes fail. */
  public static final class Resources implements AutoCloseable {
    private final Deque<AutoCloseable> opened = new ArrayDeque<>();

    <T extends AutoCloseable> T add(T resource) {
      opened.push(resource);
      return resource;
    }

    @Override
    public void close() {
      RuntimeException first = null;
      while (!opened.isEmpty()) {
        try {
          opened.pop().close();
        } catch (Exception e) {
          if (first == null) {
            first = new IllegalStateException("closing a test resource failed", e);
          } else {
            first.addSuppressed(e);
          }
        }
      }
      if (first != null) {
        throw first;
      }
    }
  }
}
