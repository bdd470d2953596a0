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
 * null there disarms without throwing ({@link #arm}), or waits for a later read ({@link
 * #armUntilFired}: the supplier decides on the reading thread whether this is the moment).
 *
 * <p>Threading: armed from the test's thread, read from any.
 */
final class ArmedClock extends Clock {

  private record Armed(Supplier<? extends RuntimeException> failure, boolean untilFired) {}

  private final AtomicReference<Armed> armed = new AtomicReference<>();

  /** The next read builds this failure and throws it (unless it is null). */
  void arm(Supplier<? extends RuntimeException> failure) {
    armed.set(new Armed(failure, false));
  }

  /**
   * Every read builds this failure until it is not null: the first such read throws it, and the
   * clock is disarmed. The supplier may be called on several threads at once.
   */
  void armUntilFired(Supplier<? extends RuntimeException> failure) {
    armed.set(new Armed(failure, true));
  }

  @Override
  public Instant instant() {
    Armed current = armed.get();
    if (current != null) {
      if (!current.untilFired() && !armed.compareAndSet(current, null)) {
        return Instant.now(); // another read took it
      }
      RuntimeException error = current.failure().get();
      if (error != null && (!current.untilFired() || armed.compareAndSet(current, null))) {
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
