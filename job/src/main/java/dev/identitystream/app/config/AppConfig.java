package dev.identitystream.app.config;

import dev.identitystream.topology.OutputLimits;
import dev.identitystream.topology.StageSettings;
import dev.identitystream.topology.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The job's own settings, declared with Kafka's {@link ConfigDef}. Every other key of the
 * properties file is a Kafka key and passes straight through to Kafka Streams (and its clients).
 *
 * <p>App keys are those starting with {@code plaid.}, {@code input.}, {@code stage.}, {@code
 * metrics.}, {@code topics.} or {@code cassette.}, plus the six {@code topic.<name>} keys. An
 * unknown app key fails at start with a message naming it. Other {@code topic.*} keys are Kafka
 * Streams' own prefix for internal-topic settings and pass through.
 */
public final class AppConfig extends AbstractConfig {

  public static final String TOPIC_REQUESTS_CONFIG = "topic.requests";
  public static final String TOPIC_ACCOUNTS_CONFIG = "topic.accounts";
  public static final String TOPIC_ITEMS_CONFIG = "topic.items";
  public static final String TOPIC_ITEM_ERRORS_CONFIG = "topic.item-errors";
  public static final String TOPIC_DLQ_CONFIG = "topic.dlq";
  public static final String TOPIC_BULK_REQUESTS_CONFIG = "topic.backfill-requests";
  private static final String TOPIC_BULK_REQUESTS_DOC =
      "Name of the bulk input topic (backfills): same contract as topic.requests, read by the same"
          + " topology at lower priority; enqueue and backfill use it by default. Unset, it is named"
          + " after topic.requests (x-requests: x-backfill-requests).";
  private static final String TOPIC_DOC = "Name of the %s topic.";

  public static final String TOPICS_CREATE_CONFIG = "topics.create";
  private static final String TOPICS_CREATE_DOC =
      "Create missing topics at start (identity-items compacted). When false, or when the"
          + " principal may not create them, start fails naming the missing topics.";
  public static final String TOPICS_PARTITIONS_CONFIG = "topics.partitions";
  private static final String TOPICS_PARTITIONS_DOC = "Partitions of topics this job creates.";
  public static final String TOPICS_REPLICATION_CONFIG = "topics.replication.factor";
  private static final String TOPICS_REPLICATION_DOC =
      "Replication factor of topics this job creates; -1 uses the broker default.";

