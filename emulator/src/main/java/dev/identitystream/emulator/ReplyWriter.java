package dev.identitystream.emulator;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes a {@link Reply} to an exchange and closes it, including the damaged answers of injected
 * faults (truncated, oversize, dropped). A client that has gone away is not an error.
 *
 * <p>Threading: stateless; called from handler threads (no latency) or the scheduler (delayed
 * answers). Each exchange is written exactly once.
 */
final class ReplyWriter {

  private static final byte[] PADDING = new byte[64 * 1024];
  private static final byte[] PAD_OPEN =
      ",\"emulator_padding\":\"".getBytes(StandardCharsets.UTF_8);
  private static final byte[] PAD_CLOSE = "\"}".getBytes(StandardCharsets.UTF_8);

  static {
    Arrays.fill(PADDING, (byte) 'x');
  }

  private final int oversizeBytes;

  ReplyWriter(int oversizeBytes) {
    this.oversizeBytes = oversizeBytes;
  }

  /** Sends the reply (or breaks the exchange, for some faults) and closes the exchange. */
  void write(HttpExchange exchange, Reply reply) {
    try {
      if (reply.fault() == FaultKind.DROP || reply.fault() == FaultKind.TIMEOUT) {
        exchange.close(); // no headers sent: the JDK server closes the connection
        return;
      }
      exchange.getResponseHeaders().set("Content-Type", reply.contentType());
      if (reply.fault() == FaultKind.TRUNCATED) {
        writeTruncated(exchange, reply.body());
      } else if (reply.fault() == FaultKind.OVERSIZE) {
        writeOversize(exchange, reply.body());
      } else {
        exchange.sendResponseHeaders(reply.status(), reply.body().length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(reply.body());
        }
      }
    } catch (IOException | RuntimeException e) {
      exchange.close(); // the client went away, or a damaged answer: nothing else to do
    }
  }

  /** Declares the full length, sends half, then closes the connection. */
  private static void writeTruncated(HttpExchange exchange, byte[] body) throws IOException {
    exchange.sendResponseHeaders(200, body.length);
    OutputStream out = exchange.getResponseBody();
    out.write(body, 0, body.length / 2);
    out.flush();
    exchange.close(); // fewer bytes than declared: the JDK server closes the connection
  }

  /** A valid JSON body padded with an unknown string field up to the configured size. */
  private void writeOversize(HttpExchange exchange, byte[] body) throws IOException {
    long pad =
        Math.max(0, (long) oversizeBytes - body.length - PAD_OPEN.length - PAD_CLOSE.length + 1);
    long length = body.length - 1 + PAD_OPEN.length + pad + PAD_CLOSE.length;
    exchange.sendResponseHeaders(200, length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body, 0, body.length - 1); // without the closing brace
      out.write(PAD_OPEN);
      for (long left = pad; left > 0; left -= PADDING.length) {
        out.write(PADDING, 0, (int) Math.min(left, PADDING.length));
      }
      out.write(PAD_CLOSE);
    }
  }
}
