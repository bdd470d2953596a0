package dev.identitystream.plaid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonBytesTest {

  /**
   * Strings with what the compaction must leave alone: spaces, escaped quotes and backslashes,
   * non-ASCII.
   */
  private static final String TRICKY =
      "{\"a\":\"x y\",\"b\\\"\":[\"\\\\\",\"\\\\\\\"\",\"\\\" \",\"Zoë  Ångström \uD83D\uDE00\"],"
          + "\"c\":{\"d\":-0.0,\"e\":1e400,\"f\":[true,false,null,{}],\"g\":[]},\"\\u0020\":\" \\t \"}";

  @Test
  void shouldCopyCompactTextAsItIs() {
    // given compact text in the middle of a buffer
    byte[] json = bytes(TRICKY);
    byte[] buffer = concat(bytes("  ["), json, bytes("]  "));

    // when
    byte[] compact = JsonBytes.compact(buffer, 3, 3 + json.length);

    // then an equal copy, not a view of the buffer
    assertThat(compact).isEqualTo(json);
    buffer[3] = '[';
    assertThat(compact[0]).isEqualTo((byte) '{');
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void shouldDropWhitespaceBetweenTokensOnlyAsTheTokenizingCompactionDid(long seed) {
    // given the text with random runs of the four whitespace bytes between tokens
    Random random = new Random(seed);
    byte[] spaced = withWhitespace(bytes(TRICKY), random);

    // when / then
    assertThat(JsonBytes.compact(spaced, 0, spaced.length))
        .isEqualTo(bytes(TRICKY))
        .isEqualTo(byteAtATime(spaced, 0, spaced.length));
  }

  @Test
  void shouldCompactAValueThatStartsWithWhitespaceInsideAndEndsInAString() {
    byte[] spaced = bytes("[ \"a\\\\\" ,\t\"b\" ]");
    assertThat(string(JsonBytes.compact(spaced, 0, spaced.length))).isEqualTo("[\"a\\\\\",\"b\"]");
    assertThat(string(JsonBytes.compact(bytes("x\"a \\\" b\"x"), 1, 9))).isEqualTo("\"a \\\" b\"");
    assertThat(JsonBytes.compact(bytes("{}"), 1, 1)).isEmpty();
  }

  @Test
  void shouldFindTheEndOfStringsOfEveryLengthWithAnEscapeAnywhere() {
    // given strings of 0 to 24 bytes (ASCII, or two-byte letters), with \" or \\ at each position
    // or none
    for (String letter : new String[] {"a", "é"}) {
      for (int length = 0; length <= 24; length++) {
        for (int at = -1; at < length; at++) {
          for (String escape : new String[] {"\\\"", "\\\\"}) {
            String content =
                at < 0
                    ? letter.repeat(length)
                    : letter.repeat(at) + escape + letter.repeat(length - at);
            String compact = "[\"" + content + "\",\"" + content + " \",1]";
            byte[] spaced = bytes("[ \"" + content + "\" ,\n\"" + content + " \" , 1 ]");

            // when / then
            assertThat(string(JsonBytes.compact(spaced, 0, spaced.length)))
                .as(content)
                .isEqualTo(compact);
            assertThat(
                    string(
                        JsonBytes.compact(
                            bytes(compact), 0, compact.getBytes(StandardCharsets.UTF_8).length)))
                .isEqualTo(compact);
          }
        }
      }
    }
  }

  @Test
  void shouldNameTheOffsetOfANulOrAMalformedByteWhereverItIs() {
    // given an ASCII body of 41 bytes, in the middle of a buffer, and each position in turn broken
    byte[] ok = bytes("{\"accounts\":[],\"request_id\":\"0123456789\"}");
    for (int at = 0; at < ok.length; at++) {
      for (int bad : new int[] {0x00, 0xFF, 0x80, 0xC0}) {
        byte[] body = ok.clone();
        body[at] = (byte) bad;
        byte[] buffer = concat(bytes("xyz"), body, bytes("!"));
        String expected =
            bad == 0
                ? "response body has a NUL byte at offset "
                    + at
                    + " (UTF-16 or UTF-32?); JSON must be UTF-8"
                : "response body is not well-formed UTF-8 at offset " + at;

        // when / then
        assertThatThrownBy(() -> JsonBytes.checkedStart(buffer, 3, body.length))
            .as("0x%02X at %d", bad, at)
            .isInstanceOf(UnusableBodyException.class)
            .hasMessage(expected);
      }
    }
  }

  @Test
  void shouldAcceptEveryWellFormedSequenceAtEveryAlignment() {
    // given 2-, 3- and 4-byte sequences (and the edges of table 3-7) after 0 to 8 ASCII bytes
    String[] texts = {
      "é",
      "\u0800",
      "\uD7FF",
      "\uE000",
      "\uFFFD",
      "\uD800\uDC00",
      "\uDBFF\uDFFF",
      "Zoë Ångström 😀 ok"
    };
    for (String text : texts) {
      for (int pad = 0; pad <= 8; pad++) {
        byte[] body = bytes("\"" + "a".repeat(pad) + text + "\"");

        // when / then
        assertThat(JsonBytes.checkedStart(body, 0, body.length))
            .as("%s after %d", text, pad)
            .isZero();
      }
    }
  }

  @Test
  void shouldRefuseASequenceCutByTheEndOfTheBody() {
    byte[] body = bytes("\"abcdefgh\u20AC");
    assertThatThrownBy(() -> JsonBytes.checkedStart(body, 0, body.length - 1))
        .hasMessage("response body is not well-formed UTF-8 at offset 9");
  }

  /** The text with 0 to 3 whitespace bytes before and after each token and separator. */
  private static byte[] withWhitespace(byte[] json, Random random) {
    byte[] spaces = {' ', '\n', '\r', '\t'};
    byte[] out = new byte[json.length * 8];
    int n = 0;
    boolean inString = false;
    for (int i = 0; i < json.length; i++) {
      byte b = json[i];
      boolean boundary =
          !inString
              && (b == '"' || b == '{' || b == '}' || b == '[' || b == ']' || b == ',' || b == ':');
      if (boundary) {
        for (int k = random.nextInt(4); k > 0; k--) {
          out[n++] = spaces[random.nextInt(4)];
        }
      }
      out[n++] = b;
      if (inString && b == '\\') {
        out[n++] = json[++i];
      } else if (b == '"') {
        inString = !inString;
      }
    }
    return Arrays.copyOf(out, n);
  }

  /** The compaction as the job first wrote it, one byte at a time: the reference. */
  private static byte[] byteAtATime(byte[] body, int start, int end) {
    byte[] out = new byte[end - start];
    int n = 0;
    boolean inString = false;
    boolean escaped = false;
    for (int i = start; i < end; i++) {
      byte b = body[i];
      if (inString) {
        if (escaped) {
          escaped = false;
        } else if (b == '\\') {
          escaped = true;
        } else if (b == '"') {
          inString = false;
        }
      } else if (b == '"') {
        inString = true;
      } else if (b == ' ' || b == '\n' || b == '\r' || b == '\t') {
        continue;
      }
      out[n++] = b;
    }
    return Arrays.copyOf(out, n);
  }

  private static byte[] concat(byte[]... parts) {
    int length = Arrays.stream(parts).mapToInt(p -> p.length).sum();
    byte[] out = new byte[length];
    int n = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, out, n, part.length);
      n += part.length;
    }
    return out;
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String string(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
