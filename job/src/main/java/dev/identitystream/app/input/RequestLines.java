package dev.identitystream.app.input;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.identitystream.event.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads an {@code enqueue} input file into request values, one per line (JSONL) or row (CSV).
 *
 * <p>JSONL: every non-blank line is sent as is (the validator decides). CSV: a header row names the
 * columns {@code access_token} (required), {@code item_id}, {@code account_ids} (separated by
 * {@code ;} or {@code |}), {@code attributes} (a JSON object or {@code key=value;key=value}) and
 * {@code request_id}; empty cells are absent; other columns are ignored. Messages never quote a
 * cell.
 *
 * <p>Threading: not thread-safe; one reader per input.
 */
public final class RequestLines {

  /** Input formats. */
  public enum Format {
    CSV,
    JSONL
  }

  /** One input line: its number and value bytes, or why it could not be turned into a value. */
  public record Line(long number, byte[] value, String formatError) {
    static Line ok(long number, byte[] value) {
      return new Line(number, value, null);
    }

    static Line bad(long number, String error) {
      return new Line(number, null, error);
    }
  }

  private static final List<String> CSV_COLUMNS =
      List.of("access_token", "item_id", "account_ids", "attributes", "request_id");

  private RequestLines() {}

  /** Picks the format from the file name's extension; null when it has no known one. */
  public static Format formatOf(String fileName) {
    String name = fileName.toLowerCase(java.util.Locale.ROOT);
    if (name.endsWith(".csv")) {
      return Format.CSV;
    }
    if (name.endsWith(".jsonl") || name.endsWith(".ndjson") || name.endsWith(".json")) {
      return Format.JSONL;
    }
    return null;
  }

  /** Calls {@code sink} for every line of the input, in order. */
  public static void read(Reader input, Format format, Consumer<Line> sink) throws IOException {
    if (format == Format.JSONL) {
      readJsonLines(input, sink);
    } else {
      readCsv(input, sink);
    }
  }

  private static void readJsonLines(Reader input, Consumer<Line> sink) throws IOException {
    BufferedReader reader = new BufferedReader(input);
    long number = 0;
    for (String text = reader.readLine(); text != null; text = reader.readLine()) {
      number++;
      if (!text.isBlank()) {
        sink.accept(Line.ok(number, text.strip().getBytes(StandardCharsets.UTF_8)));
      }
    }
  }

  private static void readCsv(Reader input, Consumer<Line> sink) throws IOException {
    CsvMapper mapper = new CsvMapper();
    mapper.enable(CsvParser.Feature.TRIM_SPACES);
    mapper.enable(CsvParser.Feature.SKIP_EMPTY_LINES);
    CsvSchema schema = CsvSchema.emptySchema().withHeader();
    try (MappingIterator<Map<String, String>> rows =
        mapper.readerFor(Map.class).with(schema).readValues(input)) {
      CsvSchema header = (CsvSchema) rows.getParserSchema();
      if (header == null || header.column("access_token") == null) {
        throw new IOException("the CSV header has no access_token column");
      }
      long number = 1; // the header; a row's number is its line when no cell spans lines
      while (true) {
        Map<String, String> row;
        try {
          if (!rows.hasNextValue()) {
            break;
          }
          row = rows.nextValue();
          number++;
        } catch (IOException | RuntimeException e) {
          // Jackson's message may quote the row: report the position only, then stop (the rest
          // of a file whose quoting broke cannot be trusted).
          sink.accept(Line.bad(number + 1, "the CSV row could not be parsed (unbalanced quotes?)"));
          return;
        }
        sink.accept(toValue(number, row));
      }
    }
  }

  private static Line toValue(long number, Map<String, String> row) {
    ObjectNode value = Json.mapper().createObjectNode();
    for (String column : CSV_COLUMNS) {
      String cell = row.get(column);
      if (cell == null || cell.isEmpty()) {
        continue;
      }
      switch (column) {
        case "account_ids" -> {
          var ids = value.putArray(column);
          for (String id : cell.split("[;|]")) {
            if (!id.isBlank()) {
              ids.add(id.strip());
            }
          }
        }
        case "attributes" -> {
          JsonNode attributes = attributes(cell);
          if (attributes == null) {
            return Line.bad(number, "attributes is neither a JSON object nor key=value;key=value");
          }
          value.set(column, attributes);
        }
        default -> value.put(column, cell);
      }
    }
    try {
      return Line.ok(number, Json.mapper().writeValueAsBytes(value));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A JSON object as given, or one built from {@code key=value;...}; null when neither. */
  private static JsonNode attributes(String cell) {
    if (cell.startsWith("{")) {
      try {
        JsonNode node = Json.mapper().readTree(cell);
        return node != null && node.isObject() ? node : null;
      } catch (IOException e) {
        return null;
      }
    }
    ObjectNode attributes = Json.mapper().createObjectNode();
    for (String pair : cell.split(";")) {
      if (pair.isBlank()) {
        continue;
      }
      int equals = pair.indexOf('=');
      if (equals <= 0) {
        return null;
      }
      attributes.put(pair.substring(0, equals).strip(), pair.substring(equals + 1).strip());
    }
    return attributes;
  }
}
