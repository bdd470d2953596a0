package dev.identitystream.plaid;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A response body read into one array, or the note that it exceeded the cap.
 *
 * @param bytes the body in {@code bytes[0, length)}; empty when {@code tooLarge}
 * @param length how many bytes of {@code bytes} are the body
 * @param tooLarge whether the body (or its declared length) exceeded the cap; reading stopped
 */
record CappedBody(byte[] bytes, int length, boolean tooLarge) {

  private static final byte[] EMPTY = new byte[0];
  private static final int INITIAL_CAPACITY = 16 * 1024;

  static CappedBody exceeded() {
    return new CappedBody(EMPTY, 0, true);
  }

  /**
   * Collects the chunks of one body into one array, copying each chunk once, and says as soon as
   * the body passes {@code maxBytes} so that the transport stops reading (and closes the
   * connection) instead of buffering the rest. Every {@link PlaidTransport} reads through one.
   *
   * <p>Threading: one collector per attempt, fed by one thread at a time (the transport's read
   * events are ordered and happen-before each other).
   */
  static final class Collector {
    private final int maxBytes;
    private byte[] buffer;
    private int length;
    private boolean exceeded;

    /**
     * @param declaredLength the {@code Content-Length}, or -1 when the body is chunked or the
     *     header is absent; a declared length over the cap makes the collector exceeded at once
     */
    Collector(int maxBytes, long declaredLength) {
      this.maxBytes = maxBytes;
      if (declaredLength > maxBytes) {
        exceeded = true;
        buffer = EMPTY;
      } else {
        buffer =
            new byte
                [declaredLength >= 0 ? (int) declaredLength : Math.min(INITIAL_CAPACITY, maxBytes)];
      }
    }

    /** Whether the body is already known to be over the cap (stop reading). */
    boolean exceeded() {
      return exceeded;
    }

    /**
     * Appends the remaining bytes of {@code chunk} (consuming them).
     *
     * @return false when the body now exceeds the cap: the caller must stop reading
     */
    boolean add(ByteBuffer chunk) {
      if (exceeded) {
        return false;
      }
      int n = chunk.remaining();
      if (n > maxBytes - length) {
        exceeded = true;
        buffer = EMPTY;
        return false;
      }
      if (n > buffer.length - length) {
        buffer =
            Arrays.copyOf(
                buffer, (int) Math.min(maxBytes, Math.max(2L * buffer.length, (long) length + n)));
      }
      chunk.get(buffer, length, n);
      length += n;
      return true;
    }

    /** The body read so far, complete: call once the transport saw its end. */
    CappedBody finish() {
      return exceeded ? CappedBody.exceeded() : new CappedBody(buffer, length, false);
    }
  }
}
