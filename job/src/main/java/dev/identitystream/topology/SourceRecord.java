package dev.identitystream.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * An input record as it arrived: where it came from and its exact bytes. This is what the pending
 * store keeps (so a restored task can call again, and a DLQ record can carry the original bytes).
 *
 * @param key the original key bytes, or null
 * @param value the original value bytes (never null: null values never become pending)
 */
public record SourceRecord(
    String topic,
    int partition,
    long offset,
    long timestamp,
    byte[] key,
    byte[] value,
    Header[] headers) {

  private static final byte FORMAT = 1;

  public SourceRecord {
    Objects.requireNonNull(topic, "topic");
    headers = headers == null ? new Header[0] : headers.clone();
  }

  /** The request id used when the request names none: {@code <topic>-<partition>-<offset>}. */
  public String derivedRequestId() {
    return topic + "-" + partition + "-" + offset;
  }

  /** A fresh, mutable copy of the original headers. */
  public Headers copyHeaders() {
    return new RecordHeaders(headers.clone());
  }

  /** Encodes this record for the pending store (a small versioned binary format). */
  public byte[] encode() {
    byte[] topicBytes = topic.getBytes(StandardCharsets.UTF_8);
    int size = 1 + 4 + topicBytes.length + 4 + 8 + 8 + 4 + length(key) + 4 + length(value) + 4;
    for (Header header : headers) {
      size += 4 + header.key().getBytes(StandardCharsets.UTF_8).length + 4 + length(header.value());
    }
    ByteBuffer buffer = ByteBuffer.allocate(size);
    buffer.put(FORMAT);
    putBytes(buffer, topicBytes);
    buffer.putInt(partition).putLong(offset).putLong(timestamp);
    putBytes(buffer, key);
    putBytes(buffer, value);
    buffer.putInt(headers.length);
    for (Header header : headers) {
      putBytes(buffer, header.key().getBytes(StandardCharsets.UTF_8));
      putBytes(buffer, header.value());
    }
    return buffer.array();
  }

  /** Decodes what {@link #encode()} wrote. */
  /** The record a processor is handed, with where it came from. */
  static SourceRecord of(
      org.apache.kafka.streams.processor.api.RecordMetadata metadata,
      org.apache.kafka.streams.processor.api.Record<byte[], byte[]> record) {
    return new SourceRecord(
        metadata.topic(),
        metadata.partition(),
        metadata.offset(),
        record.timestamp(),
        record.key(),
        record.value(),
        record.headers().toArray());
  }

  public static SourceRecord decode(byte[] bytes) {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    byte format = buffer.get();
    if (format != FORMAT) {
      throw new IllegalStateException("unknown pending-store format " + format);
    }
    String topic = new String(getBytes(buffer), StandardCharsets.UTF_8);
    int partition = buffer.getInt();
    long offset = buffer.getLong();
    long timestamp = buffer.getLong();
    byte[] key = getBytes(buffer);
    byte[] value = getBytes(buffer);
    Header[] headers = new Header[buffer.getInt()];
    for (int i = 0; i < headers.length; i++) {
      String name = new String(getBytes(buffer), StandardCharsets.UTF_8);
      headers[i] = new RecordHeader(name, getBytes(buffer));
    }
    return new SourceRecord(topic, partition, offset, timestamp, key, value, headers);
  }

  private static int length(byte[] bytes) {
    return bytes == null ? 0 : bytes.length;
  }

  private static void putBytes(ByteBuffer buffer, byte[] bytes) {
    if (bytes == null) {
      buffer.putInt(-1);
    } else {
      buffer.putInt(bytes.length).put(bytes);
    }
  }

  private static byte[] getBytes(ByteBuffer buffer) {
    int length = buffer.getInt();
    if (length < 0) {
      return null;
    }
    byte[] bytes = new byte[length];
    buffer.get(bytes);
    return bytes;
  }
}
