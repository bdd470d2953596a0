package dev.identitystream.emulator;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * Probabilities (each 0..1, together at most 1) that a valid request gets a fault instead of its
 * normal answer. The draw for the k-th request is a pure function of the seed and k, so a run with
 * the same seed and the same request order injects the same faults.
 *
 * @param rates the rate of each kind; kinds not in the map have rate 0
 */
public record FaultRates(Map<FaultKind, Double> rates) {

  public FaultRates {
    EnumMap<FaultKind, Double> copy = new EnumMap<>(FaultKind.class);
    double sum = 0;
    for (Map.Entry<FaultKind, Double> e : rates.entrySet()) {
      double rate = e.getValue();
      if (!(rate >= 0 && rate <= 1)) {
        throw new IllegalArgumentException("rate of " + e.getKey() + " must be in [0, 1]: " + rate);
      }
      if (rate > 0) {
        copy.put(e.getKey(), rate);
        sum += rate;
      }
    }
    if (sum > 1 + 1e-9) {
      throw new IllegalArgumentException("fault rates add up to more than 1: " + sum);
    }
    rates = Collections.unmodifiableMap(copy);
  }

  /** No faults. */
  public static FaultRates none() {
    return new FaultRates(Map.of());
  }

  /** A copy with the rate of one kind replaced. */
  public FaultRates with(FaultKind kind, double rate) {
    EnumMap<FaultKind, Double> copy = new EnumMap<>(FaultKind.class);
    copy.putAll(rates);
    copy.put(kind, rate);
    return new FaultRates(copy);
  }

  public double rate(FaultKind kind) {
    return rates.getOrDefault(kind, 0.0);
  }

  public boolean isEmpty() {
    return rates.isEmpty();
  }

  /** The fault for a uniform draw {@code u} in [0, 1), or null for a normal answer. */
  FaultKind pick(double u) {
    double edge = 0;
    for (Map.Entry<FaultKind, Double> e : rates.entrySet()) {
      edge += e.getValue();
      if (u < edge) {
        return e.getKey();
      }
    }
    return null;
  }
}
