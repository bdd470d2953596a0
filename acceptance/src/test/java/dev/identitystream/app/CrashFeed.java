package dev.identitystream.app;

import dev.identitystream.app.config.AppConfig;
import dev.identitystream.local.LocalKafkaBroker;
import dev.identitystream.local.TestClients;
import dev.identitystream.topology.Topics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * A deterministic mix of identity requests for crash and restart tests, and what the job must write
 * for each: every request has its own {@code request_id} ({@code req-00001}, ...).
 *
 * <ul>
 *   <li>most are successes, {@code access-sandbox-accounts<N>-crash-<n>} with N = 1..3, so the
 *       emulator answers with exactly N accounts (always the same ones for a token);
 *   <li>every 20th is an Item error, {@code access-sandbox-error-ITEM_LOGIN_REQUIRED-crash-<n>}
 *       naming its {@code item_id}: one Item-error event and one Item status {@code ERROR};
 *   <li>every 500th is malformed (three kinds in turn): one DLQ record with the original bytes.
 * </ul>
 *
 * <p>Keys are {@code customer-<n mod 700>}, so requests of one key are called in order, one at a
 * time. Topic of input: key a string, value the request JSON.
 */
final class CrashFeed {

  enum Kind {
    SUCCESS,
    ITEM_ERROR,
    MALFORMED
  }

  /**
   * One input record and its expected outcome.
   *
   * @param accounts how many account records a success yields; 0 otherwise
   */
  record Request(String requestId, Kind kind, int accounts, String key, String value) {}

  private static final int ITEM_ERROR_EVERY = 20;
  private static final int MALFORMED_EVERY = 500;
  private static final int KEYS = 700;

  private final List<Request> requests;
  private final Map<String, Request> byId = new HashMap<>();
  private final Map<String, String> malformedIdByValue = new HashMap<>();
  private final Map<Kind, Set<String>> idsByKind = new EnumMap<>(Kind.class);

  private CrashFeed(List<Request> requests) {
    this.requests = List.copyOf(requests);
    for (Kind kind : Kind.values()) {
      idsByKind.put(kind, new TreeSet<>());
    }
    for (Request request : requests) {
      byId.put(request.requestId(), request);
      idsByKind.get(request.kind()).add(request.requestId());
      if (request.kind() == Kind.MALFORMED) {
        malformedIdByValue.put(request.value(), request.requestId());
      }
    }
    idsByKind.replaceAll((kind, ids) -> Collections.unmodifiableSet(ids));
  }

  /** {@code count} requests, numbered from 1. */
  static CrashFeed of(int count) {
    List<Request> requests = new ArrayList<>(count);
    for (int n = 1; n <= count; n++) {
      requests.add(request(n));
    }
    return new CrashFeed(requests);
  }

  private static Request request(int n) {
    String id = "req-%05d".formatted(n);
    String key = "customer-" + (n % KEYS);
    if (n % MALFORMED_EVERY == MALFORMED_EVERY / 2) {
      String value =
          switch ((n / MALFORMED_EVERY) % 3) {
            case 0 -> "this is not JSON, " + id;
            case 1 -> "{\"request_id\":\"%s\",\"access_token\":42}".formatted(id);
            default ->
                "{\"request_id\":\"%s\",\"access_token\":\"access-sandbox-crash-%d\",\"account_ids\":\"not-a-list\"}"
                    .formatted(id, n);
          };
      return new Request(id, Kind.MALFORMED, 0, key, value);
    }
    if (n % ITEM_ERROR_EVERY == 3) {
      String value =
          ("{\"access_token\":\"access-sandbox-error-ITEM_LOGIN_REQUIRED-crash-%d\","
                  + "\"request_id\":\"%s\",\"item_id\":\"item-%s\",\"attributes\":{\"test\":\"crash\"}}")
              .formatted(n, id, id);
      return new Request(id, Kind.ITEM_ERROR, 0, key, value);
    }
    int accounts = 1 + n % 3;
    String value =
        "{\"access_token\":\"access-sandbox-accounts%d-crash-%d\",\"request_id\":\"%s\",\"attributes\":{\"test\":\"crash\"}}"
            .formatted(accounts, n, id);
    return new Request(id, Kind.SUCCESS, accounts, key, value);
  }

  /** Five topic names no other test uses, e.g. {@code requests-crash-1a2b3c4d}. */
  static Topics uniqueTopics(String prefix) {
    String suffix = TestClients.uniqueName(prefix);
    return new Topics(
        "requests-" + suffix,
        "accounts-" + suffix,
        "items-" + suffix,
        "item-errors-" + suffix,
        "dlq-" + suffix);
  }

