package dev.identitystream.app.observability;

import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Logback's {@link JsonEncoder} with the event's time as an RFC 3339 UTC string, first in each
 * object: {@code {"timestamp":"2026-11-28T10:36:16.123Z","level":"INFO",...}} (always milliseconds,
 * always {@code Z}) instead of epoch milliseconds. The other fields are JsonEncoder's.
 *
 * <p>Threading: as JsonEncoder (logback calls it under the appender's lock).
 */
public class Rfc3339JsonEncoder extends JsonEncoder {

  static final DateTimeFormatter RFC_3339_UTC =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final byte[] OPEN = "{\"timestamp\":\"".getBytes(StandardCharsets.US_ASCII);

  public Rfc3339JsonEncoder() {
    super.setWithTimestamp(false);
  }

  /** The epoch-millisecond timestamp stays off: this encoder writes its own. */
  @Override
  public void setWithTimestamp(boolean ignored) {
    super.setWithTimestamp(false);
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    byte[] rest = super.encode(event); // "{" fields "}\n", without a timestamp
    byte[] time =
        RFC_3339_UTC
            .format(Instant.ofEpochMilli(event.getTimeStamp()))
            .getBytes(StandardCharsets.US_ASCII);
    boolean more = rest.length > 1 && rest[1] != '}';
    byte[] out = new byte[OPEN.length + time.length + 1 + (more ? 1 : 0) + rest.length - 1];
    int at = 0;
    System.arraycopy(OPEN, 0, out, at, OPEN.length);
    at += OPEN.length;
    System.arraycopy(time, 0, out, at, time.length);
    at += time.length;
    out[at++] = '"';
    if (more) {
      out[at++] = ',';
    }
    System.arraycopy(rest, 1, out, at, rest.length - 1);
    return out;
  }
}
