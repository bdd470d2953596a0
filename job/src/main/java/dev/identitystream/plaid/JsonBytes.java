package dev.identitystream.plaid;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Byte-level rules for response bodies, shared by the 200 and error readers:
 *
 * <ul>
 *   <li>{@link #checkedStart}: a body must be UTF-8 (RFC 8259 §8.1) and well-formed per Unicode's
 *       table 3-7 (no overlong forms, no encoded surrogates, nothing above U+10FFFF) and hold no
 *       NUL byte (which valid JSON text never has outside an escape, and UTF-16 and UTF-32 text
 *       always has). A leading UTF-8 byte order mark is skipped, as RFC 8259 allows. Jackson alone
 *       would read a UTF-16 body, or accept overlong forms that a later decode replaces by U+FFFD.
 *   <li>{@link #compact}: a JSON value's bytes with the whitespace between tokens removed, which is
 *       how accounts, the Item and Plaid errors are kept: numbers, escapes and unicode as sent.
 *   <li>{@link #classified}: the parse errors that mean "cannot be passed on exactly" (duplicate
 *       names, too deep) rather than "not JSON".
 * </ul>
 *
 * <p>Threading: stateless.
 */
final class JsonBytes {

  /** Eight bytes of an array as one long, the first byte lowest. */
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private static final long LOW_BITS = 0x0101010101010101L;
  private static final long HIGH_BITS = 0x8080808080808080L;

  private JsonBytes() {}

  /**
   * Checks {@code body[offset, offset + length)} and returns where its JSON starts (after a UTF-8
   * byte order mark, if any).
   *
   * @throws UnusableBodyException naming the first offending byte's offset
   */
  static int checkedStart(byte[] body, int offset, int length) {
    int end = offset + length;
    if (length >= 4
        && ((body[offset] == 0
                && body[offset + 1] == 0
                && body[offset + 2] == (byte) 0xFE
                && body[offset + 3] == (byte) 0xFF)
            || (body[offset] == (byte) 0xFF
                && body[offset + 1] == (byte) 0xFE
                && body[offset + 2] == 0
                && body[offset + 3] == 0))) {
      throw new UnusableBodyException(
          "response body starts with a UTF-32 byte order mark; JSON must be UTF-8");
    }
    if (length >= 2
        && ((body[offset] == (byte) 0xFE && body[offset + 1] == (byte) 0xFF)
            || (body[offset] == (byte) 0xFF && body[offset + 1] == (byte) 0xFE))) {
      throw new UnusableBodyException(
          "response body starts with a UTF-16 byte order mark; JSON must be UTF-8");
    }
    int start = offset;
    if (length >= 3
        && body[offset] == (byte) 0xEF
        && body[offset + 1] == (byte) 0xBB
        && body[offset + 2] == (byte) 0xBF) {
      start += 3;
    }
    int i = start;
    while (i < end) {
      if (end - i >= Long.BYTES && isAsciiWithoutNul((long) LONGS.get(body, i))) {
        i += Long.BYTES; // most of a body: eight bytes at once
        continue;
      }
      byte b = body[i];
      if (b > 0) {
        i++;
      } else if (b == 0) {
        throw new UnusableBodyException(
            "response body has a NUL byte at offset "
                + (i - offset)
                + " (UTF-16 or UTF-32?); JSON must be UTF-8");
      } else {
        int n = sequenceLength(body, i, end);
        if (n < 0) {
          throw new UnusableBodyException(
              "response body is not well-formed UTF-8 at offset " + (i - offset));
        }
        i += n;
      }
    }
    return start;
  }

  /**
   * Whether eight bytes are all ASCII and none is 0: no byte has its high bit set, and {@code (w -
   * LOW_BITS) & ~w} sets the high bit of some byte exactly when some byte is 0 (a borrow can mark a
   * byte above a 0 as well, which does not change the answer).
   */
  private static boolean isAsciiWithoutNul(long w) {
    return ((((w - LOW_BITS) & ~w) | w) & HIGH_BITS) == 0;
  }

  /** The length of the well-formed UTF-8 sequence at {@code i} (a non-ASCII lead byte), or -1. */
  private static int sequenceLength(byte[] b, int i, int end) {
    int lead = b[i] & 0xFF;
    int n;
    int min = 0x80;
    int max = 0xBF; // the allowed range of the second byte (Unicode table 3-7)
    if (lead >= 0xC2 && lead <= 0xDF) {
      n = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      n = 3;
      min = lead == 0xE0 ? 0xA0 : 0x80;
      max = lead == 0xED ? 0x9F : 0xBF;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      n = 4;
      min = lead == 0xF0 ? 0x90 : 0x80;
      max = lead == 0xF4 ? 0x8F : 0xBF;
    } else {
      return -1;
    }
    if (i + n > end) {
      return -1;
    }
    int second = b[i + 1] & 0xFF;
    if (second < min || second > max) {
      return -1;
    }
    for (int k = 2; k < n; k++) {
      if ((b[i + k] & 0xC0) != 0x80) {
        return -1;
      }
    }
    return n;
  }

  /**
   * The JSON text in {@code body[start, end)} without the whitespace between tokens. The parser has
   * already checked it is well-formed, so only strings (and their escapes) need tracking.
   *
   * <p>Text that is already compact (generated JSON often is) is recognised by a scan that writes
   * nothing, then copied at once; other text is copied a string or a byte at a time.
   */
  static byte[] compact(byte[] body, int start, int end) {
    int i = start;
    while (i < end) {
      byte b = body[i];
      if (b == '"') {
        i = afterString(body, i + 1, end);
      } else if (isWhitespace(b)) {
        break;
      } else {
        i++;
      }
    }
    if (i == end) {
      return Arrays.copyOfRange(body, start, end);
    }
    byte[] out = new byte[end - start];
    int n = i - start;
    System.arraycopy(body, start, out, 0, n);
    while (i < end) {
      byte b = body[i];
      if (b == '"') {
        int after = afterString(body, i + 1, end);
        System.arraycopy(body, i, out, n, after - i);
        n += after - i;
        i = after;
      } else {
        if (!isWhitespace(b)) {
          out[n++] = b;
        }
        i++;
      }
    }
    return Arrays.copyOf(out, n);
  }

  /**
   * JSON's whitespace: space, line feed, carriage return, tab (the first test rules out most
   * bytes).
   */
  private static boolean isWhitespace(byte b) {
    return b <= ' ' && (b == ' ' || b == '\n' || b == '\r' || b == '\t');
  }

  /** The index just after the closing quote of the string whose content starts at {@code i}. */
  private static int afterString(byte[] body, int i, int end) {
    while (i < end) {
      byte b = body[i++];
      if (b == '"') {
        return i;
      }
      if (b == '\\') {
        i++;
      }
    }
    return end;
  }

  /**
   * The exception to throw for a parse error: {@link UnusableBodyException} for a duplicate name or
   * a nesting limit (valid JSON the job will not pass on), else the error itself (not JSON).
   */
  static IOException classified(IOException error) {
    if (error instanceof StreamConstraintsException) {
      throw new UnusableBodyException(
          "response body is nested deeper than " + PlaidJson.MAX_NESTING_DEPTH + " levels");
    }
    if (error instanceof JsonParseException parse && isRepeatedName(parse)) {
      long at = parse.getLocation() == null ? -1 : parse.getLocation().getByteOffset();
      throw new UnusableBodyException(
          "response body repeats a field name in one object (near offset " + at + ")");
    }
    return error;
  }

  /** Whether Jackson's strict parser threw this for a name repeated in one object. */
  static boolean isRepeatedName(JsonParseException error) {
    return error.getOriginalMessage() != null
        && error.getOriginalMessage().startsWith("Duplicate field");
  }
}
