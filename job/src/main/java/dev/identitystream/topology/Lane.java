package dev.identitystream.topology;

/**
 * Which input a request came from, and so its priority: {@link #LIVE} requests ({@code
 * topic.requests}) are dispatched before {@link #BULK} ones ({@code topic.backfill-requests})
 * whenever both wait.
 */
public enum Lane {
  /** The live requests topic: dispatched first. */
  LIVE,
  /** The bulk (backfill) requests topic: dispatched when no live request waits. */
  BULK;

  /** The lane of a record read from {@code topic}: bulk only for the configured bulk topic. */
  static Lane of(String topic, Topics topics) {
    return topics.bulkRequests().equals(topic) ? BULK : LIVE;
  }
}
