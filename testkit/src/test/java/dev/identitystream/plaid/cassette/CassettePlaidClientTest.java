package dev.identitystream.plaid.cassette;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitystream.plaid.FailureKind;
import dev.identitystream.plaid.PlaidRequest;
import dev.identitystream.plaid.PlaidResult;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CassettePlaidClientTest {

  @TempDir Path dir;
  private final Fingerprinter fingerprinter = CassetteSamples.fingerprinter();
  private final PlaidRequest request =
      new PlaidRequest(CassetteSamples.TOKEN, List.of("acc-1"), "r-1");

  @Test
  void shouldAnswerARepeatedRequestInRecordingOrderThenRepeatTheLastAnswer() throws Exception {
    // given
    Cassette cassette =
        cassette(List.of(CassetteSamples.exhausted(), CassetteSamples.success("item-1")));
    CassettePlaidClient client = new CassettePlaidClient(cassette, fingerprinter);

    // when
    List<PlaidResult> answers =
        List.of(call(client, request), call(client, request), call(client, request));

    // then
    assertThat(answers)
        .containsExactly(
            CassetteSamples.exhausted(),
            CassetteSamples.success("item-1"),
            CassetteSamples.success("item-1"));
    assertThat(client.misses()).isEmpty();
  }

  @Test
  void shouldAnswerAnUnrecordedRequestWithATransportFailureAndRememberIt() throws Exception {
    // given
    CassettePlaidClient client =
        new CassettePlaidClient(cassette(List.of(CassetteSamples.errorAnswer())), fingerprinter);
    PlaidRequest other = new PlaidRequest(CassetteSamples.TOKEN, List.of("acc-2"), "r-2");

    // when
    PlaidResult answer = call(client, other);

    // then
    assertThat(answer)
        .isEqualTo(
            new PlaidResult.TransportFailure(
                FailureKind.CONNECTION, 0, CassettePlaidClient.MISSING_DETAIL, 1));
    assertThat(client.misses()).containsExactly("r-2");
  }

  private static PlaidResult call(CassettePlaidClient client, PlaidRequest request) {
    var stage = client.identityDocumentsUploadsGet(request).toCompletableFuture();
    assertThat(stage).isDone();
    return stage.join();
  }

  private Cassette cassette(List<PlaidResult> results) throws Exception {
    Path file = dir.resolve("cassette.jsonl");
    try (CassetteWriter writer =
        CassetteWriter.startNew(file, Cassette.Header.of(Instant.EPOCH, fingerprinter))) {
      results.forEach(result -> writer.write(fingerprinter.of(request), result));
    }
    return Cassette.read(file);
  }
}
