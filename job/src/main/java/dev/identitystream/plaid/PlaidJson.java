package dev.identitystream.plaid;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;

/**
 * The one Jackson configuration for Plaid JSON, set for fidelity: decimals are read as {@code
 * BigDecimal} with their scale kept ({@code 12.50} stays {@code 12.50}) and written plain (never
 * {@code 1E+3}); unknown properties never fail; trailing content after the JSON value does.
 *
 * <p>Response bodies are read with {@link #bodyParser}: a streaming parser that never converts a
 * number (so there is no limit on the length of numbers, strings or names: the response size cap
 * bounds them), refuses duplicate field names ({@link BodyParser}), and allows {@value
 * #MAX_NESTING_DEPTH} levels of nesting (Jackson's default). The mapper's trees (cassette headers,
 * tests) have the same length limits; the job never reads a response into a tree.
 *
 * <p>Threading: the mapper is thread-safe once configured. Never reconfigure it; derive an {@code
 * ObjectReader}/{@code ObjectWriter} instead.
 */
public final class PlaidJson {

  /** The deepest nesting of objects and arrays a response body may have (Jackson's default). */
  public static final int MAX_NESTING_DEPTH = StreamReadConstraints.DEFAULT_MAX_DEPTH;

  /** No length limit on numbers, strings and names: the response size cap bounds them. */
  private static final StreamReadConstraints LIMITS =
      StreamReadConstraints.builder()
          .maxNumberLength(Integer.MAX_VALUE)
          .maxStringLength(Integer.MAX_VALUE)
          .maxNameLength(Integer.MAX_VALUE)
          .maxNestingDepth(MAX_NESTING_DEPTH)
          .build();

  private static final ObjectMapper MAPPER =
      JsonMapper.builder(JsonFactory.builder().streamReadConstraints(LIMITS).build())
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
          .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
          .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
          .build();

  private static final ObjectReader TREE_READER = MAPPER.reader();

  /**
   * Response bodies, tolerant of duplicates by itself: {@link BodyParser} refuses them, at less
   * cost than Jackson's detector (a set per object).
   */
  private static final JsonFactory BODY_FACTORY =
      JsonFactory.builder().streamReadConstraints(LIMITS).build();

  /**
   * Like {@link #BODY_FACTORY} with Jackson's own duplicate detection: the error path of {@link
   * BodyParser}.
   */
  private static final JsonFactory STRICT_FACTORY =
      JsonFactory.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .streamReadConstraints(LIMITS)
          .build();

  private PlaidJson() {}

  /** The shared mapper; do not reconfigure it. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** A streaming parser for {@code body[offset, offset + length)}, UTF-8 already checked. */
  static BodyParser bodyParser(byte[] body, int offset, int length) throws IOException {
    return new BodyParser(body, offset, length, BODY_FACTORY.createParser(body, offset, length));
  }

  /**
   * Jackson's parser with its own duplicate detection (what {@link BodyParser} throws comes from
   * it).
   */
  static JsonParser strictParser(byte[] body, int offset, int length) throws IOException {
    return STRICT_FACTORY.createParser(body, offset, length);
  }

  /** A parser that accepts any encoding Jackson detects and duplicate names. */
  static JsonParser lenientParser(byte[] body, int offset, int length) throws IOException {
    return BODY_FACTORY.createParser(body, offset, length);
  }

  /** A reader for JSON trees with the shared configuration. */
  public static ObjectReader treeReader() {
    return TREE_READER;
  }
}
