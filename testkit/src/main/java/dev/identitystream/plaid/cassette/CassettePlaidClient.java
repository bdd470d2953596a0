package dev.identitystream.plaid.cassette;

import dev.identitystream.plaid.FailureKind;
import dev.identitystream.plaid.PlaidClient;
import dev.identitystream.plaid.PlaidRequest;
import dev.identitystream.plaid.PlaidResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A {@link PlaidClient} that answers from a cassette, without any network: the n-th call for a
 * fingerprint gets the n-th result recorded for it, and the last one again once they are used up.
 * Every stage it returns is already complete.
 *
 * <p>A request whose fingerprint the cassette lacks gets a {@link PlaidResult.TransportFailure}
 * ({@code CONNECTION}, {@value #MISSING_DETAIL}), which the topology sends to the DLQ; its request
 * id is also kept in {@link #misses()} so a caller can refuse the run instead.
 *
 * <p>Threading: thread-safe (synchronized); in a replay only the stream thread calls it.
 */
public final class CassettePlaidClient implements PlaidClient {

  /** The detail of the failure answered for a request the cassette lacks. */
  public static final String MISSING_DETAIL = "no cassette entry for this request";

  private final Cassette cassette;
  private final Fingerprinter fingerprinter;
  private final Map<String, Integer> used = new HashMap<>();
  private final List<String> misses = new ArrayList<>();

  public CassettePlaidClient(Cassette cassette, Fingerprinter fingerprinter) {
    this.cassette = Objects.requireNonNull(cassette, "cassette");
    this.fingerprinter = Objects.requireNonNull(fingerprinter, "fingerprinter");
  }

  @Override
  public synchronized CompletionStage<PlaidResult> identityDocumentsUploadsGet(
      PlaidRequest request) {
    String fingerprint = fingerprinter.of(request);
    List<PlaidResult> results = cassette.results(fingerprint);
    if (results.isEmpty()) {
      misses.add(Objects.toString(request.requestId(), "?"));
      return CompletableFuture.completedFuture(
          new PlaidResult.TransportFailure(FailureKind.CONNECTION, 0, MISSING_DETAIL, 1));
    }
    int index = used.merge(fingerprint, 1, Integer::sum) - 1;
    return CompletableFuture.completedFuture(results.get(Math.min(index, results.size() - 1)));
  }

  /** Request ids of the calls the cassette had no entry for, in call order. */
  public synchronized List<String> misses() {
    return List.copyOf(misses);
  }
}
