package dev.identitystream.app;

import dev.identitystream.plaid.PlaidClient;
import dev.identitystream.topology.IdentityTopology;
import dev.identitystream.topology.StageMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streaming job's lifecycle: topics checked (or created), Kafka Streams started with the
 * job's defaults under the user's Kafka keys, and a clean close that leaves in-flight requests
 * pending in the store (the next start calls them again).
 *
 * <p>Threading: start and close from one thread (the CLI's); {@link #awaitTermination} from any.
 */
public final class StreamingJob implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StreamingJob.class);
  public static final String DEFAULT_APPLICATION_ID = "plaid-identity-stream";
  static final int DEFAULT_PRODUCER_BATCH_BYTES = 128 * 1024;

  private final AppConfig config;
  private final PlaidClient client;
  private final KafkaStreams streams;
  private final IdentityTopology.Built built;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile Throwable fatal;

  public StreamingJob(AppConfig config, PlaidClient client, Clock clock) {
    this(config, client, clock, StageMetrics.NONE);
  }

  /** As {@link #StreamingJob(AppConfig, PlaidClient, Clock)}, the call stage reporting to metrics. */
  public StreamingJob(AppConfig config, PlaidClient client, Clock clock, StageMetrics metrics) {
    this.config = config;
    this.client = client;
    this.built = IdentityTopology.buildWithLimiter(config.stageSettings(), client, clock, metrics);
    this.streams = new KafkaStreams(built.topology(), streamsProperties(config));
  }

  /** Kafka Streams properties: the job's defaults, then every Kafka key of the configuration. */
  public static Properties streamsProperties(AppConfig config) {
    Map<String, Object> props = new HashMap<>();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, DEFAULT_APPLICATION_ID);
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    // Completed calls are drained by a wall-clock punctuator; a short poll keeps it timely when idle.
    props.put(StreamsConfig.POLL_MS_CONFIG, 10L);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.putAll(config.kafkaProps());
    // Eleven output records per call: 128 KiB batches (not 16 KiB) cut the broker's and the
    // producer's CPU per record by about a third in bench/run.sh. A prefixed key would win over a
    // user's plain batch.size, so the default applies only when the user set neither.
    String producerBatchSize = StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG);
    if (!props.containsKey(ProducerConfig.BATCH_SIZE_CONFIG) && !props.containsKey(producerBatchSize)) {
      props.put(producerBatchSize, DEFAULT_PRODUCER_BATCH_BYTES);
    }
    Properties properties = new Properties();
    properties.putAll(props);
    return properties;
  }

  /** The configuration's Kafka keys that an Admin client accepts. */
  public static Map<String, Object> adminProps(AppConfig config) {
    Map<String, Object> adminProps = new HashMap<>(config.kafkaProps());
    adminProps.keySet().retainAll(AdminClientConfig.configNames());
    return adminProps;
  }

  /** Checks the job's topics, creating missing ones when {@code topics.create} allows. */
  public static void ensureTopics(AppConfig config) {
    TopicManager.ensure(
        adminProps(config),
        config.topics(),
        config.getBoolean(AppConfig.TOPICS_CREATE_CONFIG),
        config.getInt(AppConfig.TOPICS_PARTITIONS_CONFIG),
        config.getShort(AppConfig.TOPICS_REPLICATION_CONFIG));
  }

  /**
   * Checks that Kafka answers (within {@link KafkaReachability#TIMEOUT}), checks or creates the
   * topics, says when the group still holds members of a previous start, then starts Kafka Streams.
   */
  public void start() {
    ensureTopics(config);
    Map<String, Object> streamsProps = new HashMap<>();
    streamsProperties(config).forEach((key, value) -> streamsProps.put(key.toString(), value));
    PreviousMembers.logIfAny(adminProps(config), streamsProps);
    streams.setUncaughtExceptionHandler(
        e -> {
          fatal = e;
          LOG.error("Stream thread failed; shutting the job down: {}", e.toString());
          return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    streams.setStateListener(
        (now, before) -> {
          LOG.info("Kafka Streams {} -> {}", before, now);
          if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
            stopped.countDown();
          }
        });
    streams.start();
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

  /** The error that stopped the job, or null. */
  public Throwable fatalError() {
    return fatal;
  }

  /**
   * Closes like {@link #close()} but also leaves the consumer group, so the next instance of the
   * same application (e.g. the next backfill) is assigned its tasks without waiting for this
   * member's session to time out.
   */
  public void closeAndLeaveGroup() {
    LOG.info("Stopping and leaving the group");
    streams.close(
        org.apache.kafka.streams.CloseOptions.timeout(Duration.ofSeconds(30))
            .withGroupMembershipOperation(org.apache.kafka.streams.CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
    client.close();
  }

  /**
   * Closes Kafka Streams (committing what is done) and then the Plaid client. The instance leaves
   * its group, so a restart (or another instance) is assigned its tasks at once instead of after
   * {@code session.timeout.ms}; a static member ({@code group.instance.id} set) stays, as static
   * membership intends.
   */
  @Override
  public void close() {
    LOG.info("Stopping: requests in flight stay pending and are called again on the next start");
    boolean staticMember = config.kafkaProps().keySet().stream().anyMatch(k -> k.endsWith(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG));
    streams.close(
        org.apache.kafka.streams.CloseOptions.timeout(Duration.ofSeconds(30))
            .withGroupMembershipOperation(staticMember
                ? org.apache.kafka.streams.CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP
                : org.apache.kafka.streams.CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
    client.close();
  }
}
