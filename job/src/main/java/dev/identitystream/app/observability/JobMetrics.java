package dev.identitystream.app.observability;

import dev.identitystream.plaid.PlaidResult;
import dev.identitystream.plaid.ResilienceListener;
import dev.identitystream.topology.IdentityTopology;
import dev.identitystream.topology.StageMetrics;
import dev.identitystream.topology.Topics;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/**
 * The job's own meters, fed by the call stage ({@link StageMetrics}) and the resilient Plaid client
 * ({@link ResilienceListener}). Names are listed in docs/operations.md ("Metrics and health").
 *
 * <p>Every counter and timer exists from the start, at zero: {@code plaid_requests_total} and the
 * durations for each outcome (with {@code error_type}/{@code error_code} {@code none}), retries and
 * client-error pauses with {@code none}/{@code none}, breaker transitions for each state, records
 * out for each output topic (once the stage is bound), so {@code rate()} and {@code increase()}
 * have a series to work on before the first request.
 *
 * <p>Labels are only {@code outcome}, {@code error_type}, {@code error_code}, {@code topic}, {@code
 * state}, {@code task} (a Kafka Streams task id such as {@code 0_1}) and {@code version}. Plaid's
 * type and code strings are reduced to {@code [A-Z0-9_]} (at most 64 characters; anything else
 * becomes {@code OTHER}), so a body can never put free text, let alone a token, into a label.
 *
 * <p>Threading: every method may be called from any thread, concurrently (Micrometer meters are
 * thread-safe; the breaker state is an atomic reference).
 */
public final class JobMetrics implements StageMetrics, ResilienceListener {

  public static final String REQUESTS = "plaid.requests";
  public static final String REQUEST_DURATION = "plaid.request.duration";
  public static final String ATTEMPT_DURATION = "plaid.attempt.duration";
  public static final String RETRIES = "plaid.retries";
  public static final String RATE_LIMITER_WAIT = "plaid.ratelimiter.wait";
  public static final String BREAKER_WAIT = "plaid.breaker.wait";
  public static final String BREAKER_STATE = "plaid.breaker.state";
  public static final String BREAKER_TRANSITIONS = "plaid.breaker.transitions";
  public static final String CLIENT_ERROR_PAUSED = "plaid.client.error.paused";
  public static final String CLIENT_ERROR_PAUSES = "plaid.client.error.pauses";
  public static final String IN_FLIGHT = "stage.in.flight";
  public static final String IN_FLIGHT_CAPACITY = "stage.in.flight.capacity";
  public static final String CONCURRENCY_LIMIT = "stage.concurrency.limit";
  public static final String BULK_IN_FLIGHT = "stage.bulk.in.flight";
  public static final String FLEET_SHARE = "plaid.fleet.share";
  public static final String PENDING = "stage.pending";
  public static final String PENDING_PEAK_PER_TASK = "stage.pending.peak.per.task";
  public static final String PENDING_CAPACITY_PER_TASK = "stage.pending.capacity.per.task";
  public static final String RECORDS_OUT = "stage.records.out";
  public static final String DLQ_RECORDS = "stage.dlq.records";
  public static final String BUILD_INFO = "plaid.identity.stream.build.info";

  /** The outcomes of {@link Labels#of}, registered at zero. */
  static final List<String> OUTCOMES =
      List.of("success", "error_answer", "transport_failure", "exhausted");

  static final String NONE = "none";
  static final String OTHER = "OTHER";
  private static final Pattern SAFE_LABEL = Pattern.compile("[A-Z0-9_]{1,64}");

  private final MeterRegistry registry;
  private final AtomicReference<CircuitBreaker.State> breakerState =
      new AtomicReference<>(CircuitBreaker.State.CLOSED);
  // Meters looked up once per label set: onRecordOut and onCallCompleted run for every record and
  // request, and building a meter id and asking the registry each time is work done twice.
  private final Map<Labels, Counter> requests = new ConcurrentHashMap<>();
  private final Map<String, Timer> requestDurations = new ConcurrentHashMap<>();
  private final Map<String, Timer> attemptDurations = new ConcurrentHashMap<>();
  private final Map<String, Counter> recordsOut = new ConcurrentHashMap<>();
  private final Map<Labels, Counter> retries = new ConcurrentHashMap<>();
  private final Map<Labels, Counter> pauses = new ConcurrentHashMap<>();
  private final Map<CircuitBreaker.State, Counter> transitions = new ConcurrentHashMap<>();
  private final Counter dlqRecords;

  /**
   * The DLQ topic's name once the stage is bound: its records also count in {@link #DLQ_RECORDS}.
   */
  private volatile String dlqTopic;

  private final Timer rateLimiterWait;
  private final Timer breakerWait;

