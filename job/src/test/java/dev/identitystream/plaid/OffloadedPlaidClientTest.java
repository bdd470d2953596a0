package dev.identitystream.plaid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OffloadedPlaidClientTest {

  private final List<String> threads = new CopyOnWriteArrayList<>();
  private final List<CompletableFuture<PlaidResult>> started = new CopyOnWriteArrayList<>();
  private final CountDownLatch release = new CountDownLatch(1);
  private final PlaidClient delegate =
      request -> {
        threads.add(Thread.currentThread().getName());
        if (request.requestId().equals("blocker")) {
          try {
            release.await(5, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        CompletableFuture<PlaidResult> future = new CompletableFuture<>();
        started.add(future);
        return future;
      };
  private final OffloadedPlaidClient client = new OffloadedPlaidClient(delegate);

  @AfterEach
  void close() {
    release.countDown();
    client.close();
  }

  private static PlaidRequest request(String id) {
    return new PlaidRequest("access-sandbox-x", List.of(), id);
  }

  @Test
  void shouldStartCallsOnItsOwnThreadAndCompleteWithTheDelegatesResult() throws Exception {
    CompletionStage<PlaidResult> stage = client.identityDocumentsUploadsGet(request("r1"));
    await().atMost(Duration.ofSeconds(5)).until(() -> started.size() == 1);
    PlaidResult answer = new PlaidResult.TransportFailure(FailureKind.TIMEOUT, 0, "t", 1);
    started.get(0).complete(answer);
    assertThat(stage.toCompletableFuture().get(5, TimeUnit.SECONDS)).isSameAs(answer);
    assertThat(threads)
        .singleElement()
        .satisfies(name -> assertThat(name).startsWith("plaid-start-"));
  }

  @Test
  void shouldSkipACallCancelledBeforeItStartedAndCancelOneThatStarted() {
    // given: the starter thread busy with a first call, a second call queued behind it
    client.identityDocumentsUploadsGet(request("blocker"));
    CompletableFuture<PlaidResult> queued =
        client.identityDocumentsUploadsGet(request("queued")).toCompletableFuture();

    // when: the caller gives up on the queued one, then the starter is free again
    queued.cancel(false);
    release.countDown();
    CompletableFuture<PlaidResult> running =
        client.identityDocumentsUploadsGet(request("running")).toCompletableFuture();
    await().atMost(Duration.ofSeconds(5)).until(() -> started.size() == 2);
    running.cancel(false);

    // then: the queued call never reached the delegate, the running one was cancelled there
    assertThat(threads).hasSize(2);
    assertThat(started.get(1)).isCancelled();
  }

  @Test
  void shouldFailCallsAfterClose() {
    client.close();
    CompletableFuture<PlaidResult> late =
        client.identityDocumentsUploadsGet(request("late")).toCompletableFuture();
    assertThat(late).isCompletedExceptionally();
    assertThat(catchCause(late)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void shouldPassTheDelegatesControlsThrough() {
    PlaidControls controls =
        new PlaidControls(
            java.util.Optional.empty(), new AdaptiveConcurrency(true, 1, 8, 1_000_000_000L));
    PlaidClient controlled =
        new PlaidClient() {
          @Override
          public CompletionStage<PlaidResult> identityDocumentsUploadsGet(PlaidRequest request) {
            return new CompletableFuture<>();
          }

          @Override
          public java.util.Optional<PlaidControls> controls() {
            return java.util.Optional.of(controls);
          }
        };
    try (OffloadedPlaidClient offloaded = new OffloadedPlaidClient(controlled)) {
      assertThat(offloaded.controls()).containsSame(controls);
    }
  }

  private static Throwable catchCause(CompletableFuture<?> future) {
    try {
      future.get();
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return e;
    }
  }
}
