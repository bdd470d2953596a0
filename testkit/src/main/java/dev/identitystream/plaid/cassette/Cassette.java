package dev.identitystream.plaid.cassette;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.identitystream.plaid.PlaidJson;
import dev.identitystream.plaid.PlaidResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A cassette read into memory: the final result of every recorded Plaid call, by request
 * fingerprint, in the order they were recorded (see {@code docs/CASSETTE.md}).
 *
 * <p>File format, JSON Lines in UTF-8: first a {@link Header}, then one entry per call: {@code
 * fingerprint}, {@code seq} (1, 2, 3... in file order), then the result's fields ({@link
 * CassetteCodec}). Nothing in it is the access token. Entries are read without a tree: bodies are
 * taken from the line's bytes exactly as they were written.
 *
 * <p>Threading: immutable once read.
 */
public final class Cassette {

  /** The format this code writes and reads. */
  public static final int FORMAT_VERSION = 1;

  private static final String MAGIC = "plaid-identity-stream";
  private static final Pattern FINGERPRINT = Pattern.compile("[0-9a-f]{64}");

  /**
   * The first line of a cassette.
   *
   * @param recordedAt when the recording started (a replay's default clock)
   * @param fingerprint the fingerprint algorithm, {@link Fingerprinter#ALGORITHM}
   * @param keyId {@link Fingerprinter#keyId()} of the recording's key
   */
  public record Header(int formatVersion, Instant recordedAt, String fingerprint, String keyId) {

    public Header {
      Objects.requireNonNull(recordedAt, "recordedAt");
      Objects.requireNonNull(fingerprint, "fingerprint");
      Objects.requireNonNull(keyId, "keyId");
    }

    /** The header of a new recording with this key. */
    public static Header of(Instant recordedAt, Fingerprinter fingerprinter) {
      return new Header(FORMAT_VERSION, recordedAt, Fingerprinter.ALGORITHM, fingerprinter.keyId());
    }

    ObjectNode toJson() {
      ObjectNode node = JsonNodeFactory.instance.objectNode();
      node.put("cassette", MAGIC);
      node.put("format_version", formatVersion);
      node.put("recorded_at", recordedAt.toString());
      node.put("fingerprint", fingerprint);
      node.put("key_id", keyId);
      return node;
    }

    static Header fromJson(JsonNode node) {
      if (!MAGIC.equals(node.path("cassette").asText(null))) {
        throw new IllegalArgumentException(
            "not a cassette header (no \"cassette\": \"" + MAGIC + "\")");
      }
      int version = node.path("format_version").asInt(-1);
      if (version != FORMAT_VERSION) {
        throw new IllegalArgumentException(
            "format_version " + node.get("format_version") + " is not " + FORMAT_VERSION);
      }
      if (!Fingerprinter.ALGORITHM.equals(node.path("fingerprint").asText(null))) {
        throw new IllegalArgumentException(
            "unknown fingerprint algorithm " + node.get("fingerprint"));
      }
      try {
        return new Header(
            version,
            Instant.parse(node.path("recorded_at").asText("")),
            Fingerprinter.ALGORITHM,
            node.path("key_id").asText(""));
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("recorded_at is not an RFC 3339 UTC instant");
      }
    }
  }

  /** A file that is not a valid cassette; the message names the line. */
  public static final class FormatException extends IOException {
    private static final long serialVersionUID = 1L;

    FormatException(Path file, long line, String problem) {
      super(file + " line " + line + ": " + problem);
    }
  }

  private final Path file;
  private final Header header;
  private final Map<String, List<PlaidResult>> byFingerprint;
  private final long entries;
  private final long lastSequence;

  private Cassette(
      Path file,
      Header header,
      Map<String, List<PlaidResult>> byFingerprint,
      long entries,
      long lastSequence) {
    this.file = file;
    this.header = header;
    this.byFingerprint = byFingerprint;
    this.entries = entries;
    this.lastSequence = lastSequence;
  }

  /**
   * Reads and checks a whole cassette.
   *
   * @throws FormatException naming the first bad line (never quoting it)
   */
  public static Cassette read(Path file) throws IOException {
    Header header = null;
    Map<String, List<PlaidResult>> byFingerprint = new HashMap<>();
    long entries = 0;
    long lastSequence = 0;
    long number = 0;
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        try {
          if (header == null) {
            JsonNode node = PlaidJson.treeReader().readTree(line);
            if (node == null || !node.isObject()) {
              throw new IllegalArgumentException("not a JSON object");
            }
            header = Header.fromJson(node);
            continue;
          }
          byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
          CassetteCodec.Entry entry = CassetteCodec.entry(bytes, 0, bytes.length);
          String fingerprint = entry.fingerprint() == null ? "" : entry.fingerprint();
          if (!FINGERPRINT.matcher(fingerprint).matches()) {
            throw new IllegalArgumentException("'fingerprint' is not 64 lower-case hex digits");
          }
          long seq = entry.seq() == null ? -1 : entry.seq();
          if (seq <= lastSequence) {
            throw new IllegalArgumentException(
                "'seq' is not an integer above the previous entry's " + lastSequence);
          }
          byFingerprint
              .computeIfAbsent(fingerprint, f -> new ArrayList<>())
              .add(CassetteCodec.read(bytes, entry));
          entries++;
          lastSequence = seq;
        } catch (IOException | IllegalArgumentException e) {
          throw new FormatException(
              file, number, e instanceof IOException ? "not valid JSON" : e.getMessage());
        }
      }
    }
    if (header == null) {
      throw new FormatException(file, Math.max(1, number), "empty: no cassette header");
    }
    byFingerprint.replaceAll((fingerprint, results) -> List.copyOf(results));
    return new Cassette(file, header, Map.copyOf(byFingerprint), entries, lastSequence);
  }

  /** The file it was read from. */
  public Path file() {
    return file;
  }

  public Header header() {
    return header;
  }

  /** The results recorded for a fingerprint, in recording order; empty when none. */
  public List<PlaidResult> results(String fingerprint) {
    return byFingerprint.getOrDefault(fingerprint, List.of());
  }

  public boolean contains(String fingerprint) {
    return byFingerprint.containsKey(fingerprint);
  }

  /** How many calls were recorded. */
  public long entries() {
    return entries;
  }

  /** How many distinct requests were recorded. */
  public int fingerprints() {
    return byFingerprint.size();
  }

  /** The last entry's {@code seq}, 0 when there is none. */
  public long lastSequence() {
    return lastSequence;
  }
}
