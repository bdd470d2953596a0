package dev.identitystream.topology;

import dev.identitystream.event.DlqHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Serializes the call stage's outputs and checks each against its topic's {@link OutputLimits}, so
 * that nothing the stage forwards can be refused by the producer or the broker for its size.
 *
 * <p>Threading: stateless; called on stream threads.
 */
final class OutputEncoder {

  /** Bytes of the original key and value kept in a truncated DLQ record. */
  static final int DLQ_PREFIX_BYTES = 1024;

  /** One record is over its topic's limit. */
  static final class TooLarge extends Exception {
    private static final long serialVersionUID = 1L;

    TooLarge(String what, String topic, long size, int limit) {
      super(
          what
              + " of about "
              + size
              + " bytes exceeds the "
              + limit
              + "-byte limit of topic "
              + topic
              + " (the producer's max.request.size or the topic's max.message.bytes)",
          null,
          false,
          false);
    }
  }

  private final Topics topics;
  private final OutputLimits limits;

  OutputEncoder(Topics topics, OutputLimits limits) {
    this.topics = topics;
    this.limits = limits;
  }

  /**
   * Serializes every output of one call.
   *
   * @throws TooLarge if any record would be refused for its size (then none is written)
   * @throws RuntimeException if a value cannot be serialized
   */
  List<StageOutput> encode(List<OutputEvent> events) throws TooLarge {
    List<StageOutput> out = new ArrayList<>(events.size());
    for (OutputEvent event : events) {
      StageOutput.Kind kind = StageOutput.Kind.of(event);
      if (kind == StageOutput.Kind.DLQ) {
        out.add(deadLetter((OutputEvent.DeadLetter) event));
        continue;
      }
      StageOutput record = new StageOutput(kind, event.key(), kind.serialize(event), null);
      String topic = kind.topic(topics);
      long size = OutputLimits.sizeOf(record.key(), record.value());
      if (size > limits.limitFor(topic)) {
        throw new TooLarge(
            "an " + record.kind().name().toLowerCase(Locale.ROOT).replace('_', '-') + " record",
            topic,
            size,
            limits.limitFor(topic));
      }
      out.add(record);
    }
    return out;
  }

  /**
   * A DLQ record with the original bytes; when it does not fit the DLQ topic, a copy with the
   * headers, {@link #DLQ_PREFIX_BYTES} of the key and value, and their sizes ({@link
   * DlqHeaders#TRUNCATED}). The headers already name the original's topic, partition and offset.
   */
  StageOutput deadLetter(OutputEvent.DeadLetter dead) {
    int limit = limits.limitFor(topics.dlq());
    Header[] headers = dead.headers().toArray();
    if (OutputLimits.sizeOf(dead.key(), dead.value(), headers) <= limit) {
      return new StageOutput(StageOutput.Kind.DLQ, dead.key(), dead.value(), dead.headers());
    }
    byte[] key = prefix(dead.key());
    byte[] value = prefix(dead.value());
    Headers truncated = new RecordHeaders(headers);
    addTruncation(truncated, dead);
    if (OutputLimits.sizeOf(key, value, truncated.toArray()) > limit) {
      // The original headers themselves are too large: keep only ours.
      truncated = new RecordHeaders();
      for (Header header : headers) {
        if (header.key().startsWith("__streams.errors.")) {
          truncated.add(header);
        }
      }
      addTruncation(truncated, dead);
    }
    return new StageOutput(StageOutput.Kind.DLQ, key, value, truncated);
  }

  private static void addTruncation(Headers headers, OutputEvent.DeadLetter dead) {
    headers.add(DlqHeaders.TRUNCATED, utf8("true"));
    headers.add(
        DlqHeaders.KEY_SIZE, utf8(Integer.toString(dead.key() == null ? -1 : dead.key().length)));
    headers.add(
        DlqHeaders.VALUE_SIZE,
        utf8(Integer.toString(dead.value() == null ? -1 : dead.value().length)));
  }

  private static byte[] prefix(byte[] bytes) {
    return bytes == null || bytes.length <= DLQ_PREFIX_BYTES
        ? bytes
        : Arrays.copyOf(bytes, DLQ_PREFIX_BYTES);
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