  public static final String PLAID_ENV_CONFIG = "plaid.env";
  private static final String PLAID_ENV_DOC = "Plaid environment: sandbox or production.";
  public static final String PLAID_BASE_URL_CONFIG = "plaid.base.url";
  private static final String PLAID_BASE_URL_DOC =
      "Base URL that overrides plaid.env (e.g. the emulator). Plain http:// only to loopback.";
  public static final String PLAID_CLIENT_ID_CONFIG = "plaid.client.id";
  private static final String PLAID_CLIENT_ID_DOC =
      "Plaid client id. Prefer the PLAID_CLIENT_ID environment variable.";
  public static final String PLAID_SECRET_CONFIG = "plaid.secret";
  private static final String PLAID_SECRET_DOC =
      "Plaid secret. Prefer PLAID_SECRET; in a file, the file must be readable by its owner only.";
  public static final String PLAID_MAX_IN_FLIGHT_CONFIG = "plaid.max.in.flight";
  private static final String PLAID_MAX_IN_FLIGHT_DOC =
      "Plaid calls in flight per instance at most (the adaptive limit's ceiling).";
  public static final String PLAID_REQUESTS_PER_MINUTE_CONFIG = "plaid.requests.per.minute";
  private static final String PLAID_REQUESTS_PER_MINUTE_DOC =
      "Client-side rate limit of the whole application (all instances of one application.id),"
          + " attempts and retries included; each instance paces the share of its tasks among all"
          + " input partitions, re-computed at every rebalance. 0 turns it off.";
  public static final String PLAID_LIVE_RESERVE_PERCENT_CONFIG = "plaid.live.reserve.percent";
  private static final String PLAID_LIVE_RESERVE_PERCENT_DOC =
      "Part of the budget (rate, and in-flight slots) that bulk requests leave free for live ones"
          + " while live traffic runs; live requests are always dispatched first.";
  public static final String PLAID_CONCURRENCY_ADAPTIVE_CONFIG = "plaid.concurrency.adaptive";
  private static final String PLAID_CONCURRENCY_ADAPTIVE_DOC =
      "Adapt the calls in flight between plaid.concurrency.min and plaid.max.in.flight: back off on"
          + " Plaid's client-level RATE_LIMIT_EXCEEDED and timeouts, and on rising latency; grow"
          + " again when they stop. false keeps plaid.max.in.flight.";
  public static final String PLAID_CONCURRENCY_MIN_CONFIG = "plaid.concurrency.min";
  private static final String PLAID_CONCURRENCY_MIN_DOC =
      "Floor of the adaptive concurrency limit, per instance.";
  public static final String PLAID_ITEM_SPACING_MS_CONFIG = "plaid.item.rate.limit.spacing.ms";
  private static final String PLAID_ITEM_SPACING_MS_DOC =
      "After Plaid answers an Item-level rate limit (IDENTITY_LIMIT and kin), the least time between"
          + " two attempts for that Item during the next minute; 0 turns it off.";
  public static final String PLAID_TIMEOUT_MS_CONFIG = "plaid.timeout.ms";
  private static final String PLAID_TIMEOUT_MS_DOC = "Timeout of one HTTP attempt.";
  public static final String PLAID_DEADLINE_MS_CONFIG = "plaid.deadline.ms";
  private static final String PLAID_DEADLINE_MS_DOC =
      "Overall deadline of one request's attempts; when it passes on transient failures the"
          + " request goes to the DLQ with RETRIES_EXHAUSTED.";
  public static final String PLAID_HTTP_CLIENT_CONFIG = "plaid.http.client";
  private static final String PLAID_HTTP_CLIENT_DOC =
      "HTTP client under the Plaid client: apache (Apache HttpClient 5 async, the default: about a"
          + " third of the JDK client's CPU per call) or jdk (java.net.http.HttpClient).";
  public static final String PLAID_HTTP_IO_THREADS_CONFIG = "plaid.http.io.threads";
  private static final String PLAID_HTTP_IO_THREADS_DOC =
      "Threads of the HTTP client that read and parse Plaid's answers (Apache's I/O reactor threads; the"
          + " executor threads of the jdk client). Two keep up with several thousand calls per second.";
  public static final String PLAID_MAX_RESPONSE_BYTES_CONFIG = "plaid.max.response.bytes";
  private static final String PLAID_MAX_RESPONSE_BYTES_DOC = "Largest response body read.";

  public static final String PLAID_RETRY_MAX_ATTEMPTS_CONFIG = "plaid.retry.max.attempts";
  private static final String PLAID_RETRY_MAX_ATTEMPTS_DOC =
      "Most HTTP attempts per request (transient failures only are retried).";
  public static final String PLAID_RETRY_BACKOFF_MS_CONFIG = "plaid.retry.backoff.ms";
  private static final String PLAID_RETRY_BACKOFF_MS_DOC =
      "Base of the exponential backoff with full jitter between attempts.";
  public static final String PLAID_RETRY_BACKOFF_MAX_MS_CONFIG = "plaid.retry.backoff.max.ms";
  private static final String PLAID_RETRY_BACKOFF_MAX_MS_DOC = "Cap of one backoff wait.";
  public static final String PLAID_BREAKER_FAILURE_RATE_CONFIG = "plaid.breaker.failure.rate";
  private static final String PLAID_BREAKER_FAILURE_RATE_DOC =
      "Percentage of transient failures over the last calls that opens the circuit breaker.";
  public static final String PLAID_BREAKER_OPEN_MS_CONFIG = "plaid.breaker.open.ms";
  private static final String PLAID_BREAKER_OPEN_MS_DOC =
      "How long the breaker stays open before probing; requests wait meanwhile (nothing is dropped).";

  public static final String PLAID_CLIENT_ERROR_PROBE_MS_CONFIG = "plaid.client.error.probe.ms";
  private static final String PLAID_CLIENT_ERROR_PROBE_MS_DOC =
      "While Plaid refuses this job's client (bad keys, plan, product access, a wrong base URL) every"
          + " call is paused, requests stay pending and readiness is down; one waiting request is"
          + " sent again this often, and any other answer resumes every call.";

