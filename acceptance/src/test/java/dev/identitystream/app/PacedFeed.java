package dev.identitystream.app;

import dev.identitystream.local.TestClients;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes a feed's requests at a steady rate, in feed order, so that a job under test always has
 * input it consumed and work it did since its last commit (a feed produced up front is consumed in
 * bursts). Topic of input: key a string, value the request JSON; an idempotent producer, {@code
 * acks=all}.
 *
 * <p>Threading: started and closed on the test's thread; the requests are sent from a scheduler
 * thread of its own, which alone uses the producer until {@link #close}.
 */
final class PacedFeed implements AutoCloseable {

  private static final long TICK_MILLIS = 10;

  private final List<CrashFeed.Request> requests;
  private final String topic;
  private final int perSecond;
  private final KafkaProducer<String, String> producer;
  private final ScheduledExecutorService scheduler;
  private final AtomicInteger sent = new AtomicInteger();
  private final AtomicInteger acked = new AtomicInteger();
  private final AtomicReference<Exception> failure = new AtomicReference<>();
  private final long startNanos = System.nanoTime();

  private PacedFeed(String bootstrapServers, String topic, CrashFeed feed, int perSecond) {
    this.requests = feed.requests();
    this.topic = topic;
    this.perSecond = perSecond;
    this.producer = TestClients.producer(bootstrapServers);
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "paced-feed");
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Starts writing the feed's requests to {@code topic}, {@code perSecond} a second. */
  static PacedFeed start(String bootstrapServers, String topic, CrashFeed feed, int perSecond) {
    PacedFeed paced = new PacedFeed(bootstrapServers, topic, feed, perSecond);
    paced.scheduler.scheduleAtFixedRate(paced::sendDue, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
    return paced;
  }

  /** Requests written and acknowledged so far. */
  int acked() {
    return acked.get();
  }

  /**
   * Whether every request is written and acknowledged.
   *
   * @throws IllegalStateException if a send failed
   */
  boolean done() {
    Exception error = failure.get();
    if (error != null) {
      throw new IllegalStateException("writing the feed failed", error);
    }
    return acked.get() == requests.size();
  }

  private void sendDue() {
    long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    int due = (int) Math.min(requests.size(), elapsedMillis * perSecond / 1000 + 1);
    while (sent.get() < due) {
      CrashFeed.Request request = requests.get(sent.getAndIncrement());
      producer.send(
          new ProducerRecord<>(topic, request.key(), request.value()),
          (metadata, error) -> {
            if (error != null) {
              failure.compareAndSet(null, error);
            } else {
              acked.incrementAndGet();
            }
          });
    }
    producer.flush();
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close();
  }
}
