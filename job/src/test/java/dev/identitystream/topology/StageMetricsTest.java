package dev.identitystream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitystream.plaid.PlaidResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StageMetricsTest {

  @TempDir Path stateDir;
  private final Recording metrics = new Recording();
  private TopologyHarness harness;

  /** Remembers what the stage reported. */
  private static final class Recording implements StageMetrics {
    final List<PlaidResult> results = new CopyOnWriteArrayList<>();
    final Map<String, AtomicInteger> out = new ConcurrentHashMap<>();

    @Override
    public void onCallCompleted(PlaidResult result, long durationNanos) {
      assertThat(durationNanos).isNotNegative();
      results.add(result);
    }

    @Override
    public void onRecordOut(String topic) {
      out.computeIfAbsent(topic, t -> new AtomicInteger()).incrementAndGet();
    }

    int out(String topic) {
      AtomicInteger count = out.get(topic);
      return count == null ? 0 : count.get();
    }
  }

  @BeforeEach
  void start() {
    harness =
        new TopologyHarness(TopologyHarness.settings(), new FakePlaidClient(), stateDir, metrics);
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  private static String request(String requestId) {
    return "{\"access_token\":\"access-sandbox-t\",\"request_id\":\"" + requestId + "\"}";
  }

  @Test
  void shouldReportEachFinalResultAndEachRecordPerTopicAsWritten() {
    // given
    harness.client.answeringWith(
        call ->
            call.requestId().equals("req-err")
                ? Answers.error(400, "ITEM_ERROR", "ITEM_LOGIN_REQUIRED")
                : Answers.success("item-1", 2));
    // when
    harness.send("key-1", request("req-ok"));
    harness.send("key-2", request("req-err"));
    harness.send("key-3", "not json");
    harness.drain();
    // then
    Topics topics = harness.topics;
    int accounts = harness.accounts().size();
    int items = harness.items().size();
    int itemErrors = harness.itemErrors().size();
    int dlq = harness.dlq().size();
    assertThat(metrics.results)
        .extracting(result -> result.getClass().getSimpleName())
        .containsExactlyInAnyOrder("Success", "ErrorAnswer");
    assertThat(metrics.out(topics.accounts())).isEqualTo(accounts).isEqualTo(2);
    assertThat(metrics.out(topics.items())).isEqualTo(items).isPositive();
    assertThat(metrics.out(topics.itemErrors())).isEqualTo(itemErrors).isEqualTo(1);
    assertThat(metrics.out(topics.dlq())).isEqualTo(dlq).isEqualTo(1);
  }
}
