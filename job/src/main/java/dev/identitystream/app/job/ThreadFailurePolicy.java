package dev.identitystream.app.job;

import dev.identitystream.topology.TransactionGuard;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TransactionAbortableException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the job does when a stream thread dies: a thread killed by a transient broker error is
 * replaced, anything else shuts the job down.
 *
 * <p>Kafka Streams 4.4 handles most broker trouble itself (a commit that times out corrupts and
 * revives the task), but not all of it: a send that fails with {@link
 * TransactionAbortableException} (a transactional producer that gave up on a request, e.g. a topic
 * absent from its metadata for {@code max.block.ms} while the broker restarts) reaches the
 * production exception handler, which may only fail it, and the thread dies. Such an error says
 * nothing about the job or its data: replacing the thread closes its tasks dirty (under {@code
 * exactly_once_v2} the open transaction is aborted and the tasks restart from their last commit;
 * the pending requests are in the changelogged store), so nothing is lost and nothing is written
 * twice. Transient means: a {@link TimeoutException}, {@link TransactionAbortableException} or
 * other {@link RetriableException} anywhere in the cause chain, or the producer's refusal to begin
 * a transaction after an abort that timed out (seen after a revival during a broker outage).
 *
 * <p>A thread stopped by the {@link TransactionGuard} (a commit Kafka Streams was about to make
 * that would lose or duplicate work) is replaced the same way, for the same reason.
 *
 * <p>Replacements are bounded ({@link #MAX_REPLACEMENTS} per {@link #WINDOW}) so that an error that
 * only looks transient cannot loop for ever: past the bound the job shuts down as for any other
 * error, and the process exits non-zero for its supervisor to restart.
 *
 * <p>Threading: called on the dying stream thread; any number of them at once.
 */
final class ThreadFailurePolicy implements StreamsUncaughtExceptionHandler {

  private static final Logger LOG = LoggerFactory.getLogger(ThreadFailurePolicy.class);

  static final int MAX_REPLACEMENTS = 5;
  static final Duration WINDOW = Duration.ofMinutes(10);

  /** Causes looked at, at most (a cause chain may loop). */
  private static final int MAX_CAUSES = 16;

  /** Called once with the error that shuts the job down. */
  interface Fatal {
    void failed(Throwable error);
  }

  private final Fatal fatal;
  private final RateLimiter replacements;
  private final int maxReplacements;
  private final Duration window;
  private final AtomicLong replaced = new AtomicLong();

  ThreadFailurePolicy(Fatal fatal) {
    this(fatal, MAX_REPLACEMENTS, WINDOW);
  }

  ThreadFailurePolicy(Fatal fatal, int maxReplacements, Duration window) {
    this.fatal = fatal;
    this.maxReplacements = maxReplacements;
    this.window = window;
    this.replacements =
        RateLimiter.of(
            "stream-thread-replacements",
            RateLimiterConfig.custom()
                .limitForPeriod(maxReplacements)
                .limitRefreshPeriod(window)
                .timeoutDuration(Duration.ZERO)
                .build());
  }

  @Override
  public StreamThreadExceptionResponse handle(Throwable error) {
    boolean unsafeCommit = isUnsafeCommit(error);
    if ((unsafeCommit || isTransient(error)) && replacements.acquirePermission()) {
      long count = replaced.incrementAndGet();
      LOG.warn(
          "Stream thread {}; replacing it ({} so far, at most {} per {}): its tasks restart from"
              + " their last commit, pending requests stay pending: {}",
          unsafeCommit
              ? "stopped before a commit that would lose or duplicate work"
              : "failed on a transient Kafka error",
          count,
          maxReplacements,
          window.toSeconds() + " s",
          describe(error));
      return StreamThreadExceptionResponse.REPLACE_THREAD;
    }
    fatal.failed(error);
    LOG.error("Stream thread failed; shutting the job down: {}", describe(error));
    return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
  }

  /** Stream threads replaced so far. */
  long replaced() {
    return replaced.get();
  }

  static boolean isTransient(Throwable error) {
    return anyCause(
        error,
        cause ->
            cause instanceof TimeoutException
                || cause instanceof TransactionAbortableException
                || cause instanceof RetriableException
                || isAbortThatTimedOut(cause));
  }

  /** The {@link TransactionGuard}'s refusal of a commit, anywhere in the cause chain. */
  static boolean isUnsafeCommit(Throwable error) {
    return anyCause(error, cause -> cause instanceof TransactionGuard.UnsafeCommitException);
  }

  private static boolean anyCause(Throwable error, Predicate<Throwable> test) {
    int depth = 0;
    for (Throwable cause = error;
        cause != null && depth < MAX_CAUSES;
        cause = cause.getCause(), depth++) {
      if (test.test(cause)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The transactional producer's refusal to begin a transaction after an abort that timed out
   * (Kafka Streams swallows the abort's timeout while the broker is away, and the thread's next
   * transaction fails). Only a new producer gets past it, which a new thread has.
   */
  private static boolean isAbortThatTimedOut(Throwable cause) {
    return cause instanceof IllegalStateException
        && cause.getMessage() != null
        && cause.getMessage().contains("abortTransaction` timed out and must be retried");
  }

  /**
   * The error and its causes on one line (messages only: they name topics, never record content).
   */
  private static String describe(Throwable error) {
    StringBuilder line = new StringBuilder(String.valueOf(error));
    int depth = 1;
    for (Throwable cause = error.getCause();
        cause != null && depth < MAX_CAUSES;
        cause = cause.getCause(), depth++) {
      line.append(" <- ").append(cause);
    }
    return line.toString().replace('\n', ' ');
  }
}
