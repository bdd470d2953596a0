package dev.identitystream.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The comparison MetricsIT makes between the docs' metric tables and /metrics can fail. */
class MetricTablesTest {

  private static final String SECTION =
      """
      | metric (Prometheus name) | type | labels | meaning |
      |---|---|---|---|
      | `plaid_requests_total` | counter | `outcome` (`success`, `error_answer`), `error_type` | calls |
      | `stage_in_flight`, `stage_pending` | gauge | | load |
      | `plaid_request_duration_seconds` | histogram | `outcome` | latency |

      | metric (Prometheus name) | meaning |
      |---|---|
      | `jvm_threads_live_threads` | threads |
      | `jvm_gc_pause_seconds` | pauses (a summary; appears at the first collection) |

      | metric (Prometheus name) | labels | meaning |
      |---|---|---|
      | `kafka_stream_alive_stream_threads` | `client_id` | threads |
      """;

  private static final String SCRAPE =
      """
      # HELP plaid_requests_total calls
      plaid_requests_total{error_type="none",outcome="success"} 0.0
      stage_in_flight 0.0
      stage_pending 0.0
      plaid_request_duration_seconds_bucket{outcome="success",le="0.1"} 0
      plaid_request_duration_seconds_count{outcome="success"} 0
      jvm_threads_live_threads 12.0
      kafka_stream_alive_stream_threads{client_id="a",kafka_version="4.4.0"} 1.0
      kafka_consumer_fetch_manager_records_lag{client_id="a",partition="0",topic="t"} 0.0
      """;

  @Test
  void shouldReadNamesAndLabelNamesButNotLabelValues() {
    assertThat(MetricTables.documented(SECTION))
        .containsEntry("plaid_requests_total", Set.of("outcome", "error_type"))
        .containsEntry("stage_pending", Set.of())
        .containsEntry("jvm_threads_live_threads", null)
        .containsEntry("kafka_stream_alive_stream_threads", Set.of("client_id"))
        .hasSize(7);
  }

  @Test
  void shouldFindNothingWhenTheTablesAreTrue() {
    assertThat(MetricTables.mismatches(SECTION, SCRAPE)).isEmpty();
  }

  @Test
  void shouldFindEachKindOfMismatch() {
    String scrape =
        SCRAPE
                .replace("error_type=\"none\",", "")
                .replace("stage_pending 0.0\n", "stage_pendings 0.0\n")
                .replace(
                    "kafka_stream_alive_stream_threads{client_id=\"a\",",
                    "kafka_stream_alive_stream_threads{")
            + "jvm_threads_daemon_threads 3.0\n"
            + "plaid_request_duration_seconds_sum{outcome=\"success\",extra=\"x\"} 0\n";
    assertThat(MetricTables.mismatches(SECTION, scrape))
        .containsExactlyInAnyOrder(
            "plaid_requests_total documented with labels [error_type, outcome], served with [outcome]",
            "documented, not served: stage_pending",
            "served, not documented: stage_pendings",
            "kafka_stream_alive_stream_threads documented with labels [client_id, kafka_version],"
                + " served with [kafka_version]",
            "served, not documented: jvm_threads_daemon_threads",
            "plaid_request_duration_seconds documented with labels [outcome], served with [extra,"
                + " outcome]");
  }
}
