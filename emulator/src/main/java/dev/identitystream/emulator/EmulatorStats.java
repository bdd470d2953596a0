package dev.identitystream.emulator;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A snapshot of what the emulator has seen since it started (or since {@link
 * PlaidEmulator#resetStats()}).
 *
 * @param requests requests received (every path, every outcome)
 * @param byStatus answers by HTTP status (faults without an answer are not here)
 * @param byErrorCode Plaid error answers by {@code error_code} (fault-injected ones included)
 * @param byFault injected faults by kind (rates and {@code fail<N>x} tokens)
 * @param inFlight requests received and not yet answered or closed
 * @param maxConcurrent the most requests in flight at once
 * @param perSecond requests received per wall-clock second (epoch second to count), for the last
 *     600 seconds
 * @param arrivals the most recent arrivals (bounded by {@link EmulatorOptions#arrivalHistory()}),
 *     oldest first
 */
public record EmulatorStats(
    long requests,
    Map<Integer, Long> byStatus,
    Map<String, Long> byErrorCode,
    Map<FaultKind, Long> byFault,
    int inFlight,
    int maxConcurrent,
    SortedMap<Long, Long> perSecond,
    List<Arrival> arrivals) {

  /** One line for the console: requests, in flight, the most at once, answers by status, faults. */
  public String summary() {
    return "requests="
        + requests
        + " inFlight="
        + inFlight
        + " maxConcurrent="
        + maxConcurrent
        + " byStatus="
        + byStatus
        + " byFault="
        + byFault;
  }

  /**
   * One request's arrival.
   *
   * @param at when it arrived
   * @param itemId the Item it asked about, or null when it was rejected before the token was read
   */
  public record Arrival(Instant at, String itemId) {}

  public EmulatorStats {
    byStatus = Map.copyOf(byStatus);
    byErrorCode = Map.copyOf(byErrorCode);
    byFault = Map.copyOf(byFault);
    perSecond = Collections.unmodifiableSortedMap(new TreeMap<>(perSecond));
    arrivals = List.copyOf(arrivals);
  }

  /** Answers with this HTTP status. */
  public long status(int httpStatus) {
    return byStatus.getOrDefault(httpStatus, 0L);
  }

  /** Error answers with this {@code error_code}. */
  public long errorCode(String code) {
    return byErrorCode.getOrDefault(code, 0L);
  }

  public long fault(FaultKind kind) {
    return byFault.getOrDefault(kind, 0L);
  }

  /**
   * The largest number of recorded arrivals inside any window of length {@code window} (a sliding
   * window over {@link #arrivals()}), e.g. to check a client's requests-per-minute limit.
   *
   * @param itemId only arrivals for this Item, or null for all
   */
  public int maxArrivalsWithin(Duration window, String itemId) {
    List<Instant> times = new ArrayList<>();
    for (Arrival a : arrivals) {
      if (itemId == null || itemId.equals(a.itemId())) {
        times.add(a.at());
      }
    }
    Collections.sort(times);
    int best = 0;
    int start = 0;
    for (int end = 0; end < times.size(); end++) {
      while (Duration.between(times.get(start), times.get(end)).compareTo(window) >= 0) {
        start++;
      }
      best = Math.max(best, end - start + 1);
    }
    return best;
  }
}
