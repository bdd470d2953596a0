package dev.identitystream.app.topics;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * Lays out a record value for {@code tail} exactly as the topic holds it: only the whitespace
 * between tokens changes (none when compact; objects on indented lines, arrays inline, when
 * pretty), so numbers of any form and length ({@code 1e400}, {@code -0.0}, {@code 1.0E2}, {@code
 * 1e10000}, a 1,500-digit integer), escapes and unicode print as Plaid sent them and the job wrote
 * them. A tree would rewrite some of them and fail on others; this never fails on a JSON value.
 *
 * <p>The value of a top-level {@code access_token} field (input and DLQ records) is replaced by
 * {@value RecordPrinter#REDACTED}.
 *
 * <p>Threading: stateless.
 */
final class JsonLayout {

  /** Checks that a value is one JSON value, whatever the length of its numbers and strings. */
  private static final JsonFactory CHECK =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNumberLength(Integer.MAX_VALUE)
                  .maxStringLength(Integer.MAX_VALUE)
                  .maxNameLength(Integer.MAX_VALUE)
                  .maxNestingDepth(Integer.MAX_VALUE)
                  .maxDocumentLength(-1)
                  .build())
          .build();

  private static final String ACCESS_TOKEN = "\"access_token\"";
  private static final String INDENT = "  ";

  private JsonLayout() {}

  /** The value laid out, or empty when it is not exactly one JSON value (printed as text then). */
  static Optional<String> of(byte[] value, boolean pretty) {
    if (value == null || !isOneJsonValue(value)) {
      return Optional.empty();
    }
    return Optional.of(layout(new String(value, StandardCharsets.UTF_8), pretty));
  }

  private static boolean isOneJsonValue(byte[] value) {
    try (JsonParser parser = CHECK.createParser(value)) {
      if (parser.nextToken() == null) {
        return false;
      }
      parser.skipChildren();
      return parser.nextToken() == null;
    } catch (IOException e) {
      return false;
    }
  }

  private static String layout(String json, boolean pretty) {
    StringBuilder out = new StringBuilder(json.length() + json.length() / 4);
    Deque<Character> open = new ArrayDeque<>();
    String lastTopLevelString = null;
    int i = 0;
    while (i < json.length()) {
      char c = json.charAt(i);
      switch (c) {
        case ' ', '\t', '\r', '\n' -> i++;
        case '"' -> {
          int end = endOfString(json, i);
          String token = json.substring(i, end);
          if (open.size() == 1 && open.peek() == '{') {
            lastTopLevelString = token;
          }
          out.append(token);
          i = end;
        }
        case '{', '[' -> {
          char close = c == '{' ? '}' : ']';
          int next = skipWhitespace(json, i + 1);
          if (json.charAt(next) == close) { // an empty container
            out.append(c).append(pretty ? " " : "").append(close);
            i = next + 1;
          } else {
            open.push(c);
            out.append(c);
            breakLine(out, pretty, c, open.size());
            i++;
          }
        }
        case '}', ']' -> {
          open.pop();
          breakLine(out, pretty, c == '}' ? '{' : '[', open.size());
          out.append(c);
          i++;
        }
        case ',' -> {
          out.append(',');
          breakLine(out, pretty, open.peek(), open.size());
          i++;
        }
        case ':' -> {
          out.append(pretty ? " : " : ":");
          i++;
          if (open.size() == 1 && ACCESS_TOKEN.equals(lastTopLevelString)) {
            out.append('"').append(RecordPrinter.REDACTED).append('"');
            i = endOfValue(json, skipWhitespace(json, i));
          }
        }
        default -> { // a number, true, false or null
          int end = endOfValue(json, i);
          out.append(json, i, end);
          i = end;
        }
      }
    }
    return out.toString();
  }

  /** After an opening bracket, a comma or before a closing one: a new line in an object. */
  private static void breakLine(StringBuilder out, boolean pretty, char container, int depth) {
    if (!pretty) {
      return;
    }
    if (container == '{') {
      out.append(System.lineSeparator()).append(INDENT.repeat(depth));
    } else {
      out.append(' ');
    }
  }

  private static int skipWhitespace(String json, int i) {
    while (i < json.length() && " \t\r\n".indexOf(json.charAt(i)) >= 0) {
      i++;
    }
    return i;
  }

  /** The index after the string starting at {@code i} (a quote). */
  private static int endOfString(String json, int i) {
    int j = i + 1;
    while (json.charAt(j) != '"') {
      j += json.charAt(j) == '\\' ? 2 : 1;
    }
    return j + 1;
  }

  /** The index after the value starting at {@code i}. */
  private static int endOfValue(String json, int i) {
    char c = json.charAt(i);
    if (c == '"') {
      return endOfString(json, i);
    }
    if (c == '{' || c == '[') {
      int depth = 0;
      int j = i;
      do {
        char d = json.charAt(j);
        if (d == '"') {
          j = endOfString(json, j);
          continue;
        }
        if (d == '{' || d == '[') {
          depth++;
        } else if (d == '}' || d == ']') {
          depth--;
        }
        j++;
      } while (depth > 0);
      return j;
    }
    int j = i;
    while (j < json.length() && ",}] \t\r\n".indexOf(json.charAt(j)) < 0) {
      j++;
    }
    return j;
  }
}