  public static final String STAGE_MAX_PENDING_CONFIG = "stage.max.pending.per.task";
  private static final String STAGE_MAX_PENDING_DOC =
      "Pending requests per task before process() waits (backpressure).";
  public static final String STAGE_MAX_BLOCK_MS_CONFIG = "stage.max.block.ms";
  private static final String STAGE_MAX_BLOCK_MS_DOC =
      "Longest a stream thread waits for room (backpressure) in total between two polls, however"
          + " many full tasks it runs; then records are admitted durably anyway so the thread returns"
          + " to poll() in time. At most a quarter of max.poll.interval.ms and (exactly_once_v2) of"
          + " the producer's transaction.timeout.ms; 0 is refused (it would turn backpressure off).";
  public static final String STAGE_DRAIN_INTERVAL_MS_CONFIG = "stage.drain.interval.ms";
  private static final String STAGE_DRAIN_INTERVAL_MS_DOC =
      "Wall-clock period of the punctuator that forwards completed calls.";
  public static final String STAGE_STORE_CONFIG = "stage.store";
  private static final String STAGE_STORE_DOC =
      "Pending store: rocksdb (on disk) or memory; both are changelogged.";
  public static final String INPUT_MAX_RECORD_BYTES_CONFIG = "input.max.record.bytes";
  private static final String INPUT_MAX_RECORD_BYTES_DOC =
      "Largest input record (key plus value); larger ones go to the DLQ (RECORD_TOO_LARGE).";

  public static final String METRICS_PORT_CONFIG = "metrics.port";
  private static final String METRICS_PORT_DOC =
      "Port of the HTTP endpoint (/metrics, /health/live, /health/ready); 0 picks a free port,"
          + " -1 turns the endpoint off.";
  public static final String METRICS_BIND_ADDRESS_CONFIG = "metrics.bind.address";
  private static final String METRICS_BIND_ADDRESS_DOC =
      "Address the HTTP endpoint binds to. The default serves this machine only; set 0.0.0.0"
          + " (e.g. in a container) for a Prometheus scraper or probes from elsewhere.";

  public static final String CASSETTE_KEY_CONFIG = "cassette.key";
  private static final String CASSETTE_KEY_DOC =
      "Secret key of the request fingerprints in record/replay cassettes (HMAC-SHA256, at least 16"
          + " characters). Prefer the PIS_CASSETTE_KEY environment variable; never a flag.";

  /** Keys of ours that are not Kafka keys. */
  private static final List<String> APP_PREFIXES =
      List.of("plaid.", "input.", "stage.", "metrics.", "topics.", "cassette.");

