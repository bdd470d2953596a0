package dev.identitystream.plaid;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-Item politeness: once Plaid answers an Item-level rate limit ({@link
 * ErrorGuidance#isItemRateLimit}) for an Item, its attempts are spaced at least {@code spacing}
 * apart for the next {@code hot} period (each limit answer renews it), instead of retrying at once.
 * Items are told apart by their access token (held in memory only, as long as the entry lives;
 * never logged).
 *
 * <p>Requests for one Item (one key) are already called one at a time by the stage; this spaces
 * their attempts, retries included, and also spaces the same Item's requests from another key or
 * topic.
 *
 * <p>Threading: any thread; entries are replaced atomically per token. A race between two attempts
 * for one Item at the same instant may let both through (the next ones are spaced again).
 */
final class ItemSpacing {

  private static final int PURGE_ABOVE = 10_000;

  /** When the Item's next attempt may go, and until when it is spaced at all. */
  private record Entry(long notBeforeNanos, long hotUntilNanos) {}

  private final long spacingNanos;
  private final long hotNanos;
  private final ConcurrentHashMap<String, Entry> items = new ConcurrentHashMap<>();

  ItemSpacing(Duration spacing, Duration hot) {
    this.spacingNanos = spacing.toNanos();
    this.hotNanos = hot.toNanos();
  }

  /**
   * How long an attempt for this Item must still wait; 0 lets it go now and books the next slot.
   */
  long waitNanos(String accessToken, long nowNanos) {
    if (spacingNanos <= 0 || items.isEmpty()) {
      return 0;
    }
    long[] wait = {0};
    items.computeIfPresent(
        accessToken,
        (token, entry) -> {
          if (nowNanos - entry.hotUntilNanos() > 0) {
            return null; // cooled down
          }
          long left = entry.notBeforeNanos() - nowNanos;
          if (left > 0) {
            wait[0] = left;
            return entry;
          }
          return new Entry(nowNanos + spacingNanos, entry.hotUntilNanos());
        });
    return wait[0];
  }

  /** Plaid answered an Item-level rate limit for this Item at {@code nowNanos}. */
  void limited(String accessToken, long nowNanos) {
    if (spacingNanos <= 0) {
      return;
    }
    if (items.size() > PURGE_ABOVE) {
      items.values().removeIf(entry -> nowNanos - entry.hotUntilNanos() > 0);
    }
    items.put(accessToken, new Entry(nowNanos + spacingNanos, nowNanos + hotNanos));
  }

  /** Items spaced now (for tests). */
  int size() {
    return items.size();
  }
}
