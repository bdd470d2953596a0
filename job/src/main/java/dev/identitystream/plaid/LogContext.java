package dev.identitystream.plaid;

import org.slf4j.MDC;

/**
 * The per-request logging context: {@code request_id} and {@code item_id} in the SLF4J {@link MDC}
 * of the current thread, for the log lines written while one request is handled. Use it in a
 * try-with-resources block on the thread that logs; {@link #close()} removes both keys. Only put it
 * around code that logs (it is a thread-local write), never around the whole per-record path.
 *
 * <p>Never put an access token or a secret here: the MDC is written to every log line.
 *
 * <p>Threading: the MDC is per thread; open and close the context on the same thread.
 */
public final class LogContext implements AutoCloseable {

  public static final String REQUEST_ID = "request_id";
  public static final String ITEM_ID = "item_id";

  private static final LogContext OPEN = new LogContext();

  private LogContext() {}

  /**
   * Puts the ids (null ones are left out) into the current thread's MDC.
   *
   * @param requestId our request id, or null
   * @param itemId the Item's id, or null
   */
  public static LogContext of(String requestId, String itemId) {
    if (requestId != null) {
      MDC.put(REQUEST_ID, requestId);
    }
    if (itemId != null) {
      MDC.put(ITEM_ID, itemId);
    }
    return OPEN;
  }

  /** Removes both keys from the current thread's MDC. */
  @Override
  public void close() {
    MDC.remove(REQUEST_ID);
    MDC.remove(ITEM_ID);
  }
}
