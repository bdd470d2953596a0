package dev.identitystream.plaid;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Calls Plaid's {@code POST /identity/documents/uploads/get}.
 *
 * <p>The returned stage never completes exceptionally for an expected failure: a Plaid error
 * answer, a timeout, a refused connection, a malformed or oversize body are all values of {@link
 * PlaidResult}. It completes exceptionally only when there is no result at all: the client is
 * closing, or a programming error (the call stage then keeps the request pending and calls again).
 *
 * <p>Cancellation: a caller that no longer wants the result may cancel the returned stage (if it is
 * a {@link java.util.concurrent.Future}); an implementation should then stop retrying and waiting,
 * and free what it holds for the call. An implementation whose stage is not cancellable is still
 * correct: the caller ignores the late result.
 *
 * <p>Threading: {@link #identityDocumentsUploadsGet} may be called from any thread (the call stage
 * calls it from stream threads; decorators such as {@link ResilientPlaidClient} from their own
 * scheduler or completion threads) and must return without blocking. Its stage may complete on any
 * thread, including synchronously on the calling thread before the method returns (a cassette, a
 * test double, an immediate refusal): callers must not assume otherwise.
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
