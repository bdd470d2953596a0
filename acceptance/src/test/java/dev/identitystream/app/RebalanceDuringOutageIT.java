package dev.identitystream.app;

import static dev.identitystream.app.JobTestSupport.keyOf;
import static dev.identitystream.local.TestClients.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.identitystream.app.config.AppConfig;
import dev.identitystream.app.job.PlaidClients;
import dev.identitystream.app.job.StreamingJob;
import dev.identitystream.app.observability.JobMetrics;
import dev.identitystream.emulator.PlaidEmulator;
import dev.identitystream.local.KafkaBrokerExtension;
import dev.identitystream.plaid.HttpPlaidClient;
import dev.identitystream.plaid.PlaidClient;
import dev.identitystream.plaid.PlaidControls;
import dev.identitystream.plaid.PlaidRequest;
import dev.identitystream.plaid.PlaidResult;
import dev.identitystream.plaid.ResilientPlaidClient;
import dev.identitystream.topology.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.ThreadMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A rebalance during a Plaid outage: the first instance's calls wait on its open circuit breaker
 * when a second instance joins and takes some of its tasks. The calls of the tasks it gave away
 * must stop at once (no attempt for their requests after the tasks closed, slots back), so that
 * once Plaid is back the first instance works its remaining tasks with all its slots, and every
 * request completes exactly once.
 */
class RebalanceDuringOutageIT {

  private static final Logger LOG = LoggerFactory.getLogger(RebalanceDuringOutageIT.class);

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  private static final int KEYS = 40;
  private static final int PER_KEY = 15;
  private static final int TOTAL = KEYS * PER_KEY;
  private static final int PARTITIONS = 4;
  private static final int SLOTS = 8;

  /** Grace for an attempt that was already being sent when its task closed. */
  private static final Duration GRACE = Duration.ofMillis(500);

  @TempDir Path tempDir;

  private final JobTestSupport.Resources resources = new JobTestSupport.Resources();
  private final String secret = JobTestSupport.newSecret();
  private final String run = uniqueName("rbout").replace("-", "");
  private final Topics topics = JobTestSupport.uniqueTopics("rbout");
  private final String applicationId = uniqueName("rbout-app");
  private final List<Attempt> firstAttempts = new CopyOnWriteArrayList<>();
  private final AtomicInteger firstInFlight = new AtomicInteger();
  private final AtomicInteger firstPeakAfterOutage = new AtomicInteger();
  private volatile boolean outageOver;
  private PlaidEmulator emulator;

  private record Attempt(long atNanos, String requestId) {}

  /** Records every HTTP attempt of the first instance and how many are on the wire at once. */
  private final class RecordingClient implements PlaidClient {
    private final PlaidClient delegate;

    RecordingClient(PlaidClient delegate) {
      this.delegate = delegate;
    }

    @Override
    public CompletionStage<PlaidResult> identityDocumentsUploadsGet(PlaidRequest request) {
      firstAttempts.add(new Attempt(System.nanoTime(), request.requestId()));
      int now = firstInFlight.incrementAndGet();
      if (outageOver) {
        firstPeakAfterOutage.accumulateAndGet(now, Math::max);
      }
      return delegate
          .identityDocumentsUploadsGet(request)
          .whenComplete((r, e) -> firstInFlight.decrementAndGet());
    }

    @Override
    public void close() {
      delegate.close();
    }
  }

  /**
   * The stage's view of the first instance's calls: which requests have a call that has not ended
   * (answered, failed or cancelled). Cancelling what it returns cancels the call beneath.
   */
  private static final class OutstandingCalls implements PlaidClient {
    private final PlaidClient delegate;
    private final Set<String> outstanding = ConcurrentHashMap.newKeySet();

    OutstandingCalls(PlaidClient delegate) {
      this.delegate = delegate;
    }

    @Override
    public CompletionStage<PlaidResult> identityDocumentsUploadsGet(PlaidRequest request) {
      outstanding.add(request.requestId());
      CompletableFuture<PlaidResult> call =
          delegate.identityDocumentsUploadsGet(request).toCompletableFuture();
      CompletableFuture<PlaidResult> seen = new CompletableFuture<>();
      call.whenComplete(
          (result, failure) -> {
            if (failure != null) {
              seen.completeExceptionally(failure);
            } else {
              seen.complete(result);
            }
          });
      seen.whenComplete(
          (result, failure) -> {
            outstanding.remove(request.requestId());
            if (seen.isCancelled()) {
              call.cancel(false);
            }
          });
      return seen;
    }

    @Override
    public Optional<PlaidControls> controls() {
      return delegate.controls();
    }

    @Override
    public void close() {
      delegate.close();
    }
  }

  @BeforeEach
  void startEmulator() {
    emulator = resources.add(JobTestSupport.emulator(secret, Duration.ofMillis(50)));
  }

  @AfterEach
  void closeEverything() {
    resources.close();
  }

  @Test
  void shouldStopTheCallsOfTasksGivenAwayAndKeepEverySlotForTheRest() {
    // given: one instance working a backlog
    KAFKA.broker().createTopic(topics.requests(), PARTITIONS);
    JobTestSupport.produceRequests(
        KAFKA.bootstrapServers(), topics.requests(), run, KEYS, 0, PER_KEY);
    AppConfig firstConfig = config("first");
    MeterRegistry firstMeters = new SimpleMeterRegistry();
    ResilientPlaidClient firstClient =
        new ResilientPlaidClient(
            new RecordingClient(new HttpPlaidClient(PlaidClients.httpConfig(firstConfig))),
            PlaidClients.resilienceConfig(firstConfig),
            new JobMetrics(firstMeters));
    OutstandingCalls firstCalls = new OutstandingCalls(firstClient);
    StreamingJob first = start(firstConfig, firstCalls);
    OutputCollector outputs = resources.add(new OutputCollector(KAFKA.bootstrapServers(), topics));
    assertThat(outputs.pollUntil(c -> c.items().size() >= 60, Duration.ofSeconds(60))).isTrue();

    // when: Plaid goes down and the first instance's calls wait on its open breaker
    emulator.setOutage(true);
    await("breaker opens")
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                firstMeters.get(JobMetrics.BREAKER_STATE).tag("state", "open").gauge().value()
                    == 1);
    Set<Integer> before = partitions(first);

