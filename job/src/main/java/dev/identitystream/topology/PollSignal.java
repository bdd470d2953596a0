package dev.identitystream.topology;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Tells the call stage that its stream thread went back to {@code poll()}: a consumer interceptor
 * for Kafka Streams' main consumer ({@code main.consumer.interceptor.classes}; the job installs
 * it). Each poll that returns records starts a new wait budget for the polling thread ({@link
 * WaitBudget}); the records pass through untouched.
 *
 * <p>A poll that returns nothing does not call interceptors; the budget then stays as it was, so
 * the stage waits less, never more, between two polls.
 *
 * <p>Threading: {@link #onConsume} runs on the thread that polls (the stream thread); the count it
 * bumps is that thread's own.
 */
public final class PollSignal implements ConsumerInterceptor<byte[], byte[]> {

  private static final ThreadLocal<long[]> POLLS = ThreadLocal.withInitial(() -> new long[1]);

  /** Kafka creates the interceptor by its class name. */
  public PollSignal() {}

  /** Polls that returned records on the calling thread so far (0 if no interceptor ever ran). */
  static long pollsOfThisThread() {
    return POLLS.get()[0];
  }

  /** Counts one poll of the calling thread (the interceptor, and tests that stand in for it). */
  static void polled() {
    POLLS.get()[0]++;
  }

  @Override
  public ConsumerRecords<byte[], byte[]> onConsume(ConsumerRecords<byte[], byte[]> records) {
    polled();
    return records;
  }

  @Override
  public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {}

  @Override
  public void close() {}

  @Override
  public void configure(Map<String, ?> configs) {}
}
