package dev.identitystream.app.job;

import dev.identitystream.cli.StopSignals;
import java.time.Duration;

/**
 * The one lifecycle of every long-running command ({@code run}, {@code backfill}, {@code record},
 * {@code demo}): install the handling of SIGINT / SIGTERM ({@link StopSignals}), run, wait until a
 * signal, the job stopping by itself, or the command's own condition, and let the command close
 * what it opened (a {@link StreamingJob} closes within {@link StreamingJob#CLOSE_TIMEOUT}).
 *
 * <p>A signal is a clean stop: the command closes and returns {@code ExitCodes.OK}; a second signal
 * stops the process at once (see {@link StopSignals}).
 *
 * <p>Threading: {@link #install}, {@link #await} and {@link #close} on the command's thread; {@link
 * #stopRequested} and {@link #signalName} from any.
 */
public final class JobLifecycle implements AutoCloseable {

  /** Why {@link #await} returned. */
  public enum Outcome {
    /** SIGINT or SIGTERM (or {@link #requestStop}). */
    SIGNAL,
    /** The job stopped by itself (a fatal error). */
    JOB_STOPPED,
    /** The command's own condition holds. */
    DONE
  }

  /** A command's own condition, checked between waits. */
  @FunctionalInterface
  public interface Condition {
    boolean holds() throws Exception;
  }

  private final StopSignals signals;

  private JobLifecycle(StopSignals signals) {
    this.signals = signals;
  }

  /** Installs the handling of SIGINT and SIGTERM until {@link #close}. */
  public static JobLifecycle install() {
    return new JobLifecycle(StopSignals.install());
  }

  /** Whether a stop was requested (a signal, or {@link #requestStop}). */
  public boolean stopRequested() {
    return signals.received();
  }

  /** {@code SIGINT} or {@code SIGTERM} once received, else null. */
  public String signalName() {
    return signals.signalName();
  }

  /** Requests a stop as a signal would. */
  public void requestStop(String reason) {
    signals.requestStop(reason);
  }

  /** Waits until a signal; nothing else ends the wait. */
  public void awaitSignal() throws InterruptedException {
    while (!signals.await(Duration.ofHours(1))) {
      // until a signal
    }
  }

  /**
   * Waits until a signal, {@code job} stops by itself (when not null), or {@code done} holds; each
   * round waits up to {@code every} for a signal first, then looks at the job, then at the
   * condition.
   */
  public Outcome await(StreamingJob job, Duration every, Condition done) throws Exception {
    while (true) {
      if (signals.await(every)) {
        return Outcome.SIGNAL;
      }
      if (job != null && job.awaitTermination(Duration.ZERO)) {
        return Outcome.JOB_STOPPED;
      }
      if (done.holds()) {
        return Outcome.DONE;
      }
    }
  }

  /** Waits until a signal or {@code job} stops by itself. */
  public Outcome await(StreamingJob job, Duration every) throws InterruptedException {
    while (true) {
      if (signals.await(every)) {
        return Outcome.SIGNAL;
      }
      if (job != null && job.awaitTermination(Duration.ZERO)) {
        return Outcome.JOB_STOPPED;
      }
    }
  }

  /** Puts back the signal handlers that were there before {@link #install}. */
  @Override
  public void close() {
    signals.close();
  }
}
