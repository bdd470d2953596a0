package dev.identitystream.plaid.cassette;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitystream.plaid.PlaidClient;
import dev.identitystream.plaid.PlaidRequest;
import dev.identitystream.plaid.PlaidResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordingPlaidClientTest {

  @TempDir Path dir;
  private final Fingerprinter fingerprinter = CassetteSamples.fingerprinter();

  @Test
  void shouldWriteEachResultBeforeHandingItOnUnchanged() throws Exception {
    // given
    Path file = dir.resolve("cassette.jsonl");
    PlaidRequest request = new PlaidRequest(CassetteSamples.TOKEN, List.of(), "r-1");
    CompletableFuture<PlaidResult> answer = new CompletableFuture<>();
    AtomicBoolean closed = new AtomicBoolean();
    PlaidClient delegate =
        new PlaidClient() {
          @Override
          public CompletionStage<PlaidResult> identityDocumentsUploadsGet(PlaidRequest ignored) {
            return answer;
          }

          @Override
          public void close() {
            closed.set(true);
          }
        };
    try (CassetteWriter writer =
        CassetteWriter.startNew(file, Cassette.Header.of(Instant.EPOCH, fingerprinter))) {
      RecordingPlaidClient client = new RecordingPlaidClient(delegate, fingerprinter, writer);
      List<Long> linesWhenHandedOn = new ArrayList<>();
      CompletableFuture<PlaidResult> result =
          client
              .identityDocumentsUploadsGet(request)
              .whenComplete((r, e) -> linesWhenHandedOn.add(lines(file)))
              .toCompletableFuture();

      // when
      answer.complete(CassetteSamples.errorAnswer());
      client.close();

      // then
      assertThat(result.join()).isEqualTo(CassetteSamples.errorAnswer());
      assertThat(linesWhenHandedOn).containsExactly(2L);
      assertThat(closed).isTrue();
    }
    assertThat(Cassette.read(file).results(fingerprinter.of(request)))
        .containsExactly(CassetteSamples.errorAnswer());
  }

  @Test
  void shouldRecordEveryCallCompletedOnManyThreads() throws Exception {
    // given
    Path file = dir.resolve("cassette.jsonl");
    ExecutorService httpThreads = Executors.newFixedThreadPool(4);
    PlaidClient delegate =
        request ->
            CompletableFuture.supplyAsync(
                () -> CassetteSamples.success(request.requestId()), httpThreads);
    int calls = 200;
    try (CassetteWriter writer =
        CassetteWriter.startNew(file, Cassette.Header.of(Instant.EPOCH, fingerprinter))) {
      RecordingPlaidClient client = new RecordingPlaidClient(delegate, fingerprinter, writer);

      // when
      List<CompletableFuture<PlaidResult>> results = new ArrayList<>();
      for (int i = 0; i < calls; i++) {
        results.add(
            client
                .identityDocumentsUploadsGet(
                    new PlaidRequest("access-sandbox-t" + i, List.of(), "item-" + i))
                .toCompletableFuture());
      }
      CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).join();
    } finally {
      httpThreads.shutdown();
      httpThreads.awaitTermination(10, TimeUnit.SECONDS);
    }

    // then
    Cassette cassette = Cassette.read(file);
    assertThat(cassette.entries()).isEqualTo(calls);
    for (int i = 0; i < calls; i++) {
      assertThat(
              cassette.results(
                  fingerprinter.of(new PlaidRequest("access-sandbox-t" + i, List.of(), "x"))))
          .containsExactly(CassetteSamples.success("item-" + i));
    }
  }

  private static long lines(Path file) {
    try (var lines = Files.lines(file)) {
      return lines.count();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
