package dev.identitystream.app;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The system clock (UTC), which throws once when armed: the job reads its clock on the stream
 * thread when a call's outputs are built, so this is how a test makes Kafka Streams meet an error
 * at a moment it chooses. The failure is built when the clock is next read; a supplier that returns
 * null there disarms without throwing.
 *
 * <p>Threading: armed from the test's thread, read from any.
 */
final class ArmedClock extends Clock {

  private final AtomicReference<Supplier<? extends RuntimeException>> armed =
      new AtomicReference<>();

  /** The next read builds this failure and throws it (unless it is null). */
  void arm(Supplier<? extends RuntimeException> failure) {
    armed.set(failure);
  }

  @Override
  public Instant instant() {
    Supplier<? extends RuntimeException> failure = armed.getAndSet(null);
    if (failure != null) {
      RuntimeException error = failure.get();
      if (error != null) {
        throw error;
      }
    }
    return Instant.now();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException();
  }
}
