package dev.identitystream.topology;

import dev.identitystream.plaid.PlaidResult;

/**
 * What the call stage reports for metrics. The stage knows no metrics library: the application
 * implements this (with Micrometer) and passes it to {@link IdentityTopology#build}.
 *
 * <p>Threading: called on stream threads only (several at once when the job runs several), when the
 * stage forwards; implementations must be thread-safe and quick and must not throw.
 */
public interface StageMetrics {

  /** Reports nothing. */
  StageMetrics NONE = new StageMetrics() {};

  /**
   * One logical Plaid call's final result reached its outputs, {@code durationNanos} after the call
   * started (all attempts, waits and backoff included). Calls whose results are dropped (the task
   * closed meanwhile) are not reported: they are called again by the next owner.
   */
  default void onCallCompleted(PlaidResult result, long durationNanos) {}

  /** One record was forwarded to {@code topic} (its name, as configured). */
  default void onRecordOut(String topic) {}
}