    // and: a second instance joins and takes some of the first one's tasks
    AppConfig secondConfig = config("second");
    StreamingJob second = start(secondConfig, PlaidClients.create(secondConfig));
    await("tasks move to the second instance")
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                partitions(first).size() < before.size()
                    && !partitions(second).isEmpty()
                    && first.streams().state() == KafkaStreams.State.RUNNING);
    long movedAt = System.nanoTime();
    Set<Integer> kept = partitions(first);
    Set<Integer> givenAway =
        before.stream().filter(p -> !kept.contains(p)).collect(Collectors.toSet());

    // and: Plaid stays down a while (breakers half-open and probe), then comes back
    await().pollDelay(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(6)).until(() -> true);
    List<String> givenAwayStillCalling =
        firstCalls.outstanding.stream()
            .filter(id -> givenAway.contains(partitionOf(keyOf(id))))
            .toList();
    outageOver = true;
    emulator.setOutage(false);
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    AtomicInteger firstSlotsPeak = new AtomicInteger();
    sampler.scheduleAtFixedRate(
        () -> firstSlotsPeak.accumulateAndGet(first.built().limiter().inFlight(), Math::max),
        0,
        1,
        TimeUnit.MILLISECONDS);

    // then: every request completes exactly once
    assertThat(outputs.pollUntil(c -> c.items().size() >= TOTAL, Duration.ofSeconds(120)))
        .as("every request has its Item status (got %d of %d)", outputs.items().size(), TOTAL)
        .isTrue();
    sampler.shutdownNow();
    outputs.pollQuietly(Duration.ofSeconds(2));
    List<String> requestIds = outputs.items().stream().map(JobTestSupport::requestIdOf).toList();
    assertThat(requestIds).doesNotHaveDuplicates().hasSize(TOTAL);

    // and: the first instance made no attempt for a request of a task it gave away after it did
    List<Attempt> late =
        firstAttempts.stream()
            .filter(a -> a.atNanos() > movedAt + GRACE.toNanos())
            .filter(a -> givenAway.contains(partitionOf(keyOf(a.requestId()))))
            .toList();
    LOG.info(
        "Kept partitions {}, gave away {}; first instance: {} attempts in all, {} for given-away requests after"
            + " the move, peak {} slots held and {} attempts on the wire at once after the outage",
        kept,
        givenAway,
        firstAttempts.size(),
        late.size(),
        firstSlotsPeak.get(),
        firstPeakAfterOutage.get());
    assertThat(givenAway).isNotEmpty();
    assertThat(late).as("attempts for the requests of closed tasks").isEmpty();
    assertThat(givenAwayStillCalling)
        .as("calls of closed tasks not ended 5 s after they closed")
        .isEmpty();

    // and: it had every slot for its remaining tasks, and holds none now (counted as slots held,
    // not
    // attempts on the wire: a slot is held from dispatch until the stream thread takes the answer,
    // so on a loaded machine an answered call may hold its slot while the others are on the wire;
    // no closed task's call held one, see above)
    assertThat(firstSlotsPeak.get())
        .as("slots held at once by the first instance after the outage")
        .isEqualTo(SLOTS);
    assertThat(first.built().limiter().inFlight()).isZero();
    assertThat(first.streams().state()).isEqualTo(KafkaStreams.State.RUNNING);
    assertThat(second.streams().state()).isEqualTo(KafkaStreams.State.RUNNING);
  }

  private AppConfig config(String name) {
    Map<String, String> config =
        JobTestSupport.config(
            KAFKA.bootstrapServers(),
            emulator,
            secret,
            applicationId,
            topics,
            tempDir.resolve(name));
    config.put(AppConfig.TOPICS_PARTITIONS_CONFIG, String.valueOf(PARTITIONS));
    config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    config.put(AppConfig.PLAID_MAX_IN_FLIGHT_CONFIG, String.valueOf(SLOTS));
    config.put(
        AppConfig.PLAID_CONCURRENCY_ADAPTIVE_CONFIG,
        "false"); // this test is about slots, not the limit
    config.put(AppConfig.PLAID_BREAKER_OPEN_MS_CONFIG, "2000");
    config.put(AppConfig.PLAID_DEADLINE_MS_CONFIG, "120000");
    config.put(AppConfig.PLAID_RETRY_MAX_ATTEMPTS_CONFIG, "100");
    config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000");
    config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "1000");
    return new AppConfig(config);
  }

  private StreamingJob start(AppConfig config, PlaidClient client) {
    StreamingJob job = resources.add(new StreamingJob(config, client, Clock.systemUTC()));
    job.start();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> job.streams().state() == KafkaStreams.State.RUNNING);
    return job;
  }

  private static Set<Integer> partitions(StreamingJob job) {
    return job.streams().metadataForLocalThreads().stream()
        .map(ThreadMetadata::activeTasks)
        .flatMap(Set::stream)
        .flatMap(task -> task.topicPartitions().stream())
        .map(tp -> tp.partition())
        .collect(Collectors.toSet());
  }

  private static int partitionOf(String key) {
    return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
  }
}
