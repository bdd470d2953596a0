package dev.identitystream.plaid;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Calls Plaid's {@code POST /identity/documents/uploads/get}.
 *
 * <p>The returned stage never completes exceptionally for an expected failure: a Plaid error
 * answer, a timeout, a refused connection, a malformed or oversize body are all values of {@link
 * PlaidResult}. It may complete exceptionally only on a programming error.
 *
 * <p>Threading: implementations are called from Kafka Streams threads and must not block them;
 * stages complete on the implementation's own threads.
 */
public interface PlaidClient extends AutoCloseable {

  /** Starts one logical call (one or more attempts, as the implementation decides). */
  CompletionStage<PlaidResult> identityDocumentsUploadsGet(PlaidRequest request);

  /**
   * The budget controls of a client that paces and limits itself ({@link ResilientPlaidClient});
   * empty for one that does not. Wrappers pass their delegate's on.
   */
  default Optional<PlaidControls> controls() {
    return Optional.empty();
  }

  /** Releases threads and connections. Calls in flight may complete or be abandoned. */
  @Override
  default void close() {}
}
