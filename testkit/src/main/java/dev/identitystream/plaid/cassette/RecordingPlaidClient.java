package dev.identitystream.plaid.cassette;

import dev.identitystream.plaid.PlaidClient;
import dev.identitystream.plaid.PlaidRequest;
import dev.identitystream.plaid.PlaidResult;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * A {@link PlaidClient} that passes every call to another one and writes each call's final result
 * to a cassette, under the request's fingerprint, before handing it on: whatever the topology makes
 * of a result was recorded first. Results pass through unchanged.
 *
 * <p>Threading: as thread-safe as the delegate. The fingerprint is computed on the caller's thread;
 * the entry is written on the thread that completes the delegate's stage (an HTTP thread).
 */
public final class RecordingPlaidClient implements PlaidClient {

  private final PlaidClient delegate;
  private final Fingerprinter fingerprinter;
  private final CassetteWriter writer;

  /**
   * @param delegate the client that really calls; closed by {@link #close()}
   * @param writer where results go; the caller closes it after this client
   */
  public RecordingPlaidClient(
      PlaidClient delegate, Fingerprinter fingerprinter, CassetteWriter writer) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.fingerprinter = Objects.requireNonNull(fingerprinter, "fingerprinter");
    this.writer = Objects.requireNonNull(writer, "writer");
  }

  @Override
  public CompletionStage<PlaidResult> identityDocumentsUploadsGet(PlaidRequest request) {
    String fingerprint = fingerprinter.of(request);
    return delegate
        .identityDocumentsUploadsGet(request)
        .thenApply(
            result -> {
              writer.write(fingerprint, result);
              return result;
            });
  }

  @Override
  public java.util.Optional<dev.identitystream.plaid.PlaidControls> controls() {
    return delegate.controls();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
