package dev.identitystream.plaid.cassette;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.identitystream.plaid.PlaidJson;
import dev.identitystream.plaid.PlaidResult;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Appends entries to a cassette file, one JSON line per call, each flushed to the operating system
 * as soon as it is written (not forced to disk).
 *
 * <p>A write that fails is kept as {@link #failure()} and every later write is dropped: the caller
 * checks it and stops, since the cassette would lack calls.
 *
 * <p>Threading: {@link #write} may be called from any thread (results complete on HTTP threads);
 * the lines never interleave and their {@code seq} follows the file order.
 */
public final class CassetteWriter implements AutoCloseable {

  private final BufferedWriter out;
  private long sequence;
  private long written;
  private boolean closed;
  private volatile IOException failure;

  private CassetteWriter(BufferedWriter out, long lastSequence) {
    this.out = out;
    this.sequence = lastSequence;
  }

  /** Starts a cassette: the file is created, or replaced if it exists, with this header. */
  public static CassetteWriter startNew(Path file, Cassette.Header header) throws IOException {
    BufferedWriter out =
        Files.newBufferedWriter(
            file,
            StandardCharsets.UTF_8,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE);
    try {
      out.write(PlaidJson.mapper().writeValueAsString(header.toJson()));
      out.write('\n');
      out.flush();
    } catch (IOException e) {
      out.close();
      throw e;
    }
    return new CassetteWriter(out, 0);
  }

  /**
   * Continues a cassette already read with {@link Cassette#read}: new entries follow its last one.
   *
   * @throws IOException when its last line is cut off (no final newline)
   */
  public static CassetteWriter appendTo(Path file, Cassette existing) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
      if (raf.length() > 0) {
        raf.seek(raf.length() - 1);
        if (raf.read() != '\n') {
          throw new IOException(file + " does not end with a newline (was its last line cut off?)");
        }
      }
    }
    BufferedWriter out =
        Files.newBufferedWriter(
            file, StandardCharsets.UTF_8, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    return new CassetteWriter(out, existing.lastSequence());
  }

  /** Appends one call's final result under its request's fingerprint. Never throws. */
  public synchronized void write(String fingerprint, PlaidResult result) {
    if (closed || failure != null) {
      return;
    }
    try {
      ObjectNode entry = JsonNodeFactory.instance.objectNode();
      entry.put("fingerprint", fingerprint);
      entry.put("seq", sequence + 1);
      CassetteCodec.write(result, entry);
      out.write(PlaidJson.mapper().writeValueAsString(entry));
      out.write('\n');
      out.flush();
      sequence++;
      written++;
    } catch (IOException | RuntimeException e) {
      failure =
          e instanceof IOException io
              ? io
              : new IOException("cannot encode a result: " + e.getClass().getName());
    }
  }

  /** The first write that failed, or null. */
  public IOException failure() {
    return failure;
  }

  /** Entries written by this writer. */
  public synchronized long written() {
    return written;
  }

  /** Closes the file; later writes (calls still completing) are dropped. */
  @Override
  public synchronized void close() throws IOException {
    if (!closed) {
      closed = true;
      out.close();
    }
  }
}
