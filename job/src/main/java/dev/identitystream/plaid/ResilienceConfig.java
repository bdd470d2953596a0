package dev.identitystream.plaid;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of {@link ResilientPlaidClient}. Build with {@link #builder()} (defaults below); the
 * compact constructor validates.
 *
 * @param deadline budget of one request across attempts and backoffs; time queued behind the
 *     client's own rate limiter or open breaker is not counted (default 60 s)
 * @param maxAttempts attempts per request at most, the first included (default 10)
 * @param baseBackoff full-jitter backoff base (default 200 ms)
 * @param maxBackoff full-jitter backoff cap (default 10 s)
 * @param requestsPerMinute client-side limit on attempts per minute for the whole application
 *     (every instance of its {@code application.id}), retries included; each instance paces its
 *     share ({@link FleetRate}); 0 turns it off (default 0)
 * @param breakerFailureRatePercent the breaker opens at this share of failures in its window
 *     (default 50)
 * @param breakerWindowSize the breaker's window, in calls (default 50)
 * @param breakerMinimumCalls calls in the window before the breaker may open (default 20)
 * @param breakerOpenDuration how long the breaker stays open before probing (default 30 s)
 * @param breakerHalfOpenCalls probe calls while half-open (default 3)
 * @param breakerRecheckInterval how often a waiting request asks the breaker again; jittered
 *     between half and all of it (default 500 ms)
 * @param clientErrorProbeInterval while Plaid refuses this job's client, how often one waiting
 *     request is sent again to see whether it still does (default 30 s)
 * @param liveReserve the part of the rate that bulk attempts leave free while live traffic runs, in
 *     [0, 1] (default 0.2)
 * @param itemRateLimitSpacing after an Item-level rate limit, the least time between two attempts
 *     for that Item during the next minute; zero turns it off (default 4 s: Plaid's per-Item limit
 *     of 15 a minute)
 * @param adaptiveConcurrency whether the concurrency limit adapts ({@link AdaptiveConcurrency});
 *     off, it is {@code concurrencyMax} (default on)
 * @param concurrencyFloor the lowest adaptive concurrency limit (default 4)
 * @param concurrencyMax the in-flight cap the adaptive limit starts at and never exceeds (default
 *     256)
 */
public record ResilienceConfig(
    Duration deadline,
    int maxAttempts,
    Duration baseBackoff,
    Duration maxBackoff,
    int requestsPerMinute,
    float breakerFailureRatePercent,
    int breakerWindowSize,
    int breakerMinimumCalls,
    Duration breakerOpenDuration,
    int breakerHalfOpenCalls,
    Duration breakerRecheckInterval,
    Duration clientErrorProbeInterval,
    double liveReserve,
    Duration itemRateLimitSpacing,
    boolean adaptiveConcurrency,
    int concurrencyFloor,
    int concurrencyMax) {

  public ResilienceConfig {
    positive(deadline, "deadline");
    atLeast(maxAttempts, 1, "maxAttempts");
    positive(baseBackoff, "baseBackoff");
    positive(maxBackoff, "maxBackoff");
    if (baseBackoff.toMillis() < 1 || maxBackoff.compareTo(baseBackoff) < 0) {
      throw new IllegalArgumentException(
          "backoff needs 1 ms <= baseBackoff <= maxBackoff, got "
              + baseBackoff
              + " and "
              + maxBackoff);
    }
    atLeast(requestsPerMinute, 0, "requestsPerMinute");
    if (!(breakerFailureRatePercent > 0 && breakerFailureRatePercent <= 100)) {
      throw new IllegalArgumentException(
          "breakerFailureRatePercent must be in (0, 100], got " + breakerFailureRatePercent);
    }
    atLeast(breakerWindowSize, 1, "breakerWindowSize");
    atLeast(breakerMinimumCalls, 1, "breakerMinimumCalls");
    positive(breakerOpenDuration, "breakerOpenDuration");
    atLeast(breakerHalfOpenCalls, 1, "breakerHalfOpenCalls");
    positive(breakerRecheckInterval, "breakerRecheckInterval");
    positive(clientErrorProbeInterval, "clientErrorProbeInterval");
    if (!(liveReserve >= 0 && liveReserve <= 1)) {
      throw new IllegalArgumentException("liveReserve must be in [0, 1], got " + liveReserve);
    }
    Objects.requireNonNull(itemRateLimitSpacing, "itemRateLimitSpacing must be set");
    if (itemRateLimitSpacing.isNegative()) {
      throw new IllegalArgumentException("itemRateLimitSpacing must not be negative");
    }
    atLeast(concurrencyFloor, 1, "concurrencyFloor");
    atLeast(concurrencyMax, 1, "concurrencyMax");
  }

  public static Builder builder() {
    return new Builder();
  }

  public static ResilienceConfig defaults() {
    return builder().build();
  }

  /** A builder starting from these settings. */
  public Builder toBuilder() {
    return new Builder()
        .deadline(deadline)
        .maxAttempts(maxAttempts)
        .backoff(baseBackoff, maxBackoff)
        .requestsPerMinute(requestsPerMinute)
        .breakerFailureRatePercent(breakerFailureRatePercent)
        .breakerWindow(breakerWindowSize, breakerMinimumCalls)
        .breakerOpenDuration(breakerOpenDuration)
        .breakerHalfOpenCalls(breakerHalfOpenCalls)
        .breakerRecheckInterval(breakerRecheckInterval)
        .clientErrorProbeInterval(clientErrorProbeInterval)
        .liveReserve(liveReserve)
        .itemRateLimitSpacing(itemRateLimitSpacing)
        .concurrency(adaptiveConcurrency, concurrencyFloor, concurrencyMax);
  }

  private static void positive(Duration value, String name) {
    Objects.requireNonNull(value, name + " must be set");
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
  }

  private static void atLeast(int value, int min, String name) {
    if (value < min) {
      throw new IllegalArgumentException(name + " must be at least " + min + ", got " + value);
    }
  }

  /** Builds a {@link ResilienceConfig}. */
  public static final class Builder {
    private Duration deadline = Duration.ofSeconds(60);
    private int maxAttempts = 10;
    private Duration baseBackoff = Duration.ofMillis(200);
    private Duration maxBackoff = Duration.ofSeconds(10);
    private int requestsPerMinute;
    private float breakerFailureRatePercent = 50;
    private int breakerWindowSize = 50;
    private int breakerMinimumCalls = 20;
    private Duration breakerOpenDuration = Duration.ofSeconds(30);
    private int breakerHalfOpenCalls = 3;
    private Duration breakerRecheckInterval = Duration.ofMillis(500);
    private Duration clientErrorProbeInterval = Duration.ofSeconds(30);
    private double liveReserve = 0.2;
    private Duration itemRateLimitSpacing = Duration.ofSeconds(4);
    private boolean adaptiveConcurrency = true;
    private int concurrencyFloor = 4;
    private int concurrencyMax = 256;

    private Builder() {}

    public Builder liveReserve(double share) {
      this.liveReserve = share;
      return this;
    }

    public Builder itemRateLimitSpacing(Duration spacing) {
      this.itemRateLimitSpacing = spacing;
      return this;
    }

    /** Whether the concurrency limit adapts, its floor, and the cap (the stage's in-flight cap). */
    public Builder concurrency(boolean adaptive, int floor, int max) {
      this.adaptiveConcurrency = adaptive;
      this.concurrencyFloor = floor;
      this.concurrencyMax = max;
      return this;
    }

    public Builder deadline(Duration deadline) {
      this.deadline = deadline;
      return this;
    }

    public Builder maxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
      return this;
    }

    public Builder backoff(Duration base, Duration cap) {
      this.baseBackoff = base;
      this.maxBackoff = cap;
      return this;
    }

    public Builder requestsPerMinute(int requestsPerMinute) {
      this.requestsPerMinute = requestsPerMinute;
      return this;
    }

    public Builder breakerFailureRatePercent(float percent) {
      this.breakerFailureRatePercent = percent;
      return this;
    }

    public Builder breakerWindow(int windowSize, int minimumCalls) {
      this.breakerWindowSize = windowSize;
      this.breakerMinimumCalls = minimumCalls;
      return this;
    }

    public Builder breakerOpenDuration(Duration openDuration) {
      this.breakerOpenDuration = openDuration;
      return this;
    }

    public Builder breakerHalfOpenCalls(int calls) {
      this.breakerHalfOpenCalls = calls;
      return this;
    }

    public Builder breakerRecheckInterval(Duration interval) {
      this.breakerRecheckInterval = interval;
      return this;
    }

    public Builder clientErrorProbeInterval(Duration interval) {
      this.clientErrorProbeInterval = interval;
      return this;
    }

    public ResilienceConfig build() {
      return new ResilienceConfig(
          deadline,
          maxAttempts,
          baseBackoff,
          maxBackoff,
          requestsPerMinute,
          breakerFailureRatePercent,
          breakerWindowSize,
          breakerMinimumCalls,
          breakerOpenDuration,
          breakerHalfOpenCalls,
          breakerRecheckInterval,
          clientErrorProbeInterval,
          liveReserve,
          itemRateLimitSpacing,
          adaptiveConcurrency,
          concurrencyFloor,
          concurrencyMax);
    }
  }
}
