package dev.identitystream.plaid;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Starts each call of a delegate client on a thread of its own ({@code plaid-start-N}), so that the
 * caller (the call stage's stream thread, which dispatches every call) pays nothing for building,
 * signing and sending the request: it returns at once with a stage that completes with the
 * delegate's.
 *
 * <p>Cancelling the returned stage before the call started skips it; after, it cancels the
 * delegate's stage (see {@link PlaidClient}). After {@link #close()} calls fail at once (the stage
 * keeps such requests pending).
 *
 * <p>Threading: {@link #identityDocumentsUploadsGet} from any thread; the delegate is called on
 * this client's thread; stages complete wherever the delegate completes them.
 */
public final class OffloadedPlaidClient implements PlaidClient {

  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final PlaidClient delegate;
  private final ExecutorService starter;

  public OffloadedPlaidClient(PlaidClient delegate) {
    this.delegate = delegate;
    int instance = INSTANCES.incrementAndGet();
    this.starter =
        Executors.newSingleThreadExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "plaid-start-" + instance);
              thread.setDaemon(true);
              return thread;
            });
  }

  @Override
  public CompletionStage<PlaidResult> identityDocumentsUploadsGet(PlaidRequest request) {
    CompletableFuture<PlaidResult> result = new CompletableFuture<>();
    try {
      starter.execute(() -> start(request, result));
    } catch (RejectedExecutionException closed) {
      result.completeExceptionally(new IllegalStateException("OffloadedPlaidClient is closed"));
    }
    return result;
  }

  private void start(PlaidRequest request, CompletableFuture<PlaidResult> result) {
    if (result.isDone()) {
      return; // cancelled before it started
    }
    CompletionStage<PlaidResult> stage;
    try {
      stage = delegate.identityDocumentsUploadsGet(request);
    } catch (RuntimeException e) {
      result.completeExceptionally(e);
      return;
    }
    stage.whenComplete(
        (value, error) -> {
          if (error != null) {
            result.completeExceptionally(error);
          } else {
            result.complete(value);
          }
        });
    result.whenComplete(
        (value, error) -> {
          if (result.isCancelled() && stage instanceof Future<?> future) {
            try {
              future.cancel(false);
            } catch (RuntimeException notCancellable) {
              // the delegate runs on; its result is ignored
            }
          }
        });
  }

  /**
   * The delegate's controls (fleet rate, adaptive concurrency): starting calls elsewhere changes
   * neither.
   */
  @Override
  public java.util.Optional<PlaidControls> controls() {
    return delegate.controls();
  }

  /** Stops starting calls, then closes the delegate. */
  @Override
  public void close() {
    starter.shutdownNow();
    delegate.close();
  }
}
