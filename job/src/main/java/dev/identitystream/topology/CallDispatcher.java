package dev.identitystream.topology;

import dev.identitystream.plaid.PlaidClient;
import dev.identitystream.plaid.PlaidResult;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Per-key dispatch with slots, for one life of one task (from {@code init()} to {@code close()}):
 * admits validated calls in {@link KeyOrder}, starts the ready ones while the instance's {@link
 * InFlightLimiter} gives slots, and hands answered calls back to the stream thread.
 *
 * <ul>
 *   <li>Live before bulk: a ready bulk call starts only when no live call of the task is ready, and
 *       only if the limiter lets bulk work have a slot (no live call of another task waits, bulk
 *       below its share of the slots).
 *   <li>A slot is held from dispatch until the stream thread takes the answer, so calls in flight
 *       plus answers waiting for the stream thread never exceed the in-flight cap, however long the
 *       stream thread is busy (a long commit, a rebalance).
 *   <li>Calls start on the stream thread only. A client thread only records its answer and queues
 *       the call ({@link InFlightCall#answer}).
 *   <li>Each life has its own queues: an answer of an earlier life can never reach a later one.
 *   <li>{@link #close()} abandons every call of this life: their slots are released at once and the
 *       calls cancelled (the client stops retrying and waiting); late answers are ignored.
 * </ul>
 *
 * <p>Threading: every method runs on the task's stream thread; client threads only complete the
 * stages this class subscribes to.
 */
final class CallDispatcher {

  private final PlaidClient client;
  private final InFlightLimiter limiter;
  private final InFlightLimiter.Share share;
  private final KeyOrder order;

  /** Calls holding a slot: dispatched and not yet taken or abandoned. */
  private final Set<InFlightCall> holding = new HashSet<>();

  private final LinkedBlockingQueue<InFlightCall> answered = new LinkedBlockingQueue<>();
  private final ArrayDeque<Delayed> later = new ArrayDeque<>();
  private boolean closed;

  private record Delayed(PendingCall call, long dueNanos) {}

  CallDispatcher(PlaidClient client, InFlightLimiter limiter) {
    this(client, limiter, new KeyOrder());
  }

  CallDispatcher(PlaidClient client, InFlightLimiter limiter, KeyOrder order) {
    this.client = client;
    this.limiter = limiter;
    this.order = order;
    this.share = limiter.register();
  }

  /** Admits a call behind the earlier calls of its key. */
  void admit(PendingCall call) {
    order.add(call);
  }

  /** Calls admitted and not yet ended (waiting, in flight or answered). */
  int pending() {
    return order.size();
  }

  /** Calls of one lane admitted and not yet ended. */
  int pending(Lane lane) {
    return order.size(lane);
  }

  /** Calls holding a slot (in flight or answered, not taken). */
  int holding() {
    return holding.size();
  }

  /**
   * Starts ready calls, live first, while slots are free; tells the limiter whether this task still
   * waits, and whether for live calls.
   */
  void dispatch() {
    if (closed) {
      return;
    }
    while (true) {
      Lane lane =
          order.hasReady(Lane.LIVE) ? Lane.LIVE : order.hasReady(Lane.BULK) ? Lane.BULK : null;
      if (lane == null || !limiter.tryAcquire(share, lane)) {
        break;
      }
      start(order.pollReady(lane));
    }
    boolean liveWaiting = order.hasReady(Lane.LIVE);
    limiter.markWaiting(share, liveWaiting || order.hasReady(Lane.BULK), liveWaiting);
  }

  private void start(PendingCall call) {
    InFlightCall flight = new InFlightCall(call, System.nanoTime());
    holding.add(flight);
    CompletionStage<PlaidResult> stage;
    try {
      stage = client.identityDocumentsUploadsGet(call.plaidRequest());
    } catch (RuntimeException e) {
      stage = CompletableFuture.failedFuture(e);
    }
    if (stage == null) {
      stage =
          CompletableFuture.failedFuture(
              new NullPointerException("the Plaid client returned no stage"));
    }
    flight.started(stage);
    stage.whenComplete(
        (result, error) -> {
          if (flight.answer(result, error)) {
            answered.add(flight);
          }
        });
  }

  /** Takes an answered call, waiting up to {@code timeoutNanos}; null if none. Frees its slot. */
  InFlightCall take(long timeoutNanos) throws InterruptedException {
    InFlightCall flight =
        timeoutNanos <= 0 ? answered.poll() : answered.poll(timeoutNanos, TimeUnit.NANOSECONDS);
    while (flight != null && !flight.take()) {
      flight = answered.poll(); // abandoned meanwhile (cannot happen while open; defensive)
    }
    if (flight != null) {
      holding.remove(flight);
      limiter.release(share, flight.call.lane());
    }
    return flight;
  }

  /** The call's outputs were forwarded: its key's next call becomes ready. */
  void ended(PendingCall call) {
    order.remove(call);
  }

  /**
   * The call failed without an answer (a broken or closing client): call it again after a delay.
   */
  void callAgainLater(PendingCall call, long delayNanos) {
    later.add(new Delayed(call, System.nanoTime() + delayNanos));
  }

  /** Calls whose delay passed become ready again (first of their keys, as before). */
  void releaseDue(long nowNanos) {
    int n = later.size();
    for (int i = 0; i < n; i++) {
      Delayed delayed = later.poll();
      if (nowNanos - delayed.dueNanos() >= 0) {
        order.retry(delayed.call());
      } else {
        later.add(delayed);
      }
    }
  }

  /**
   * Ends this life: abandons every call (slots back at once, calls cancelled), stops dispatching.
   */
  void close() {
    closed = true;
    for (InFlightCall flight : holding) {
      if (flight.abandon()) {
        limiter.release(share, flight.call.lane());
      }
    }
    holding.clear();
    answered.clear();
    later.clear();
    limiter.markWaiting(share, false, false);
  }
}
