package dev.identitystream.emulator;

import java.util.concurrent.ConcurrentHashMap;

/**
 * A per-key limit of N requests per minute, modelled as a token bucket (capacity N unless given,
 * refilled at N per minute), which is how the emulator plays Plaid's per-Item and per-client
 * limits: a burst of N passes, request N+1 within the same few seconds gets 429, and a client
 * pacing itself at N per minute (smoothly or in whole-minute windows) is never refused. A smaller
 * capacity (a burst of a few seconds' worth) refuses a client that runs even slightly faster than N
 * per minute within seconds, which tests of client-side pacing need.
 *
 * <p>This simulates the server side of a limit; clients use a real library for their own limiting.
 * Keys are bounded: past {@code maxKeys}, idle keys (full buckets) are dropped.
 *
 * <p>Threading: safe for concurrent use; each key's bucket is guarded by its own lock.
 */
final class RateLimiter {

  private static final long MINUTE_NANOS = 60_000_000_000L;

  private final int perMinute;
  private final double capacity;
  private final int maxKeys;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  /** {@code perMinute} of 0 turns the limit off. */
  RateLimiter(int perMinute, int maxKeys) {
    this(perMinute, perMinute, maxKeys);
  }

  /** {@code capacity}: the largest burst (tokens), at least 1. */
  RateLimiter(int perMinute, double capacity, int maxKeys) {
    if (perMinute < 0) {
      throw new IllegalArgumentException("requests per minute must be >= 0");
    }
    this.perMinute = perMinute;
    this.capacity = Math.max(1, capacity);
    this.maxKeys = maxKeys;
  }

  boolean enabled() {
    return perMinute > 0;
  }

  /** Takes one permit for {@code key} at {@code nowNanos}; false means answer 429. */
  boolean tryAcquire(String key, long nowNanos) {
    if (!enabled()) {
      return true;
    }
    if (buckets.size() >= maxKeys && !buckets.containsKey(key)) {
      buckets.values().removeIf(b -> b.isFull(nowNanos));
      if (buckets.size() >= maxKeys) {
        buckets.clear();
      }
    }
    return buckets.computeIfAbsent(key, k -> new Bucket(nowNanos)).tryTake(nowNanos);
  }

  /** How many keys have state (for tests of the bound). */
  int keys() {
    return buckets.size();
  }

  private final class Bucket {
    private double tokens = capacity;
    private long updatedNanos;

    Bucket(long nowNanos) {
      this.updatedNanos = nowNanos;
    }

    synchronized boolean tryTake(long nowNanos) {
      refill(nowNanos);
      if (tokens >= 1) {
        tokens -= 1;
        return true;
      }
      return false;
    }

    synchronized boolean isFull(long nowNanos) {
      refill(nowNanos);
      return tokens >= capacity;
    }

    private void refill(long nowNanos) {
      long elapsed = nowNanos - updatedNanos;
      if (elapsed > 0) {
        tokens = Math.min(capacity, tokens + (double) elapsed * perMinute / MINUTE_NANOS);
        updatedNanos = nowNanos;
      }
    }
  }
}
