package dev.identitystream.emulator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts what the emulator does, cheaply enough for tens of thousands of requests per second.
 *
 * <p>Threading: every method may be called from any thread. Counters are lock-free; the per-second
 * counts and the arrival ring share one short lock.
 */
final class StatsRecorder {

  static final int SECONDS_KEPT = 600;

  private final long startNanos = System.nanoTime();
  private final Instant startInstant = Instant.now();
  private final long startEpochNanos =
      startInstant.getEpochSecond() * 1_000_000_000L + startInstant.getNano();
  private final int arrivalCapacity;

  private final LongAdder requests = new LongAdder();
  private final AtomicLongArray byStatus = new AtomicLongArray(600);
  private final ConcurrentHashMap<String, LongAdder> byErrorCode = new ConcurrentHashMap<>();
  private final AtomicLongArray byFault = new AtomicLongArray(FaultKind.values().length);
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxConcurrent = new AtomicInteger();

  private final Object lock = new Object();
  private final long[] secondStamp = new long[SECONDS_KEPT];
  private final long[] secondCount = new long[SECONDS_KEPT];
  private final long[] arrivalNanos;
  private final String[] arrivalItem;
  private long arrivalsRecorded;

  StatsRecorder(int arrivalCapacity) {
    this.arrivalCapacity = arrivalCapacity;
    this.arrivalNanos = new long[arrivalCapacity];
    this.arrivalItem = new String[arrivalCapacity];
  }

  /** A request arrived (at {@code nowNanos}, from {@link System#nanoTime()}). */
  void begin(long nowNanos) {
    requests.increment();
    int now = inFlight.incrementAndGet();
    maxConcurrent.accumulateAndGet(now, Math::max);
    long second = Math.floorDiv(startEpochNanos + (nowNanos - startNanos), 1_000_000_000L);
    int slot = (int) Math.floorMod(second, (long) SECONDS_KEPT);
    synchronized (lock) {
      if (secondStamp[slot] != second) {
        secondStamp[slot] = second;
        secondCount[slot] = 0;
      }
      secondCount[slot]++;
    }
  }

  /** Records the arrival time of a request and the Item it asked about (null when unknown). */
  void arrival(long arrivalNanos, String itemId) {
    if (arrivalCapacity == 0) {
      return;
    }
    synchronized (lock) {
      int slot = (int) (arrivalsRecorded % arrivalCapacity);
      this.arrivalNanos[slot] = arrivalNanos;
      this.arrivalItem[slot] = itemId;
      arrivalsRecorded++;
    }
  }

  /** A request is about to be answered with {@code status}, or closed without answer (0). */
  void end(int status, String errorCode, FaultKind fault) {
    if (status > 0 && status < byStatus.length()) {
      byStatus.incrementAndGet(status);
    }
    if (errorCode != null) {
      byErrorCode.computeIfAbsent(errorCode, c -> new LongAdder()).increment();
    }
    if (fault != null) {
      byFault.incrementAndGet(fault.ordinal());
    }
    inFlight.decrementAndGet();
  }

  EmulatorStats snapshot() {
    Map<Integer, Long> statuses = new HashMap<>();
    for (int s = 0; s < byStatus.length(); s++) {
      if (byStatus.get(s) > 0) {
        statuses.put(s, byStatus.get(s));
      }
    }
    Map<String, Long> codes = new HashMap<>();
    byErrorCode.forEach((code, count) -> codes.put(code, count.sum()));
    Map<FaultKind, Long> faults = new EnumMap<>(FaultKind.class);
    for (FaultKind kind : FaultKind.values()) {
      if (byFault.get(kind.ordinal()) > 0) {
        faults.put(kind, byFault.get(kind.ordinal()));
      }
    }
    TreeMap<Long, Long> perSecond = new TreeMap<>();
    List<EmulatorStats.Arrival> arrivals = new ArrayList<>();
    synchronized (lock) {
      long oldest = Instant.now().getEpochSecond() - SECONDS_KEPT;
      for (int i = 0; i < SECONDS_KEPT; i++) {
        if (secondCount[i] > 0 && secondStamp[i] > oldest) {
          perSecond.put(secondStamp[i], secondCount[i]);
        }
      }
      long kept = Math.min(arrivalsRecorded, arrivalCapacity);
      for (long n = arrivalsRecorded - kept; n < arrivalsRecorded; n++) {
        int slot = (int) (n % arrivalCapacity);
        arrivals.add(new EmulatorStats.Arrival(toInstant(arrivalNanos[slot]), arrivalItem[slot]));
      }
    }
    arrivals.sort((a, b) -> a.at().compareTo(b.at()));
    return new EmulatorStats(
        requests.sum(),
        statuses,
        codes,
        faults,
        inFlight.get(),
        maxConcurrent.get(),
        perSecond,
        arrivals);
  }

  private Instant toInstant(long nanos) {
    return startInstant.plusNanos(nanos - startNanos);
  }
}
