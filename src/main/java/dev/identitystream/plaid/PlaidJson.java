package dev.identitystream.plaid;

import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one Jackson configuration for Plaid JSON, set for fidelity: decimals are read as {@code
 * BigDecimal} with their scale kept ({@code 12.50} stays {@code 12.50}) and written plain (never
 * {@code 1E+3}); unknown properties never fail; trailing content after the JSON value does.
 *
 * <p>Threading: the mapper is thread-safe once configured. Never reconfigure it; derive an {@code
 * ObjectReader}/{@code ObjectWriter} instead.
 */
public final class PlaidJson {

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
          .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
          .build();

  private static final ObjectReader TREE_READER = MAPPER.reader();

  private PlaidJson() {}

  /** The shared mapper; do not reconfigure it. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** A reader for JSON trees with the shared configuration. */
  public static ObjectReader treeReader() {
    return TREE_READER;
  }
}