  /** Why Plaid refuses the client while calls are paused ({@code TYPE/CODE}), else null. */
  private final AtomicReference<String> clientErrorPause = new AtomicReference<>();

  public JobMetrics(MeterRegistry registry) {
    this(registry, BuildInfo.version());
  }

  /**
   * @param version the job's version, the {@code version} label of the build-info gauge
   */
  JobMetrics(MeterRegistry registry, String version) {
    this.registry = registry;
    Gauge.builder(BUILD_INFO, () -> 1)
        .description("Always 1; the version label is the job's version (the pom's)")
        .tag("version", version)
        .register(registry);
    for (CircuitBreaker.State state : CircuitBreaker.State.values()) {
      Gauge.builder(BREAKER_STATE, breakerState, current -> current.get() == state ? 1 : 0)
          .description("1 for the circuit breaker's current state, 0 for the others")
          .tag("state", state.name().toLowerCase(Locale.ROOT))
          .register(registry);
    }
    rateLimiterWait =
        Timer.builder(RATE_LIMITER_WAIT)
            .description("Waits for a permit of the client-side rate limiter")
            .register(registry);
    breakerWait =
        Timer.builder(BREAKER_WAIT)
            .description("Waits for the open circuit breaker to let calls through")
            .register(registry);
    Gauge.builder(CLIENT_ERROR_PAUSED, clientErrorPause, pause -> pause.get() == null ? 0 : 1)
        .description("1 while every Plaid call is paused because Plaid refuses this job's client")
        .register(registry);
    dlqRecords =
        Counter.builder(DLQ_RECORDS)
            .description("Records the call stage sent to the dead-letter topic")
            .register(registry);
    Labels none = new Labels(NONE, NONE, NONE);
    for (String outcome : OUTCOMES) {
      requestCounter(new Labels(outcome, NONE, NONE));
      requestDuration(outcome);
      attemptDuration(outcome);
    }
    retryCounter(none);
    pauseCounter(none);
    for (CircuitBreaker.State state : CircuitBreaker.State.values()) {
      transitionCounter(state);
    }
  }

  /**
   * While Plaid refuses this job's client: the error, as {@code ERROR_TYPE/ERROR_CODE} (label-safe
   * characters only), or {@code TRANSPORT/REFUSED HTTP <status>} for a refusal that is not Plaid's
   * (a proxy's page, a wrong base URL); else null.
   */
  public String clientErrorPause() {
    return clientErrorPause.get();
  }

  /**
   * Gauges over the stage's shared limiter and pending counts, and the records-out counters of its
   * output topics at zero (call once per built topology).
   */
  public void bindStage(IdentityTopology.Built built, Topics topics, int maxPendingPerTask) {
    bindStage(built);
    dlqTopic = topics.dlq();
    topics.outputs().forEach(this::recordsOutCounter);
    Gauge.builder(PENDING_CAPACITY_PER_TASK, () -> maxPendingPerTask)
        .description(
            "Most pending requests one task admits before backpressure (stage.max.pending)")
        .register(registry);
  }

  /** Gauges over the stage's shared limiter and pending counts (call once per built topology). */
  public void bindStage(IdentityTopology.Built built) {
    Gauge.builder(IN_FLIGHT, built.limiter(), limiter -> limiter.inFlight())
        .description("Plaid calls in flight on this instance")
        .register(registry);
    Gauge.builder(IN_FLIGHT_CAPACITY, built.limiter(), limiter -> limiter.capacity())
        .description("Most Plaid calls in flight on this instance (plaid.max.in.flight)")
        .register(registry);
    Gauge.builder(CONCURRENCY_LIMIT, built.limiter(), limiter -> limiter.limit())
        .description(
            "Plaid calls this instance lets be in flight now: the adaptive limit"
                + " (plaid.concurrency.adaptive), else plaid.max.in.flight")
        .register(registry);
    Gauge.builder(BULK_IN_FLIGHT, built.limiter(), limiter -> limiter.bulkInFlight())
        .description("Plaid calls for bulk (backfill) requests in flight on this instance")
        .register(registry);
    Gauge.builder(FLEET_SHARE, built.fleet(), fleet -> fleet.share())
        .description(
            "This instance's share of plaid.requests.per.minute: its tasks among all input partitions")
        .register(registry);
    Gauge.builder(PENDING, built.pending(), pending -> pending.total())
        .description("Requests in the pending stores of this instance's tasks")
        .register(registry);
    Gauge.builder(PENDING_PEAK_PER_TASK, built.pending(), pending -> pending.peakPerTask())
        .description("Most pending requests any one task of this instance has held since start")
        .register(registry);
  }

