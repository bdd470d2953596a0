package dev.identitystream.plaid;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A response body read into one array, or the note that it exceeded the cap.
 *
 * @param bytes the body in {@code bytes[0, length)}; empty when {@code tooLarge}
 * @param length how many bytes of {@code bytes} are the body
 * @param tooLarge whether the body (or its declared length) exceeded the cap; reading stopped
 */
record CappedBody(byte[] bytes, int length, boolean tooLarge) {

  private static final byte[] EMPTY = new byte[0];
  private static final int INITIAL_CAPACITY = 16 * 1024;

  static CappedBody exceeded() {
    return new CappedBody(EMPTY, 0, true);
  }

  /**
   * A body handler reading at most {@code maxBytes}: a larger declared {@code Content-Length} is
   * refused before reading; a body that grows past the cap is cancelled as soon as it does (the
   * connection is closed, the rest never read).
   *
   * <p>Threading: one handler per attempt. {@link #abort} may be called from any thread.
   */
  static final class Handler implements HttpResponse.BodyHandler<CappedBody> {
    private final int maxBytes;
    private volatile Subscriber subscriber;
    private volatile boolean aborted;

    Handler(int maxBytes) {
      this.maxBytes = maxBytes;
    }

    @Override
    public HttpResponse.BodySubscriber<CappedBody> apply(HttpResponse.ResponseInfo info) {
      long declared = info.headers().firstValueAsLong("content-length").orElse(-1L);
      Subscriber created = new Subscriber(maxBytes, declared);
      subscriber = created;
      if (aborted) {
        created.abort();
      }
      return created;
    }

    /** Stops reading (the per-attempt timeout passed): cancels the body, fails the exchange. */
    void abort() {
      aborted = true;
      Subscriber current = subscriber;
      if (current != null) {
        current.abort();
      }
    }
  }

  /** Collects the body into one array, copying each buffer once. */
  static final class Subscriber implements HttpResponse.BodySubscriber<CappedBody> {
    private final CompletableFuture<CappedBody> result = new CompletableFuture<>();
    private final int maxBytes;
    private final long declaredLength;
    private volatile Flow.Subscription subscription;
    private byte[] buffer;
    private int length;

    Subscriber(int maxBytes, long declaredLength) {
      this.maxBytes = maxBytes;
      this.declaredLength = declaredLength;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      if (declaredLength > maxBytes) {
        s.cancel();
        result.complete(exceeded());
        return;
      }
      buffer = new byte[declaredLength >= 0 ? (int) declaredLength : Math.min(INITIAL_CAPACITY, maxBytes)];
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      if (result.isDone()) {
        return;
      }
      for (ByteBuffer item : items) {
        int n = item.remaining();
        if (n > maxBytes - length) {
          subscription.cancel();
          result.complete(exceeded());
          return;
        }
        if (n > buffer.length - length) {
          buffer = Arrays.copyOf(buffer, (int) Math.min(maxBytes, Math.max(2L * buffer.length, (long) length + n)));
        }
        item.get(buffer, length, n);
        length += n;
      }
    }

    @Override
    public void onError(Throwable throwable) {
      result.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
      result.complete(new CappedBody(buffer, length, false));
    }

    @Override
    public CompletionStage<CappedBody> getBody() {
      return result;
    }

    void abort() {
      Flow.Subscription s = subscription;
      if (s != null) {
        s.cancel();
      }
      result.completeExceptionally(new IOException("response body aborted"));
    }
  }
}
