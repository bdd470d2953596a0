package dev.identitystream.plaid;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pause of a {@link ResilientPlaidClient} while Plaid refuses this job's own client (bad
 * credentials after a secret rotation, a plan or product problem, a wrong base URL: see {@link
 * ErrorGuidance#refusesClient}). Such an answer says nothing about the request's Item and would be
 * the same for every request, so it must not become an Item status or an Item-error event.
 *
 * <p>Contract:
 *
 * <ul>
 *   <li>Open (the normal state): {@link #admit} lets every attempt through.
 *   <li>An attempt whose result refuses the client closes the gate: one ERROR log line naming the
 *       error, {@link ResilienceListener#onClientErrorPause}, and that call <em>parks</em>: its
 *       attempt stays incomplete, so its request stays pending in the caller and nothing is written
 *       for it.
 *   <li>While closed, every attempt parks instead of being sent, whether it asks at its start or
 *       just before sending (calls already past the breaker and rate limiter).
 *   <li>Every {@code probeInterval} one parked call, the one parked longest, is sent as a probe
 *       (one probe at a time). A probe refused again parks at the end of the queue, so one odd
 *       request cannot keep the gate shut. Any answer that does not refuse the client (a 200, any
 *       other Plaid error, a 5xx), from the probe or from a call that was in flight, opens the
 *       gate: one INFO line, {@link ResilienceListener#onClientErrorResume}, and every parked call
 *       goes on where it stopped. A probe that gets no answer at all (timeout, connection failure)
 *       just ends; its call goes on as its retry policy says, and its next attempt parks.
 *   <li>Parking is not an attempt (Resilience4j sees one long attempt) and its time is not charged
 *       to the deadline: a pause of any length ends in completed requests.
 *   <li>A parked call whose attempt future is already complete (cancelled by its caller) is dropped
 *       when met; when the client closes, parked calls are abandoned with its scheduler.
 * </ul>
 *
 * <p>Threading: {@link #admit} and {@link #afterAttempt} may be called from any thread; the state
 * is guarded by {@code this} (with a volatile flag for the open fast path). Probes run and parked
 * calls resume on the client's scheduler thread, never under the lock.
 */
final class ClientErrorGate {

  private static final Logger LOG = LoggerFactory.getLogger(ClientErrorGate.class);

  /** A call waiting at the gate: its current attempt's future and since when it waits. */
  private record Parked(
      ResilientCall call, CompletableFuture<ResilientCall.Attempt> done, long sinceNanos) {}

  private final ScheduledExecutorService scheduler;
  private final Duration probeInterval;
  private final ResilienceListener listener;
  private volatile boolean closed;
  private final ArrayDeque<Parked> parked = new ArrayDeque<>(); // guarded by this
  private Parked probe; // guarded by this: the probe in flight, or null
  private long closedAtNanos; // guarded by this
  private ScheduledFuture<?> probeTask; // guarded by this

  ClientErrorGate(
      ScheduledExecutorService scheduler, Duration probeInterval, ResilienceListener listener) {
    this.scheduler = scheduler;
    this.probeInterval = probeInterval;
    this.listener = listener;
  }

  /** True when the attempt may go on; false when the gate is closed and the call is now parked. */
  boolean admit(ResilientCall call, CompletableFuture<ResilientCall.Attempt> done) {
    if (!closed) {
      return true;
    }
    synchronized (this) {
      if (!closed) {
        return true;
      }
      parked.addLast(new Parked(call, done, System.nanoTime()));
      return false;
    }
  }

  /**
   * Judges an attempt's result: true when it refuses the client (the gate is closed and the call
   * parked: do not complete the attempt); false when the call goes on with this result.
   *
   * @param wasProbe whether this attempt was the gate's probe
   */
  boolean afterAttempt(
      ResilientCall call,
      CompletableFuture<ResilientCall.Attempt> done,
      PlaidResult result,
      boolean wasProbe) {
    boolean refuses = ErrorGuidance.refusesClient(result);
    if (!refuses && !wasProbe && !closed) {
      return false;
    }
    List<Parked> resumed = null;
    synchronized (this) {
      if (wasProbe) {
        probe = null;
      }
      if (refuses) {
        if (!closed) {
          close(result);
        }
        parked.addLast(new Parked(call, done, System.nanoTime()));
        return true;
      }
      if (closed && answered(result)) {
        resumed = open();
      }
    }
    if (resumed != null) {
      resume(resumed);
    }
    return false;
  }

  /** Guarded by this. */
  private void close(PlaidResult cause) {
    closed = true;
    closedAtNanos = System.nanoTime();
    LOG.error(
        "Plaid refuses this job's client: {}. Every Plaid call is paused: requests stay pending and"
            + " nothing is written for them. Fix the credentials, plan or plaid.base.url; calls"
            + " resume by themselves when a probe (one call every {} ms) is answered otherwise, or"
            + " after a restart with fixed configuration.",
        cause.describe(),
        probeInterval.toMillis());
    listener.onClientErrorPause(cause);
    long interval = probeInterval.toNanos();
    try {
      probeTask =
          scheduler.scheduleWithFixedDelay(this::probe, interval, interval, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closing) {
      probeTask = null; // the client is closing: parked calls are abandoned with it
    }
  }

  /** Guarded by this. Returns the calls to resume. */
  private List<Parked> open() {
    closed = false;
    probe = null;
    if (probeTask != null) {
      probeTask.cancel(false);
      probeTask = null;
    }
    List<Parked> waiting = new ArrayList<>(parked);
    parked.clear();
    long pausedNanos = System.nanoTime() - closedAtNanos;
    LOG.info(
        "Plaid accepts this job's client again after {} ms; {} paused call(s) resume",
        TimeUnit.NANOSECONDS.toMillis(pausedNanos),
        waiting.size());
    listener.onClientErrorResume(pausedNanos);
    return waiting;
  }

  /** Sends the longest-parked call as the probe, unless a probe is still in flight. */
  private void probe() {
    Parked next;
    synchronized (this) {
      if (!closed || (probe != null && !probe.done().isDone())) {
        return;
      }
      do {
        next = parked.pollFirst();
      } while (next != null && next.done().isDone());
      probe = next;
    }
    if (next != null) {
      LOG.debug("Probing whether Plaid still refuses this job's client");
      next.call().resumeFromGate(next.done(), System.nanoTime() - next.sinceNanos(), true);
    }
  }

  private void resume(List<Parked> waiting) {
    long now = System.nanoTime();
    try {
      scheduler.execute(
          () -> {
            for (Parked p : waiting) {
              if (!p.done().isDone()) {
                p.call().resumeFromGate(p.done(), now - p.sinceNanos(), false);
              }
            }
          });
    } catch (RejectedExecutionException closing) {
      // the client is closing: parked calls are abandoned with it
    }
  }

  /**
   * Whether Plaid (or something in front of it) answered at all, not a timeout or a broken
   * connection.
   */
  private static boolean answered(PlaidResult result) {
    return !(result instanceof PlaidResult.TransportFailure failure) || failure.httpStatus() > 0;
  }
}
