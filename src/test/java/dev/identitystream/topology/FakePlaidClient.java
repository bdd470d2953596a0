package dev.identitystream.topology;

import dev.identitystream.plaid.PlaidClient;
import dev.identitystream.plaid.PlaidRequest;
import dev.identitystream.plaid.PlaidResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * A Plaid client the test controls: every call returns a future the test completes, unless an
 * answer function is set, in which case calls complete at once. Tracks calls in flight.
 *
 * <p>Threading: synchronized; completing a future runs the stage's callbacks on the completing thread.
 */
final class FakePlaidClient implements PlaidClient {

  private final Map<String, CompletableFuture<PlaidResult>> open = new LinkedHashMap<>();
  private final List<PlaidRequest> calls = new ArrayList<>();
  private Function<PlaidRequest, PlaidResult> autoAnswer;
  private int inFlight;
  private int maxInFlight;

  /** Answers every later call at once with this function. */
  synchronized FakePlaidClient answeringWith(Function<PlaidRequest, PlaidResult> answer) {
    this.autoAnswer = answer;
    return this;
  }

  @Override
  public CompletionStage<PlaidResult> identityDocumentsUploadsGet(PlaidRequest request) {
    CompletableFuture<PlaidResult> future = new CompletableFuture<>();
    Function<PlaidRequest, PlaidResult> answer;
    synchronized (this) {
      calls.add(request);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      answer = autoAnswer;
      if (answer == null) {
        open.put(request.requestId(), future);
      }
    }
    if (answer != null) {
      synchronized (this) {
        inFlight--;
      }
      future.complete(answer.apply(request));
    }
    return future;
  }

  /** Completes the open call of this request id. */
  void complete(String requestId, PlaidResult result) {
    CompletableFuture<PlaidResult> future;
    synchronized (this) {
      future = open.remove(requestId);
      if (future == null) {
        throw new IllegalStateException("no open call for " + requestId + "; open: " + open.keySet());
      }
      inFlight--;
    }
    future.complete(result);
  }

  synchronized List<String> openRequestIds() {
    return new ArrayList<>(open.keySet());
  }

  synchronized List<PlaidRequest> calls() {
    return new ArrayList<>(calls);
  }

  synchronized List<String> calledRequestIds() {
    return calls.stream().map(PlaidRequest::requestId).toList();
  }

  synchronized int maxInFlight() {
    return maxInFlight;
  }
}
