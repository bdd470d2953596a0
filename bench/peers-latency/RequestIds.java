package bench;

/**
 * Finds the request index i in a JSON value carrying {@code "request_id":"req-<i>"}, the id the peer bench's loaders
 * give (both peers copy it into every account record), without decoding the value: the latency watcher reads every
 * account record of a run while the peer runs on the same two cores.
 */
final class RequestIds {
  private static final byte[] FIELD = "\"request_id\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final byte[] PREFIX = "req-".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private RequestIds() {}

  /** @return i of the first {@code "request_id": "req-<i>"} in the value, or -1 if there is none */
  static int indexOf(byte[] value) {
    if (value == null) {
      return -1;
    }
    for (int at = find(value, FIELD, 0); at >= 0; at = find(value, FIELD, at + 1)) {
      int p = skipSpaces(value, at + FIELD.length);
      if (p >= value.length || value[p] != ':') {
        continue; // the name inside a string, not a field
      }
      p = skipSpaces(value, p + 1);
      if (p >= value.length || value[p] != '"' || !startsWith(value, PREFIX, p + 1)) {
        return -1;
      }
      long i = 0;
      int digits = 0;
      for (p += 1 + PREFIX.length; p < value.length && value[p] >= '0' && value[p] <= '9'; p++, digits++) {
        i = i * 10 + (value[p] - '0');
      }
      return digits == 0 || digits > 9 || p >= value.length || value[p] != '"' ? -1 : (int) i;
    }
    return -1;
  }

  private static int find(byte[] in, byte[] what, int from) {
    for (int i = from; i <= in.length - what.length; i++) {
      if (startsWith(in, what, i)) {
        return i;
      }
    }
    return -1;
  }

  private static boolean startsWith(byte[] in, byte[] what, int at) {
    if (at + what.length > in.length) {
      return false;
    }
    for (int j = 0; j < what.length; j++) {
      if (in[at + j] != what[j]) {
        return false;
      }
    }
    return true;
  }

  private static int skipSpaces(byte[] in, int p) {
    while (p < in.length && (in[p] == ' ' || in[p] == '\t' || in[p] == '\n' || in[p] == '\r')) {
      p++;
    }
    return p;
  }
}