  public static final ConfigDef DEFINITION =
      new ConfigDef()
          .define(
              TOPIC_REQUESTS_CONFIG,
              Type.STRING,
              Topics.DEFAULTS.requests(),
              new ConfigDef.NonEmptyString(),
              Importance.HIGH,
              TOPIC_DOC.formatted("input"))
          .define(
              TOPIC_ACCOUNTS_CONFIG,
              Type.STRING,
              Topics.DEFAULTS.accounts(),
              new ConfigDef.NonEmptyString(),
              Importance.HIGH,
              TOPIC_DOC.formatted("per-account output"))
          .define(
              TOPIC_ITEMS_CONFIG,
              Type.STRING,
              Topics.DEFAULTS.items(),
              new ConfigDef.NonEmptyString(),
              Importance.HIGH,
              TOPIC_DOC.formatted("Item status (compacted)"))
          .define(
              TOPIC_ITEM_ERRORS_CONFIG,
              Type.STRING,
              Topics.DEFAULTS.itemErrors(),
              new ConfigDef.NonEmptyString(),
              Importance.HIGH,
              TOPIC_DOC.formatted("Item-error"))
          .define(
              TOPIC_DLQ_CONFIG,
              Type.STRING,
              Topics.DEFAULTS.dlq(),
              new ConfigDef.NonEmptyString(),
              Importance.HIGH,
              TOPIC_DOC.formatted("dead-letter"))
          .define(
              TOPIC_BULK_REQUESTS_CONFIG,
              Type.STRING,
              Topics.DEFAULTS.bulkRequests(),
              new ConfigDef.NonEmptyString(),
              Importance.HIGH,
              TOPIC_BULK_REQUESTS_DOC)
          .define(TOPICS_CREATE_CONFIG, Type.BOOLEAN, true, Importance.MEDIUM, TOPICS_CREATE_DOC)
          .define(
              TOPICS_PARTITIONS_CONFIG,
              Type.INT,
              6,
              Range.atLeast(1),
              Importance.LOW,
              TOPICS_PARTITIONS_DOC)
          .define(
              TOPICS_REPLICATION_CONFIG,
              Type.SHORT,
              (short) -1,
              Importance.LOW,
              TOPICS_REPLICATION_DOC)
          .define(
              PLAID_ENV_CONFIG,
              Type.STRING,
              "sandbox",
              ValidString.in("sandbox", "production"),
              Importance.HIGH,
              PLAID_ENV_DOC)
          .define(PLAID_BASE_URL_CONFIG, Type.STRING, "", Importance.HIGH, PLAID_BASE_URL_DOC)
          .define(PLAID_CLIENT_ID_CONFIG, Type.STRING, "", Importance.HIGH, PLAID_CLIENT_ID_DOC)
          .define(PLAID_SECRET_CONFIG, Type.PASSWORD, "", Importance.HIGH, PLAID_SECRET_DOC)
          .define(
              PLAID_MAX_IN_FLIGHT_CONFIG,
              Type.INT,
              256,
              Range.between(1, 100_000),
              Importance.HIGH,
              PLAID_MAX_IN_FLIGHT_DOC)
          .define(
              PLAID_REQUESTS_PER_MINUTE_CONFIG,
              Type.INT,
              0,
              Range.atLeast(0),
              Importance.HIGH,
              PLAID_REQUESTS_PER_MINUTE_DOC)
          .define(
              PLAID_LIVE_RESERVE_PERCENT_CONFIG,
              Type.INT,
              20,
              Range.between(0, 100),
              Importance.MEDIUM,
              PLAID_LIVE_RESERVE_PERCENT_DOC)
          .define(
              PLAID_CONCURRENCY_ADAPTIVE_CONFIG,
              Type.BOOLEAN,
              true,
              Importance.MEDIUM,
              PLAID_CONCURRENCY_ADAPTIVE_DOC)
          .define(
              PLAID_CONCURRENCY_MIN_CONFIG,
              Type.INT,
              4,
              Range.between(1, 100_000),
              Importance.LOW,
              PLAID_CONCURRENCY_MIN_DOC)
          .define(
              PLAID_ITEM_SPACING_MS_CONFIG,
              Type.LONG,
              4_000L,
              Range.atLeast(0),
              Importance.LOW,
              PLAID_ITEM_SPACING_MS_DOC)
          .define(
              PLAID_TIMEOUT_MS_CONFIG,
              Type.LONG,
              10_000L,
              Range.atLeast(1),
              Importance.MEDIUM,
              PLAID_TIMEOUT_MS_DOC)
          .define(
              PLAID_DEADLINE_MS_CONFIG,
              Type.LONG,
              120_000L,
              Range.atLeast(1),
              Importance.MEDIUM,
              PLAID_DEADLINE_MS_DOC)
          .define(
              PLAID_HTTP_CLIENT_CONFIG,
              Type.STRING,
              "apache",
              ValidString.in("apache", "jdk"),
              Importance.LOW,
              PLAID_HTTP_CLIENT_DOC)
          .define(
              PLAID_HTTP_IO_THREADS_CONFIG,
              Type.INT,
              2,
              Range.between(1, 64),
              Importance.LOW,
              PLAID_HTTP_IO_THREADS_DOC)
          .define(
              PLAID_MAX_RESPONSE_BYTES_CONFIG,
              Type.INT,
              2 * 1024 * 1024,
              Range.atLeast(1024),
              Importance.LOW,
              PLAID_MAX_RESPONSE_BYTES_DOC)
          .define(
              PLAID_RETRY_MAX_ATTEMPTS_CONFIG,
              Type.INT,
              10,
              Range.atLeast(1),
              Importance.MEDIUM,
              PLAID_RETRY_MAX_ATTEMPTS_DOC)
          .define(
              PLAID_RETRY_BACKOFF_MS_CONFIG,
              Type.LONG,
              200L,
              Range.atLeast(1),
              Importance.LOW,
              PLAID_RETRY_BACKOFF_MS_DOC)
          .define(
              PLAID_RETRY_BACKOFF_MAX_MS_CONFIG,
              Type.LONG,
              10_000L,
              Range.atLeast(1),
              Importance.LOW,
              PLAID_RETRY_BACKOFF_MAX_MS_DOC)
          .define(
              PLAID_BREAKER_FAILURE_RATE_CONFIG,
              Type.DOUBLE,
              50.0,
              Range.between(1, 100),
              Importance.LOW,
              PLAID_BREAKER_FAILURE_RATE_DOC)
          .define(
              PLAID_BREAKER_OPEN_MS_CONFIG,
              Type.LONG,
              30_000L,
              Range.atLeast(1),
              Importance.LOW,
              PLAID_BREAKER_OPEN_MS_DOC)
          .define(
              PLAID_CLIENT_ERROR_PROBE_MS_CONFIG,
              Type.LONG,
              30_000L,
              Range.atLeast(1),
              Importance.LOW,
              PLAID_CLIENT_ERROR_PROBE_MS_DOC)
          .define(
              STAGE_MAX_PENDING_CONFIG,
              Type.INT,
              2048,
              Range.atLeast(1),
              Importance.MEDIUM,
              STAGE_MAX_PENDING_DOC)
          .define(
              STAGE_MAX_BLOCK_MS_CONFIG,
              Type.LONG,
              1_000L,
              Range.atLeast(1),
              Importance.LOW,
              STAGE_MAX_BLOCK_MS_DOC)
          .define(
              STAGE_DRAIN_INTERVAL_MS_CONFIG,
              Type.LONG,
              2L,
              Range.atLeast(1),
              Importance.LOW,
              STAGE_DRAIN_INTERVAL_MS_DOC)
          .define(
              STAGE_STORE_CONFIG,
              Type.STRING,
              "rocksdb",
              ValidString.in("rocksdb", "memory"),
              Importance.LOW,
              STAGE_STORE_DOC)
          .define(
              INPUT_MAX_RECORD_BYTES_CONFIG,
              Type.INT,
              1024 * 1024,
              Range.atLeast(64),
              Importance.MEDIUM,
              INPUT_MAX_RECORD_BYTES_DOC)
          .define(
              METRICS_PORT_CONFIG,
              Type.INT,
              9464,
              Range.between(-1, 65_535),
              Importance.MEDIUM,
              METRICS_PORT_DOC)
          .define(
              METRICS_BIND_ADDRESS_CONFIG,
              Type.STRING,
              "127.0.0.1",
              new ConfigDef.NonEmptyString(),
              Importance.MEDIUM,
              METRICS_BIND_ADDRESS_DOC)
          .define(CASSETTE_KEY_CONFIG, Type.PASSWORD, "", Importance.LOW, CASSETTE_KEY_DOC);

