package dev.identitystream.topology;

import dev.identitystream.plaid.PlaidResult;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One Plaid call started by a {@link CallDispatcher}, from dispatch until the stream thread takes
 * its result or the task closes. It holds one in-flight slot the whole time, so results waiting for
 * the stream thread count against the in-flight cap.
 *
 * <p>States: {@code CALLING} → {@code ANSWERED} (the client's thread, once) → {@code TAKEN} (the
 * stream thread); or {@code CALLING}/{@code ANSWERED} → {@code ABANDONED} (the stream thread, at
 * close). Exactly one of {@code TAKEN}/{@code ABANDONED} happens, and whoever makes it releases the
 * slot, so a slot is released exactly once.
 *
 * <p>Threading: {@link #answer} on the client's thread; everything else on the stream thread. The
 * result fields are written before the state becomes {@code ANSWERED} and read after.
 */
final class InFlightCall {

  private static final int CALLING = 0;
  private static final int ANSWERED = 1;
  private static final int TAKEN = 2;
  private static final int ABANDONED = 3;

  final PendingCall call;
  final long startedNanos;
  private final AtomicInteger state = new AtomicInteger(CALLING);
  private volatile CompletionStage<PlaidResult> stage;
  private PlaidResult result;
  private Throwable error;

  InFlightCall(PendingCall call, long startedNanos) {
    this.call = call;
    this.startedNanos = startedNanos;
  }

  void started(CompletionStage<PlaidResult> value) {
    this.stage = value;
  }

  /** The client's answer; true if it is the first and the call was not abandoned. */
  boolean answer(PlaidResult value, Throwable failure) {
    if (state.get() != CALLING) {
      return false;
    }
    this.result = value;
    this.error = failure;
    return state.compareAndSet(CALLING, ANSWERED);
  }

  /** The stream thread takes an answered call; true if it was answered and not abandoned. */
  boolean take() {
    return state.compareAndSet(ANSWERED, TAKEN);
  }

  /**
   * The task closed: the call's result will be ignored. Cancels the call (the client stops retrying
   * or waiting where it can).
   *
   * @return true if the call held its slot until now (the caller releases it)
   */
  boolean abandon() {
    int now = state.get();
    while (now == CALLING || now == ANSWERED) {
      if (state.compareAndSet(now, ABANDONED)) {
        if (now == CALLING && stage instanceof Future<?> future) {
          try {
            future.cancel(false);
          } catch (RuntimeException notCancellable) {
            // e.g. a minimal stage: the call runs on, its answer is ignored
          }
        }
        return true;
      }
      now = state.get();
    }
    return false;
  }

  /** The answer: a result, or null with {@link #error()} set (or both null: a broken client). */
  PlaidResult result() {
    return result;
  }

  Throwable error() {
    return error;
  }
}
