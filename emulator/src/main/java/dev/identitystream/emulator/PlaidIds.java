package dev.identitystream.emulator;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Identifiers in Plaid's formats: 37-character case-sensitive {@code account_id} / {@code item_id},
 * 15-character {@code request_id}, UUID {@code document_id}.
 *
 * <p>Threading: {@link #nextRequestId()} may be called from any thread; the other methods only use
 * the generator passed in.
 */
final class PlaidIds {

  static final int OBJECT_ID_LENGTH = 37;
  static final int REQUEST_ID_LENGTH = 15;

  private static final char[] ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

  private final long seed;
  private final AtomicLong counter = new AtomicLong();

  /** Request ids are a seeded sequence: repeatable runs give repeatable ids. */
  PlaidIds(long seed) {
    this.seed = seed;
  }

  /** A fresh request id, e.g. {@code b5jvmskusjwX5Gs} (89 random bits: repeats are negligible). */
  String nextRequestId() {
    long n = counter.getAndIncrement();
    // Two 64-bit draws of a counter-indexed sequence give 15 base-62 characters.
    long a = Mix64.draw(seed, 2 * n);
    long b = Mix64.draw(seed, 2 * n + 1);
    char[] out = new char[REQUEST_ID_LENGTH];
    for (int i = 0; i < REQUEST_ID_LENGTH; i++) {
      long source = i < 8 ? a : b;
      out[i] = ALPHABET[(int) Math.floorMod(source >>> ((i % 8) * 7), (long) ALPHABET.length)];
    }
    return new String(out);
  }

  /** A 37-character Plaid object id drawn from {@code random}. */
  static String objectId(Mix64 random) {
    char[] out = new char[OBJECT_ID_LENGTH];
    for (int i = 0; i < OBJECT_ID_LENGTH; i++) {
      out[i] = ALPHABET[random.nextInt(ALPHABET.length)];
    }
    return new String(out);
  }

  /** A version-4 style UUID drawn from {@code random}. */
  static String uuid(Mix64 random) {
    long high = (random.nextLong() & ~0xF000L) | 0x4000L;
    long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(high, low).toString();
  }
}