  private static final Set<String> TOPIC_KEYS =
      Set.of(
          TOPIC_REQUESTS_CONFIG,
          TOPIC_ACCOUNTS_CONFIG,
          TOPIC_ITEMS_CONFIG,
          TOPIC_ITEM_ERRORS_CONFIG,
          TOPIC_DLQ_CONFIG,
          TOPIC_BULK_REQUESTS_CONFIG);

  private final Map<String, Object> kafkaProps;

  /**
   * @param merged every key, app and Kafka, after layering (file, environment, flags)
   * @throws ConfigException naming the first unknown app key or invalid value
   */
  public AppConfig(Map<String, ?> merged) {
    super(DEFINITION, appKeys(merged), false);
    this.kafkaProps = kafkaKeys(merged);
  }

  /** Whether a key belongs to the job rather than to Kafka. */
  public static boolean isAppKey(String key) {
    // Kafka's own metrics.* keys (metrics.recording.level, ...) share a prefix with ours.
    return TOPIC_KEYS.contains(key)
        || (APP_PREFIXES.stream().anyMatch(key::startsWith) && !KafkaKeys.isKafkaKey(key));
  }

  private static Map<String, Object> appKeys(Map<String, ?> merged) {
    Map<String, Object> app = new HashMap<>();
    for (Map.Entry<String, ?> entry : merged.entrySet()) {
      if (isAppKey(entry.getKey())) {
        if (!DEFINITION.names().contains(entry.getKey())) {
          String hint =
              KafkaKeys.suggest(entry.getKey(), DEFINITION.names())
                  .map(near -> "; did you mean " + near + "?")
                  .orElse(
                      "; the job's settings are "
                          + new TreeMap<>(DEFINITION.configKeys()).keySet());
          throw new ConfigException("Unknown setting '" + entry.getKey() + "'" + hint);
        }
        app.put(entry.getKey(), entry.getValue());
      }
    }
    return app;
  }