  /**
   * Creates the job's topics as the job would ({@code items} compacted), before the feed is
   * produced.
   */
  static void createTopics(LocalKafkaBroker broker, Topics topics, int partitions) {
    broker.createTopic(topics.requests(), partitions);
    broker.createTopic(topics.accounts(), partitions);
    broker.createTopic(topics.items(), partitions, LocalKafkaBroker.COMPACTED);
    broker.createTopic(topics.itemErrors(), partitions);
    broker.createTopic(topics.dlq(), partitions);
  }

  /**
   * Writes every request to {@code topic} (idempotent producer, {@code acks=all}) and waits for the
   * acks.
   */
  void produce(String bootstrapServers, String topic) {
    try (KafkaProducer<String, String> producer = TestClients.producer(bootstrapServers)) {
      List<Future<RecordMetadata>> acks = new ArrayList<>(requests.size());
      for (Request request : requests) {
        acks.add(producer.send(new ProducerRecord<>(topic, request.key(), request.value())));
      }
      for (Future<RecordMetadata> ack : acks) {
        ack.get();
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException("producing the feed failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while producing the feed", e);
    }
  }

  List<Request> requests() {
    return requests;
  }

  Optional<Request> request(String requestId) {
    return Optional.ofNullable(byId.get(requestId));
  }

  /** The request whose original value a DLQ record carries. */
  Optional<String> malformedRequestId(String dlqValue) {
    return Optional.ofNullable(malformedIdByValue.get(dlqValue));
  }

  /** Request ids that must yield exactly one Item status: successes and Item errors. */
  Set<String> expectedItems() {
    return ids(Kind.SUCCESS, Kind.ITEM_ERROR);
  }

  Set<String> expectedItemErrors() {
    return ids(Kind.ITEM_ERROR);
  }

  Set<String> expectedDeadLetters() {
    return ids(Kind.MALFORMED);
  }

  Set<String> successes() {
    return ids(Kind.SUCCESS);
  }

  int expectedAccountRecords() {
    return requests.stream().mapToInt(Request::accounts).sum();
  }

  String describe() {
    return requests.size()
        + " requests: "
        + successes().size()
        + " successes ("
        + expectedAccountRecords()
        + " accounts), "
        + expectedItemErrors().size()
        + " Item errors, "
        + expectedDeadLetters().size()
        + " malformed";
  }

  private Set<String> ids(Kind... kinds) {
    if (kinds.length == 1) {
      return idsByKind.get(kinds[0]);
    }
    Set<String> ids = new TreeSet<>();
    for (Kind kind : kinds) {
      ids.addAll(idsByKind.get(kind));
    }
    return ids;
  }

  /**
   * The job's settings for a run against {@code bootstrapServers} and the emulator at {@code
   * plaidUrl}: a new application id from {@code name}, short session timeouts (a restarted broker
   * or job regroups quickly), {@code inFlight} calls, the topics.
   */
  static Map<String, String> jobSettings(
      String bootstrapServers,
      String plaidUrl,
      String name,
      Path stateDir,
      Topics topics,
      int partitions,
      int inFlight) {
    Map<String, String> props = new HashMap<>();
    props.put("bootstrap.servers", bootstrapServers);
    props.put("application.id", TestClients.uniqueName(name + "-app"));
    props.put("state.dir", stateDir.toString());
    props.put("session.timeout.ms", "6000");
    props.put("heartbeat.interval.ms", "1000");
    props.put(AppConfig.PLAID_BASE_URL_CONFIG, plaidUrl);
    props.put(AppConfig.PLAID_CLIENT_ID_CONFIG, name + "-client");
    props.put(AppConfig.PLAID_SECRET_CONFIG, name + "-secret");
    props.put(AppConfig.PLAID_MAX_IN_FLIGHT_CONFIG, Integer.toString(inFlight));
    props.put(AppConfig.TOPICS_PARTITIONS_CONFIG, Integer.toString(partitions));
    props.put(AppConfig.TOPIC_REQUESTS_CONFIG, topics.requests());
    props.put(AppConfig.TOPIC_ACCOUNTS_CONFIG, topics.accounts());
    props.put(AppConfig.TOPIC_ITEMS_CONFIG, topics.items());
    props.put(AppConfig.TOPIC_ITEM_ERRORS_CONFIG, topics.itemErrors());
    props.put(AppConfig.TOPIC_DLQ_CONFIG, topics.dlq());
    return props;
  }
}
