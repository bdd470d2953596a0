package dev.identitystream.emulator;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counts calls per {@code fail<N>x<KIND>} token, so that its first N calls fail. Memory is bounded:
 * the least recently used tokens are forgotten past {@code capacity} (a forgotten token starts
 * failing again from zero).
 *
 * <p>Threading: safe for concurrent use (one lock; only fail tokens take it).
 */
final class FailCounters {

  private final Map<String, Integer> calls;

  FailCounters(int capacity) {
    this.calls =
        new LinkedHashMap<>(64, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
            return size() > capacity;
          }
        };
  }

  /**
   * Counts one call for {@code tokenKey} (a hash of the token, never the token).
   *
   * @return true when this call is among the first {@code failures} and must fail
   */
  synchronized boolean countAndCheck(String tokenKey, int failures) {
    int seen = calls.merge(tokenKey, 1, (old, one) -> old > failures ? old : old + one);
    return seen <= failures;
  }

  synchronized void clear() {
    calls.clear();
  }
}
