package dev.identitystream.topology;

import dev.identitystream.plaid.PlaidClient;
import dev.identitystream.plaid.PlaidRequest;
import dev.identitystream.plaid.PlaidResult;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A Plaid client the test controls: every call returns a future the test completes, unless an
 * answer function is set, in which case calls complete at once. A request id may have several calls
 * (a task's earlier life, then its next); {@link #complete} completes the oldest.
 *
 * <p>Threading: synchronized; completing a future runs the stage's callbacks on the completing
 * thread.
 */
final class FakePlaidClient implements PlaidClient {

  private final Map<String, ArrayDeque<CompletableFuture<PlaidResult>>> calls =
      new LinkedHashMap<>();
  private final List<PlaidRequest> requests = new ArrayList<>();
  private Function<PlaidRequest, PlaidResult> autoAnswer;
  private Consumer<PlaidRequest> onCall = request -> {};
  private boolean cancellable = true;
  private int maxInFlight;

  /** Answers every later call at once with this function. */
  synchronized FakePlaidClient answeringWith(Function<PlaidRequest, PlaidResult> answer) {
    this.autoAnswer = answer;
    return this;
  }

  /** Runs {@code action} at the start of every later call (on the calling thread). */
  synchronized FakePlaidClient onCall(Consumer<PlaidRequest> action) {
    this.onCall = action;
    return this;
  }

  /** Returns stages that cannot be cancelled: abandoned calls still answer late. */
  synchronized FakePlaidClient ignoringCancellation() {
    this.cancellable = false;
    return this;
  }

  @Override
  public CompletionStage<PlaidResult> identityDocumentsUploadsGet(PlaidRequest request) {
    Consumer<PlaidRequest> hook;
    synchronized (this) {
      hook = onCall;
    }
    hook.accept(request);
    CompletableFuture<PlaidResult> future = new CompletableFuture<>();
    Function<PlaidRequest, PlaidResult> answer;
    boolean plain;
    synchronized (this) {
      requests.add(request);
      answer = autoAnswer;
      plain = cancellable;
      if (answer == null) {
        calls.computeIfAbsent(request.requestId(), id -> new ArrayDeque<>()).add(future);
        maxInFlight = Math.max(maxInFlight, openRequestIds().size());
      }
    }
    if (answer != null) {
      future.complete(answer.apply(request));
    }
    return plain ? future : future.minimalCompletionStage();
  }

  /** Completes the oldest call of this request id (which may have been cancelled: then a no-op). */
  void complete(String requestId, PlaidResult result) {
    CompletableFuture<PlaidResult> future;
    synchronized (this) {
      ArrayDeque<CompletableFuture<PlaidResult>> queue = calls.get(requestId);
      if (queue == null || queue.isEmpty()) {
        throw new IllegalStateException("no call for " + requestId + "; open: " + openRequestIds());
      }
      future = queue.poll();
      if (queue.isEmpty()) {
        calls.remove(requestId);
      }
    }
    future.complete(result);
  }

  /** Request ids with a call not yet completed or cancelled, in call order of their first call. */
  synchronized List<String> openRequestIds() {
    List<String> open = new ArrayList<>();
    calls.forEach(
        (id, queue) -> {
          if (queue.stream().anyMatch(f -> !f.isDone())) {
            open.add(id);
          }
        });
    return open;
  }

  /** Request ids with a call not completed by the test (cancelled ones included). */
  synchronized List<String> uncompletedRequestIds() {
    return new ArrayList<>(calls.keySet());
  }

  synchronized List<PlaidRequest> calls() {
    return new ArrayList<>(requests);
  }

  synchronized List<String> calledRequestIds() {
    return requests.stream().map(PlaidRequest::requestId).toList();
  }

  synchronized int maxInFlight() {
    return maxInFlight;
  }
}
