package dev.identitystream.plaid;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * This instance's part of the application's Plaid budget ({@code plaid.requests.per.minute} for the
 * whole fleet), paced by Resilience4j rate limiters, live attempts before bulk ones.
 *
 * <ul>
 *   <li><b>Share.</b> The instance runs {@code local} of the stage's {@code total} tasks ({@link
 *       #setShare}, from the stage's fleet share): one permit per task every {@code 60 s × total /
 *       budget}, that is {@code budget × local / total} attempts a minute. A rebalance changes the
 *       permits per period ({@link RateLimiter#changeLimitForPeriod}): attempts already reserved
 *       stay booked and later ones queue behind them at the new rate, so the instance never exceeds
 *       its new share by more than what it had reserved, at most {@link #horizon()} ahead. A change
 *       of {@code total} (partitions added) replaces the limiters.
 *   <li><b>Live first.</b> A live attempt reserves the next permit, waiting up to the horizon
 *       ({@link #reserveLive}). A bulk attempt only takes a permit that is free now with nobody
 *       queued for it ({@link #reserveBulk}), so bulk never waits ahead of a live attempt; a
 *       refused bulk attempt asks again after {@link #bulkRecheckNanos}.
 *   <li><b>Reserve.</b> While live traffic runs (a live attempt in the last {@link #LIVE_ACTIVE}),
 *       bulk attempts also need a permit of a second limiter paced at {@code 1 - liveReserve} of
 *       the share: part of the budget stays free for live requests as they arrive. Without live
 *       traffic bulk may use the whole share.
 * </ul>
 *
 * <p>Threading: any thread; the limiters are Resilience4j's lock-free ones; {@link #setShare} is
 * synchronized.
 */
public final class FleetRate {

  /** How long after a live attempt bulk attempts still leave the live reserve free. */
  static final Duration LIVE_ACTIVE = Duration.ofSeconds(10);

  private static final Duration MIN_HORIZON = Duration.ofSeconds(1);

  private record Limiters(RateLimiter live, RateLimiter bulk, int total, long periodNanos) {}

  private final String name;
  private final int budgetPerMinute;
  private final double liveReserve;
  private volatile Limiters limiters;
  private volatile int local = 1;
  private volatile long liveSeenNanos = System.nanoTime() - LIVE_ACTIVE.toNanos() - 1;

  /** Bulk attempts refused and waiting to ask again (they spread their asks over their number). */
  private final java.util.concurrent.atomic.AtomicInteger bulkWaiting =
      new java.util.concurrent.atomic.AtomicInteger();

  /**
   * @param budgetPerMinute the application's attempts per minute, all instances together (> 0)
   * @param liveReserve the part of the share bulk attempts leave free while live traffic runs
   */
  FleetRate(String name, int budgetPerMinute, double liveReserve) {
    if (budgetPerMinute < 1 || !(liveReserve >= 0 && liveReserve <= 1)) {
      throw new IllegalArgumentException("budget >= 1 and liveReserve in [0, 1] required");
    }
    this.name = name;
    this.budgetPerMinute = budgetPerMinute;
    this.liveReserve = liveReserve;
    this.limiters = limiters(1, 1); // the whole budget until a stage says otherwise
  }

  /**
   * This instance runs {@code localTasks} of {@code totalTasks}. With no task it keeps its last
   * pace (nothing calls then).
   */
  public synchronized void setShare(int localTasks, int totalTasks) {
    if (localTasks < 1 || totalTasks < 1) {
      local = 0;
      return;
    }
    int tasks = Math.min(localTasks, totalTasks);
    Limiters now = limiters;
    if (totalTasks != now.total()) {
      limiters = limiters(tasks, totalTasks);
    } else if (tasks != local) {
      now.live().changeLimitForPeriod(tasks);
      now.bulk().changeLimitForPeriod(tasks);
    }
    local = tasks;
  }

  /** This instance's share of the budget now, in [0, 1]. */
  public double share() {
    return (double) local / limiters.total();
  }

  /** A live attempt's wait for its permit: 0 now, a positive wait (reserved), or -1 (ask later). */
  long reserveLive() {
    liveSeenNanos = System.nanoTime();
    return limiters.live().reservePermission();
  }

  /** A bulk attempt's permit: 0 or a short wait when one is free for bulk now, else -1. */
  long reserveBulk() {
    Limiters now = limiters;
    if (now.live().getMetrics().getAvailablePermissions() < 1) {
      return -1; // none free now, or live attempts queued for the next ones
    }
    boolean liveActive = System.nanoTime() - liveSeenNanos < LIVE_ACTIVE.toNanos();
    if (liveActive
        && liveReserve > 0
        && (liveReserve >= 1 || now.bulk().reservePermission() != 0)) {
      return -1;
    }
    return now.live().reservePermission();
  }

  /**
   * How long a refused bulk attempt waits before asking again: one permit's period times the bulk
   * attempts waiting (so that together they ask about once per permit), between 1 and 50 ms,
   * jittered; the caller counts itself waiting until it asks again ({@link #bulkWaitEnded}).
   */
  long bulkRecheckNanos() {
    Limiters now = limiters;
    long perPermit = now.periodNanos() / Math.max(1, local);
    long spread = perPermit * Math.max(1, bulkWaiting.incrementAndGet());
    long base =
        Math.max(
            TimeUnit.MILLISECONDS.toNanos(1), Math.min(spread, TimeUnit.MILLISECONDS.toNanos(50)));
    return base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
  }

  /** A bulk attempt that waited after {@link #bulkRecheckNanos} asks again, or gave up. */
  void bulkWaitEnded() {
    bulkWaiting.decrementAndGet();
  }

  /** How far ahead a permit may be reserved: a second, or two periods if longer. */
  Duration horizon() {
    return Duration.ofNanos(Math.max(MIN_HORIZON.toNanos(), 2 * limiters.periodNanos()));
  }

  private Limiters limiters(int tasks, int total) {
    long periodNanos =
        Math.max(1, (60_000_000_000L * total + budgetPerMinute - 1) / budgetPerMinute);
    Duration horizon = Duration.ofNanos(Math.max(MIN_HORIZON.toNanos(), 2 * periodNanos));
    RateLimiter live =
        RateLimiter.of(
            name,
            RateLimiterConfig.custom()
                .limitForPeriod(tasks)
                .limitRefreshPeriod(Duration.ofNanos(periodNanos))
                .timeoutDuration(horizon)
                .writableStackTraceEnabled(false)
                .build());
    double bulkPart = 1 - Math.min(liveReserve, 0.99);
    RateLimiter bulk =
        RateLimiter.of(
            name + "-bulk",
            RateLimiterConfig.custom()
                .limitForPeriod(tasks)
                .limitRefreshPeriod(Duration.ofNanos((long) Math.ceil(periodNanos / bulkPart)))
                .timeoutDuration(Duration.ZERO)
                .writableStackTraceEnabled(false)
                .build());
    return new Limiters(live, bulk, total, periodNanos);
  }
}
