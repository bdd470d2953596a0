package dev.identitystream.emulator;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link PlaidEmulator} behaves. Build with {@link #builder()}; {@link #defaults()} is an
 * ephemeral port, any credentials, no latency and no faults.
 *
 * @param port the TCP port on 127.0.0.1; 0 picks a free one
 * @param clientId the expected {@code PLAID-CLIENT-ID}, or null to accept any non-empty value
 * @param secret the expected {@code PLAID-SECRET}, or null to accept any non-empty value; never
 *     printed by {@link #toString()}
 * @param latency how long each answer waits (no thread waits with it)
 * @param faults rates of injected faults for valid requests
 * @param itemRequestsPerMinute per-Item (per-token) limit answered with 429 {@code IDENTITY_LIMIT};
 *     0 is off
 * @param clientRequestsPerMinute per-client-id limit answered with 429 {@code RATE_LIMIT}; 0 is off
 * @param seed seeds request ids, fault draws and latency samples (data per token does not depend on
 *     it)
 * @param timeoutHold how long a {@link FaultKind#TIMEOUT} keeps the connection open before closing
 *     it without an answer
 * @param minAccounts fewest accounts per Item for ordinary tokens
 * @param maxAccounts most accounts per Item for ordinary tokens
 * @param handlerThreads threads that parse requests and decide answers (the JDK server's executor);
 *     0 runs them on the server's single dispatcher thread (no hand-off per request, but a client
 *     that sends a partial request stalls every connection until it finishes)
 * @param schedulerThreads threads that write delayed answers
 * @param backlog the listen backlog (raise the kernel's somaxconn to use more than it)
 * @param oversizeBytes the body size of {@link FaultKind#OVERSIZE} answers
 * @param maxRequestBytes request bodies larger than this get INVALID_BODY
 * @param arrivalHistory how many recent arrivals {@link EmulatorStats#arrivals()} keeps
 * @param tokenMemory bound on per-token state (fixture cache, fail counters, rate-limit buckets)
 */
public record EmulatorOptions(
    int port,
    String clientId,
    String secret,
    LatencyModel latency,
    FaultRates faults,
    int itemRequestsPerMinute,
    int clientRequestsPerMinute,
    long seed,
    Duration timeoutHold,
    int minAccounts,
    int maxAccounts,
    int handlerThreads,
    int schedulerThreads,
    int backlog,
    int oversizeBytes,
    int maxRequestBytes,
    int arrivalHistory,
    int tokenMemory) {

  public EmulatorOptions {
    Objects.requireNonNull(latency, "latency");
    Objects.requireNonNull(faults, "faults");
    Objects.requireNonNull(timeoutHold, "timeoutHold");
    require(port >= 0 && port <= 65_535, "port must be in [0, 65535]");
    require(itemRequestsPerMinute >= 0, "itemRequestsPerMinute must be >= 0");
    require(clientRequestsPerMinute >= 0, "clientRequestsPerMinute must be >= 0");
    require(!timeoutHold.isNegative() && !timeoutHold.isZero(), "timeoutHold must be positive");
    require(
        minAccounts >= 1
            && maxAccounts >= minAccounts
            && maxAccounts <= TokenConvention.MAX_ACCOUNTS,
        "accounts per Item must satisfy 1 <= min <= max <= " + TokenConvention.MAX_ACCOUNTS);
    require(handlerThreads >= 0, "handlerThreads must be >= 0");
    require(schedulerThreads >= 1, "schedulerThreads must be >= 1");
    require(backlog >= 1, "backlog must be >= 1");
    require(oversizeBytes >= 1024, "oversizeBytes must be >= 1024");
    require(maxRequestBytes >= 1024, "maxRequestBytes must be >= 1024");
    require(arrivalHistory >= 0, "arrivalHistory must be >= 0");
    require(tokenMemory >= 1, "tokenMemory must be >= 1");
  }

  public static EmulatorOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Never prints the secret. */
  @Override
  public String toString() {
    return "EmulatorOptions[port="
        + port
        + ", clientId="
        + clientId
        + ", secret="
        + (secret == null ? "any" : "***")
        + ", latency="
        + latency
        + ", faults="
        + faults.rates()
        + ", itemRequestsPerMinute="
        + itemRequestsPerMinute
        + ", clientRequestsPerMinute="
        + clientRequestsPerMinute
        + ", seed="
        + seed
        + ", accounts="
        + minAccounts
        + ".."
        + maxAccounts
        + ", handlerThreads="
        + handlerThreads
        + ", schedulerThreads="
        + schedulerThreads
        + "]";
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }

  /** A mutable builder; {@link #build()} validates. */
  public static final class Builder {
    private int port;
    private String clientId;
    private String secret;
    private LatencyModel latency = LatencyModel.none();
    private FaultRates faults = FaultRates.none();
    private int itemRequestsPerMinute;
    private int clientRequestsPerMinute;
    private long seed = 20_200_914L;
    private Duration timeoutHold = Duration.ofSeconds(60);
    private int minAccounts = 1;
    private int maxAccounts = 4;
    private int handlerThreads = 2;
    private int schedulerThreads = 1;
    private int backlog = 4_096;
    private int oversizeBytes = 8 * 1024 * 1024;
    private int maxRequestBytes = 64 * 1024;
    private int arrivalHistory = 10_000;
    private int tokenMemory = 100_000;

    private Builder() {}

    private Builder(EmulatorOptions o) {
      port = o.port;
      clientId = o.clientId;
      secret = o.secret;
      latency = o.latency;
      faults = o.faults;
      itemRequestsPerMinute = o.itemRequestsPerMinute;
      clientRequestsPerMinute = o.clientRequestsPerMinute;
      seed = o.seed;
      timeoutHold = o.timeoutHold;
      minAccounts = o.minAccounts;
      maxAccounts = o.maxAccounts;
      handlerThreads = o.handlerThreads;
      schedulerThreads = o.schedulerThreads;
      backlog = o.backlog;
      oversizeBytes = o.oversizeBytes;
      maxRequestBytes = o.maxRequestBytes;
      arrivalHistory = o.arrivalHistory;
      tokenMemory = o.tokenMemory;
    }

    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** Expected credentials; null (the default) accepts any non-empty value. */
    public Builder credentials(String clientId, String secret) {
      this.clientId = clientId;
      this.secret = secret;
      return this;
    }

    public Builder latency(LatencyModel latency) {
      this.latency = latency;
      return this;
    }

    /** Shorthand for a fixed latency. */
    public Builder latency(Duration fixed) {
      return latency(LatencyModel.fixed(fixed));
    }

    public Builder faults(FaultRates faults) {
      this.faults = faults;
      return this;
    }

    /** Sets the rate of one fault kind, keeping the others. */
    public Builder faultRate(FaultKind kind, double rate) {
      this.faults = faults.with(kind, rate);
      return this;
    }

    public Builder itemRequestsPerMinute(int limit) {
      this.itemRequestsPerMinute = limit;
      return this;
    }

    public Builder clientRequestsPerMinute(int limit) {
      this.clientRequestsPerMinute = limit;
      return this;
    }

    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    public Builder timeoutHold(Duration hold) {
      this.timeoutHold = hold;
      return this;
    }

    public Builder accountsPerItem(int min, int max) {
      this.minAccounts = min;
      this.maxAccounts = max;
      return this;
    }

    public Builder threads(int handlerThreads, int schedulerThreads) {
      this.handlerThreads = handlerThreads;
      this.schedulerThreads = schedulerThreads;
      return this;
    }

    public Builder backlog(int backlog) {
      this.backlog = backlog;
      return this;
    }

    public Builder oversizeBytes(int bytes) {
      this.oversizeBytes = bytes;
      return this;
    }

    public Builder maxRequestBytes(int bytes) {
      this.maxRequestBytes = bytes;
      return this;
    }

    public Builder arrivalHistory(int arrivals) {
      this.arrivalHistory = arrivals;
      return this;
    }

    public Builder tokenMemory(int tokens) {
      this.tokenMemory = tokens;
      return this;
    }

    public EmulatorOptions build() {
      return new EmulatorOptions(
          port,
          clientId,
          secret,
          latency,
          faults,
          itemRequestsPerMinute,
          clientRequestsPerMinute,
          seed,
          timeoutHold,
          minAccounts,
          maxAccounts,
          handlerThreads,
          schedulerThreads,
          backlog,
          oversizeBytes,
          maxRequestBytes,
          arrivalHistory,
          tokenMemory);
    }
  }
}