  private static Map<String, Object> kafkaKeys(Map<String, ?> merged) {
    Map<String, Object> kafka = new HashMap<>();
    merged.forEach(
        (key, value) -> {
          if (!isAppKey(key)) {
            kafka.put(key, value);
          }
        });
    return kafka;
  }

  /** The Kafka keys, untouched (defaults for the job are applied by the runner). */
  public Map<String, Object> kafkaProps() {
    return Map.copyOf(kafkaProps);
  }

  public Topics topics() {
    return new Topics(
        getString(TOPIC_REQUESTS_CONFIG),
        getString(TOPIC_ACCOUNTS_CONFIG),
        getString(TOPIC_ITEMS_CONFIG),
        getString(TOPIC_ITEM_ERRORS_CONFIG),
        getString(TOPIC_DLQ_CONFIG),
        // Unset, the bulk topic is named after the live one (the default for the default).
        originals().containsKey(TOPIC_BULK_REQUESTS_CONFIG)
            ? getString(TOPIC_BULK_REQUESTS_CONFIG)
            : Topics.bulkNameFor(getString(TOPIC_REQUESTS_CONFIG)));
  }

  /** Room for the fields around the largest answer or input in one output record. */
  static final int RECORD_ENVELOPE_BYTES = 64 * 1024;

  /**
   * The job's default {@code max.request.size} and {@code max.message.bytes} (for the topics it
   * creates and the changelog): the larger of {@code plaid.max.response.bytes} and {@code
   * input.max.record.bytes}, plus {@link #RECORD_ENVELOPE_BYTES}, so that whatever the stage
   * accepts it can also write.
   */
  public int defaultMaxRecordBytes() {
    return Math.max(getInt(PLAID_MAX_RESPONSE_BYTES_CONFIG), getInt(INPUT_MAX_RECORD_BYTES_CONFIG))
        + RECORD_ENVELOPE_BYTES;
  }

  /**
   * The producer's effective {@code max.request.size}: the user's, else {@link
   * #defaultMaxRecordBytes()}.
   */
  public int maxRequestSize() {
    for (String key :
        List.of(
            "producer." + ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
            ProducerConfig.MAX_REQUEST_SIZE_CONFIG)) {
      Object value = kafkaProps.get(key);
      if (value != null) {
        try {
          return Integer.parseInt(value.toString().trim());
        } catch (NumberFormatException e) {
          throw new ConfigException(key, value, "must be an integer");
        }
      }
    }
    return defaultMaxRecordBytes();
  }

  public StageSettings stageSettings() {
    return new StageSettings(
        topics(),
        getInt(PLAID_MAX_IN_FLIGHT_CONFIG),
        getInt(STAGE_MAX_PENDING_CONFIG),
        Duration.ofMillis(getLong(STAGE_MAX_BLOCK_MS_CONFIG)),
        Duration.ofMillis(getLong(STAGE_DRAIN_INTERVAL_MS_CONFIG)),
        getInt(INPUT_MAX_RECORD_BYTES_CONFIG),
        "rocksdb".equals(getString(STAGE_STORE_CONFIG)),
        new OutputLimits(maxRequestSize()),
        liveReserve());
  }

  /** {@code plaid.live.reserve.percent} as a fraction. */
  public double liveReserve() {
    return getInt(PLAID_LIVE_RESERVE_PERCENT_CONFIG) / 100.0;
  }

  public Password plaidSecret() {
    return getPassword(PLAID_SECRET_CONFIG);
  }

  public Password cassetteKey() {
    return getPassword(CASSETTE_KEY_CONFIG);
  }
}
