package dev.identitystream.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;

/**
 * The one JSON configuration of the event contracts: numbers keep their exact decimal form (Plaid
 * amounts pass through unchanged), duplicate fields and trailing content are errors on input;
 * characters outside the BMP are written as UTF-8, not as escaped surrogate pairs (a lone
 * surrogate, which only an escape can carry, stays escaped).
 *
 * <p>{@link #mapper()} reads input records with Jackson's default length limits (a number of more
 * than 1,000 digits is refused: converting one is costly). Output values may carry longer numbers
 * (Plaid's, passed through as sent): read them with {@link #readOutput}.
 */
public final class Json {

  private static final ObjectMapper MAPPER = build(StreamReadConstraints.defaults());

  /** As {@link #MAPPER}, without a limit on the length of numbers, strings and names. */
  private static final ObjectMapper OUTPUT_MAPPER =
      build(
          StreamReadConstraints.builder()
              .maxNumberLength(Integer.MAX_VALUE)
              .maxStringLength(Integer.MAX_VALUE)
              .maxNameLength(Integer.MAX_VALUE)
              .build());

  private static ObjectMapper build(StreamReadConstraints limits) {
    return JsonMapper.builder(
            JsonFactory.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .streamReadConstraints(limits)
                .build())
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
        .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
        .disable(JsonParser.Feature.ALLOW_COMMENTS)
        .build();
  }

  private Json() {}

  /** Reads a value the job wrote (tools, tests): numbers of any length, duplicates refused. */
  public static JsonNode readOutput(byte[] value) throws IOException {
    return OUTPUT_MAPPER.readTree(value);
  }

  /** The mapper for reading values the job wrote: {@link #mapper()} without length limits. */
  static ObjectMapper outputMapper() {
    return OUTPUT_MAPPER;
  }

  /** The shared, thread-safe mapper. Do not reconfigure it. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }
}
