package dev.identitystream.app.job;

import dev.identitystream.app.ErrorText;
import dev.identitystream.app.config.AppConfig;
import dev.identitystream.plaid.PlaidClient;
import dev.identitystream.topology.IdentityTopology;
import dev.identitystream.topology.OutputLimits;
import dev.identitystream.topology.PollSignal;
import dev.identitystream.topology.StageMetrics;
import dev.identitystream.topology.StageSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streaming job's lifecycle: topics checked (or created), Kafka Streams started with the job's
 * defaults under the user's Kafka keys, and a clean close that leaves in-flight requests pending in
 * the store (the next start calls them again).
 *
 * <p>Threading: start and close from one thread (the CLI's); {@link #awaitTermination} from any.
 */
public final class StreamingJob implements AutoCloseable {

  /**
   * How long a stop waits for Kafka Streams to close (commit, leave the group). Whatever stops the
   * process must wait longer before killing it (docker-compose.yml's stop_grace_period).
   */
  public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private static final Logger LOG = LoggerFactory.getLogger(StreamingJob.class);
  public static final String DEFAULT_APPLICATION_ID = "plaid-identity-stream";
  static final int DEFAULT_PRODUCER_BATCH_BYTES = 128 * 1024;

  private final AppConfig config;
  private final PlaidClient client;
  private final KafkaStreams streams;
  private final StageSettings stage;
  private final IdentityTopology.Built built;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicBoolean closing = new AtomicBoolean();

  /** Reads the input partition count after rebalances, off Kafka Streams' threads. */
  private final java.util.concurrent.ExecutorService fleetRefresh =
      java.util.concurrent.Executors.newSingleThreadExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "fleet-share-refresh");
            thread.setDaemon(true);
            return thread;
          });

  private volatile Throwable fatal;
  private final ThreadFailurePolicy threadFailures =
      new ThreadFailurePolicy(error -> fatal = error);

  public StreamingJob(AppConfig config, PlaidClient client, Clock clock) {
    this(config, client, clock, StageMetrics.NONE);
  }

  /**
   * As {@link #StreamingJob(AppConfig, PlaidClient, Clock)}, the call stage reporting to metrics.
   */
  public StreamingJob(AppConfig config, PlaidClient client, Clock clock, StageMetrics metrics) {
    this.config = config;
    this.client = client;
    Properties properties = streamsProperties(config);
    checkStageTimings(config, properties);
    this.stage = config.stageSettings();
    this.built = IdentityTopology.build(stage, client, clock, metrics);
    this.streams =
        new KafkaStreams(
            built.topology(), properties, new GuardedClientSupplier(built.transactions()));
    client
        .controls()
        .ifPresent(
            controls -> {
              built.limiter().limitBy(controls.concurrency());
              controls.concurrency().countInFlight(built.limiter()::inFlight);
              controls.rate().ifPresent(rate -> built.fleet().onChange(rate::setShare));
            });
  }

  /**
   * Refuses a {@code stage.max.block.ms} that is not well under {@code max.poll.interval.ms} and,
   * under {@code exactly_once_v2}, the producer's {@code transaction.timeout.ms}: the stage may
   * hold the stream thread that long between two polls, inside an open transaction.
   *
   * @throws ConfigException naming the keys and values
   */
  public static void checkStageTimings(AppConfig config, Properties properties) {
    long maxBlock = config.getLong(AppConfig.STAGE_MAX_BLOCK_MS_CONFIG);
    Properties probe = new Properties();
    probe.putAll(properties);
    probe.putIfAbsent(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    StreamsConfig streamsConfig = new StreamsConfig(probe);
    Object pollInterval =
        streamsConfig
            .getMainConsumerConfigs("probe", "probe", 0)
            .get(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG);
    long maxPollInterval =
        pollInterval == null ? 300_000L : Long.parseLong(pollInterval.toString());
    if (maxBlock > maxPollInterval / 4) {
      throw new ConfigException(
          AppConfig.STAGE_MAX_BLOCK_MS_CONFIG
              + "="
              + maxBlock
              + " must be at most a quarter of "
              + ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG
              + " ("
              + maxPollInterval
              + "), or the instance may be"
              + " evicted from its group while the stage waits");
    }
    if (!StreamsConfig.AT_LEAST_ONCE.equals(
        streamsConfig.getString(StreamsConfig.PROCESSING_GUARANTEE_CONFIG))) {
      Object timeout =
          streamsConfig.getProducerConfigs("probe").get(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG);
      long transactionTimeout = timeout == null ? 60_000L : Long.parseLong(timeout.toString());
      if (maxBlock > transactionTimeout / 4) {
        throw new ConfigException(
            AppConfig.STAGE_MAX_BLOCK_MS_CONFIG
                + "="
                + maxBlock
                + " must be at most a quarter of the producer's "
                + ProducerConfig.TRANSACTION_TIMEOUT_CONFIG
                + " ("
                + transactionTimeout
                + " under "
                + StreamsConfig.EXACTLY_ONCE_V2
                + "), or a transaction may time out while the stage waits");
      }
    }
  }

  /** Kafka Streams properties: the job's defaults, then every Kafka key of the configuration. */
  public static Properties streamsProperties(AppConfig config) {
    Map<String, Object> props = new HashMap<>();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, DEFAULT_APPLICATION_ID);
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    // Completed calls are drained by a wall-clock punctuator; a short poll keeps it timely when
    // idle.
    props.put(StreamsConfig.POLL_MS_CONFIG, 2L);
    // A task reads both input topics; the stage orders a key's live and bulk requests itself, so a
    // task need not wait for an empty partition of the other topic to be fetched (Kafka Streams'
    // default, 0, makes live records wait while bulk records are fetched). Disabled idling also
    // skips the log strings Kafka Streams 4.4 formats per record while a partition is empty.
    props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.putAll(config.kafkaProps());
    // Eleven output records per call: 128 KiB batches (not 16 KiB) cut the broker's and the
    // producer's CPU per record by about a third in bench/run.sh. A prefixed key would win over a
    // user's plain batch.size, so the default applies only when the user set neither.
    String producerBatchSize = StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG);
    if (!props.containsKey(ProducerConfig.BATCH_SIZE_CONFIG)
        && !props.containsKey(producerBatchSize)) {
      props.put(producerBatchSize, DEFAULT_PRODUCER_BATCH_BYTES);
    }
    // Whatever the stage accepts (an answer up to plaid.max.response.bytes, an input up to
    // input.max.record.bytes) it can also write: to the output topics and to the changelog.
    String maxRequestSize = StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
    if (!props.containsKey(ProducerConfig.MAX_REQUEST_SIZE_CONFIG)
        && !props.containsKey(maxRequestSize)) {
      props.put(maxRequestSize, config.defaultMaxRecordBytes());
    }
    props.putIfAbsent(
        StreamsConfig.topicPrefix(TopicConfig.MAX_MESSAGE_BYTES_CONFIG),
        config.defaultMaxRecordBytes());
    addPollSignal(props);
    Properties properties = new Properties();
    properties.putAll(props);
    return properties;
  }

  /**
   * Adds {@link PollSignal} to the main consumer's interceptors (after the user's, wherever they
   * set them): the stage's wait budget is renewed by it.
   */
  private static void addPollSignal(Map<String, Object> props) {
    String key = ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG;
    String mainKey = StreamsConfig.mainConsumerPrefix(key);
    Object user = props.get(mainKey);
    if (user == null) {
      user = props.get(StreamsConfig.consumerPrefix(key));
    }
    if (user == null) {
      user = props.get(key);
    }
    List<String> classes = new ArrayList<>();
    if (user instanceof List<?> list) {
      list.forEach(
          c -> classes.add(c instanceof Class<?> type ? type.getName() : c.toString().trim()));
    } else if (user != null) {
      for (String name : user.toString().split(",")) {
        if (!name.isBlank()) {
          classes.add(name.trim());
        }
      }
    }
    if (!classes.contains(PollSignal.class.getName())) {
      classes.add(PollSignal.class.getName());
    }
    props.put(mainKey, String.join(",", classes));
  }

  /** The configuration's Kafka keys that an Admin client accepts. */
  public static Map<String, Object> adminProps(AppConfig config) {
    Map<String, Object> adminProps = new HashMap<>(config.kafkaProps());
    adminProps.keySet().retainAll(AdminClientConfig.configNames());
    return adminProps;
  }

  /**
   * Checks the job's topics, creating missing ones when {@code topics.create} allows.
   *
   * @return the {@code max.message.bytes} of each existing topic (outputs and the changelog)
   */
  public static Map<String, Integer> ensureTopics(AppConfig config) {
    return TopicManager.ensure(
        adminProps(config),
        config.topics(),
        new TopicManager.Creation(
            config.getBoolean(AppConfig.TOPICS_CREATE_CONFIG),
            config.getInt(AppConfig.TOPICS_PARTITIONS_CONFIG),
            config.getShort(AppConfig.TOPICS_REPLICATION_CONFIG),
            config.defaultMaxRecordBytes()),
        StageSettings.changelogTopic(applicationId(config)));
  }

  private static String applicationId(AppConfig config) {
    return String.valueOf(
        config
            .kafkaProps()
            .getOrDefault(StreamsConfig.APPLICATION_ID_CONFIG, DEFAULT_APPLICATION_ID));
  }

  /**
   * Checks that Kafka answers (within {@link KafkaReachability#TIMEOUT}), checks or creates the
   * topics, says when the group still holds members of a previous start, then starts Kafka Streams.
   */
  public void start() {
    Map<String, Integer> topicLimits = new HashMap<>(ensureTopics(config));
    // A changelog that does not exist yet is created by Kafka Streams with topic.max.message.bytes.
    String changelog = StageSettings.changelogTopic(applicationId(config));
    Object internal =
        streamsProperties(config)
            .get(StreamsConfig.topicPrefix(TopicConfig.MAX_MESSAGE_BYTES_CONFIG));
    if (!topicLimits.containsKey(changelog) && internal != null) {
      topicLimits.put(changelog, Integer.parseInt(internal.toString().trim()));
    }
    OutputLimits limits = stage.outputLimits();
    topicLimits.forEach(limits::topicLimit);
    topicLimits.forEach(
        (topic, bytes) -> {
          if (bytes < config.maxRequestSize()) {
            LOG.warn(
                "Topic {} accepts records up to {} bytes (max.message.bytes), less than the job may write ({},"
                    + " max.request.size): larger outputs go to the DLQ as OUTPUT_TOO_LARGE",
                topic,
                bytes,
                config.maxRequestSize());
          }
        });
    Map<String, Object> streamsProps = new HashMap<>();
    streamsProperties(config).forEach((key, value) -> streamsProps.put(key.toString(), value));
    PreviousMembers.logIfAny(adminProps(config), streamsProps);
    streams.setUncaughtExceptionHandler(threadFailures);
    refreshInputPartitions();
    streams.setStateListener(
        (now, before) -> {
          LOG.info("Kafka Streams {} -> {}", before, now);
          if (now == KafkaStreams.State.RUNNING) {
            fleetRefresh.execute(this::refreshInputPartitions); // partitions may have been added
          }
          if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
            stopped.countDown();
            fleetRefresh.shutdown();
          }
        });
    streams.start();
  }

  /**
   * Tells the fleet share how many input partitions (so stage tasks) the application has: at start
   * and after each rebalance. A failure keeps the last count (the share then rests on the highest
   * task partition seen, see {@code FleetShare}).
   */
  private void refreshInputPartitions() {
    try (org.apache.kafka.clients.admin.Admin admin =
        KafkaReachability.createAdmin(adminProps(config))) {
      built.fleet().inputPartitions(TopicManager.inputPartitions(admin, config.topics()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.warn(
          "Could not read the input topics' partition counts for the fleet share: {}",
          ErrorText.describe(e));
    }
  }

  public KafkaStreams streams() {
    return streams;
  }

  public IdentityTopology.Built built() {
    return built;
  }

  /** Waits until the job stops by itself (a fatal error) or the timeout passes; true if stopped. */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Stream threads replaced after a transient Kafka error ({@link ThreadFailurePolicy}). */
  public long threadReplacements() {
    return threadFailures.replaced();
  }

  /** The error that stopped the job, or null. */
  public Throwable fatalError() {
    return fatal;
  }

  /**
   * Closes like {@link #close()} but also leaves the consumer group, so the next instance of the
   * same application (e.g. the next backfill) is assigned its tasks without waiting for this
   * member's session to time out. Only the first of these two closes does anything.
   */
  public void closeAndLeaveGroup() {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    LOG.info("Stopping and leaving the group");
    streams.close(
        org.apache.kafka.streams.CloseOptions.timeout(CLOSE_TIMEOUT)
            .withGroupMembershipOperation(
                org.apache.kafka.streams.CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
    closeClientIfStopped();
  }

  /**
   * Closes Kafka Streams (committing what is done) and then the Plaid client. The instance leaves
   * its group, so a restart (or another instance) is assigned its tasks at once instead of after
   * {@code session.timeout.ms}; a static member ({@code group.instance.id} set) stays, as static
   * membership intends.
   */
  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      return; // closed already (closeAndLeaveGroup)
    }
    LOG.info("Stopping: requests in flight stay pending and are called again on the next start");
    boolean staticMember =
        config.kafkaProps().keySet().stream()
            .anyMatch(k -> k.endsWith(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG));
    streams.close(
        org.apache.kafka.streams.CloseOptions.timeout(CLOSE_TIMEOUT)
            .withGroupMembershipOperation(
                staticMember
                    ? org.apache.kafka.streams.CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP
                    : org.apache.kafka.streams.CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
    closeClientIfStopped();
  }

  /**
   * Closes the Plaid client once no stream thread can call it any more. If Kafka Streams did not
   * stop within its close timeout the client stays open (its threads are daemons): a call failing
   * because the client closed would only be called again, but there is no reason to provoke it.
   */
  private void closeClientIfStopped() {
    KafkaStreams.State state = streams.state();
    if (state == KafkaStreams.State.NOT_RUNNING
        || state == KafkaStreams.State.ERROR
        || state == KafkaStreams.State.CREATED) {
      client.close();
    } else {
      LOG.warn(
          "Kafka Streams is still {} after its close timeout; leaving the Plaid client open",
          state);
    }
  }
}
