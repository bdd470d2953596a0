package dev.identitystream.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitystream.event.DlqHeaders;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ReplayExampleTest {

  @Test
  void shouldTurnRecordedAnswersIntoTheJobsOutputs() throws IOException {
    ReplayResult result =
        CassetteReplay.of(Path.of("src/test/resources/replay/cassette.jsonl"))
            .key("testkit-example-cassette-key-0123") // yours: System.getenv("PIS_CASSETTE_KEY")
            .requests(Path.of("src/test/resources/replay/requests.jsonl"))
            .run();

    assertThat(result.accounts()).extracting(OutputRecord::key).containsExactly("acc-1", "acc-2");
    assertThat(result.items())
        .extracting(item -> item.value().get("status").asText())
        .containsExactly("OK", "ERROR");
    assertThat(result.itemErrors())
        .extracting(error -> error.value().get("error_code").asText())
        .containsExactly("ITEM_LOGIN_REQUIRED");
    assertThat(result.invalid())
        .extracting(ReplayResult.Invalid::reason)
        .containsExactly("MISSING_ACCESS_TOKEN");
    assertThat(result.misses())
        .extracting(ReplayResult.Miss::requestId)
        .containsExactly("req-unrecorded");
    assertThat(result.dlq())
        .extracting(dead -> dead.header(DlqHeaders.REASON))
        .containsExactly("RETRIES_EXHAUSTED");
  }
}
