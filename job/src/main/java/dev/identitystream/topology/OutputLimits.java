package dev.identitystream.topology;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.header.Header;

/**
 * The largest record the job can write to each topic: the producer's {@code max.request.size},
 * lowered by a topic's {@code max.message.bytes} where the broker says so. The call stage checks
 * every record against it before forwarding, so a record that Kafka would refuse becomes a DLQ
 * record with the sizes ({@code OUTPUT_TOO_LARGE}) instead of an exception that kills the stream
 * thread on every restart.
 *
 * <p>Sizes are upper bounds of a record in a batch of its own, as the producer estimates them.
 *
 * <p>Threading: topic limits are set before Kafka Streams starts; read from any thread after.
 */
public final class OutputLimits {

  /** Overhead of a record batch holding one record (v2 batch header). */
  private static final int BATCH_OVERHEAD = 61;

  /** Most bytes of a record's own framing (length, attributes, deltas, key and value lengths). */
  private static final int RECORD_OVERHEAD = 21;

  private static final int VARINT_MAX = 5;

  private final int maxRequestSize;
  private final Map<String, Integer> topicLimits = new ConcurrentHashMap<>();

  /**
   * @param maxRequestSize the producer's {@code max.request.size}
   */
  public OutputLimits(int maxRequestSize) {
    if (maxRequestSize < 1) {
      throw new IllegalArgumentException("maxRequestSize must be positive");
    }
    this.maxRequestSize = maxRequestSize;
  }

  /** No limit below Kafka's own default request size (tests and offline replay). */
  public static OutputLimits defaults() {
    return new OutputLimits(Integer.MAX_VALUE);
  }

  /**
   * Lowers the limit of one topic to its {@code max.message.bytes} (call before the job starts).
   */
  public void topicLimit(String topic, int maxMessageBytes) {
    topicLimits.put(topic, maxMessageBytes);
  }

  /** The largest record (as {@link #sizeOf} counts it) that {@code topic} accepts from the job. */
  public int limitFor(String topic) {
    return Math.min(maxRequestSize, topicLimits.getOrDefault(topic, Integer.MAX_VALUE));
  }

  /** As {@link #sizeOf(byte[], byte[], Header[])} for a record without headers. */
  public static long sizeOf(byte[] key, byte[] value) {
    return (long) BATCH_OVERHEAD + RECORD_OVERHEAD + length(key) + length(value) + VARINT_MAX;
  }

  /** An upper bound of the bytes a record takes in a batch of its own. */
  public static long sizeOf(byte[] key, byte[] value, Header[] headers) {
    long size = sizeOf(key, value);
    for (Header header : headers) {
      size += VARINT_MAX + header.key().length() * 3L + VARINT_MAX + length(header.value());
    }
    return size;
  }

  private static int length(byte[] bytes) {
    return bytes == null ? 0 : bytes.length;
  }

  @Override
  public String toString() {
    return "OutputLimits[max.request.size=" + maxRequestSize + ", topics=" + topicLimits + "]";
  }
}
