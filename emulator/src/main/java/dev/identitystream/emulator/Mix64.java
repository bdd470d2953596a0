package dev.identitystream.emulator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A small SplitMix64 generator: the emulator's only source of randomness, so that the same seed (or
 * the same access token) always gives the same numbers on every JDK.
 *
 * <p>Threading: an instance is not thread-safe; create one per use. The static {@link #mix} is pure
 * and may be called from any thread (the emulator derives per-request draws from a seed and an
 * atomic request counter with it).
 */
final class Mix64 {

  private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
  private static final double DOUBLE_UNIT = 0x1.0p-53;

  private long state;

  Mix64(long seed) {
    this.state = seed;
  }

  /** The SHA-256 of a text. */
  static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }

  /** The SplitMix64 finalizer: a well-distributed 64-bit value for each input. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** The k-th draw of the sequence for {@code seed}, without any state. */
  static long draw(long seed, long k) {
    return mix(seed + (k + 1) * GOLDEN_GAMMA);
  }

  /** A uniform double in [0, 1) from a 64-bit value. */
  static double unit(long bits) {
    return (bits >>> 11) * DOUBLE_UNIT;
  }

  long nextLong() {
    state += GOLDEN_GAMMA;
    return mix(state);
  }

  double nextDouble() {
    return unit(nextLong());
  }

  /** A uniform int in [0, bound). */
  int nextInt(int bound) {
    if (bound <= 0) {
      throw new IllegalArgumentException("bound must be positive");
    }
    return (int) Math.floorMod(nextLong(), (long) bound);
  }

  /** A uniform int in [min, max]. */
  int between(int min, int max) {
    return min + nextInt(max - min + 1);
  }

  boolean chance(double probability) {
    return nextDouble() < probability;
  }

  <T> T pick(java.util.List<T> values) {
    return values.get(nextInt(values.size()));
  }
}