  @Override
  public void onCallCompleted(PlaidResult result, long durationNanos) {
    Labels labels = Labels.of(result);
    requestCounter(labels).increment();
    requestDuration(labels.outcome()).record(durationNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void onRecordOut(String topic) {
    recordsOutCounter(topic).increment();
    if (topic.equals(dlqTopic)) {
      dlqRecords.increment();
    }
  }

  @Override
  public void onAttempt(PlaidResult outcome, long durationNanos) {
    attemptDuration(Labels.of(outcome).outcome()).record(durationNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void onRetry(int failedAttempts, long delayMillis, PlaidResult cause) {
    retryCounter(Labels.of(cause)).increment();
  }

  @Override
  public void onRateLimiterWait(long nanos) {
    rateLimiterWait.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void onBreakerWait(long nanos) {
    breakerWait.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void onBreakerTransition(CircuitBreaker.State from, CircuitBreaker.State to) {
    breakerState.set(to);
    transitionCounter(to).increment();
  }

  @Override
  public void onClientErrorPause(PlaidResult cause) {
    Labels labels = Labels.of(cause);
    String what = labels.errorType() + "/" + labels.errorCode();
    if (cause instanceof PlaidResult.TransportFailure failure && failure.httpStatus() > 0) {
      what += " HTTP " + failure.httpStatus();
    }
    clientErrorPause.set(what);
    pauseCounter(labels).increment();
  }

  @Override
  public void onClientErrorResume(long pausedNanos) {
    clientErrorPause.set(null);
  }

  private Counter requestCounter(Labels labels) {
    return requests.computeIfAbsent(
        labels,
        l ->
            Counter.builder(REQUESTS)
                .description("Logical Plaid calls by final outcome")
                .tag("outcome", l.outcome())
                .tag("error_type", l.errorType())
                .tag("error_code", l.errorCode())
                .register(registry));
  }

  private Timer requestDuration(String outcome) {
    return requestDurations.computeIfAbsent(
        outcome,
        o ->
            Timer.builder(REQUEST_DURATION)
                .description("Logical Plaid call latency, attempts and waits included")
                .tag("outcome", o)
                .publishPercentileHistogram()
                .register(registry));
  }

  private Timer attemptDuration(String outcome) {
    return attemptDurations.computeIfAbsent(
        outcome,
        o ->
            Timer.builder(ATTEMPT_DURATION)
                .description("One HTTP attempt to Plaid")
                .tag("outcome", o)
                .publishPercentileHistogram()
                .register(registry));
  }

  private Counter recordsOutCounter(String topic) {
    return recordsOut.computeIfAbsent(
        topic,
        t ->
            Counter.builder(RECORDS_OUT)
                .description("Records the call stage forwarded, per output topic")
                .tag("topic", t)
                .register(registry));
  }

  private Counter retryCounter(Labels labels) {
    return retries.computeIfAbsent(
        labels,
        l ->
            Counter.builder(RETRIES)
                .description("Attempts retried after a transient failure")
                .tag("error_type", l.errorType())
                .tag("error_code", l.errorCode())
                .register(registry));
  }

  private Counter pauseCounter(Labels labels) {
    return pauses.computeIfAbsent(
        labels,
        l ->
            Counter.builder(CLIENT_ERROR_PAUSES)
                .description(
                    "Pauses of every Plaid call because Plaid refused this job's client, by the error")
                .tag("error_type", l.errorType())
                .tag("error_code", l.errorCode())
                .register(registry));
  }

  private Counter transitionCounter(CircuitBreaker.State state) {
    return transitions.computeIfAbsent(
        state,
        st ->
            Counter.builder(BREAKER_TRANSITIONS)
                .description("Circuit breaker state changes, by the state entered")
                .tag("state", st.name().toLowerCase(Locale.ROOT))
                .register(registry));
  }

  /** The labels of one result: outcome, error type and error code (both "none" on success). */
  record Labels(String outcome, String errorType, String errorCode) {

    static Labels of(PlaidResult result) {
      if (result instanceof PlaidResult.Success) {
        return new Labels("success", NONE, NONE);
      } else if (result instanceof PlaidResult.ErrorAnswer answer) {
        return new Labels(
            "error_answer", safe(answer.error().errorType()), safe(answer.error().errorCode()));
      } else if (result instanceof PlaidResult.TransportFailure failure) {
        return new Labels("transport_failure", "TRANSPORT", failure.kind().name());
      }
      Labels last = of(((PlaidResult.Exhausted) result).last());
      return new Labels("exhausted", last.errorType(), last.errorCode());
    }

    static String safe(String value) {
      return value != null && SAFE_LABEL.matcher(value).matches() ? value : OTHER;
    }
  }
}
