package dev.identitystream.app.observability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.identitystream.plaid.FailureKind;
import dev.identitystream.plaid.IdentityDocumentsResponse;
import dev.identitystream.plaid.PlaidError;
import dev.identitystream.plaid.PlaidResult;
import dev.identitystream.topology.IdentityTopology;
import dev.identitystream.topology.InFlightLimiter;
import dev.identitystream.topology.PendingGauge;
import dev.identitystream.topology.Topics;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.search.RequiredSearch;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.Topology;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JobMetricsTest {

  private static final String TOKEN = "access-sandbox-0f3c-secret-token";
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JobMetrics metrics = new JobMetrics(registry);

  @AfterEach
  void close() {
    registry.close();
  }

  private static PlaidResult.ErrorAnswer error(String type, String code) {
    return new PlaidResult.ErrorAnswer(400, PlaidError.of(type, code, "message with " + TOKEN), 1);
  }

  private static PlaidResult.Success success() {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.putArray("accounts");
    body.putObject("item").put("item_id", "item-1");
    body.put("request_id", "plaid-req-1");
    return new PlaidResult.Success(200, IdentityDocumentsResponse.fromJson(body), 1);
  }

  private double requests(String outcome, String type, String code) {
    return RequiredSearch.in(registry)
        .name(JobMetrics.REQUESTS)
        .tags("outcome", outcome, "error_type", type, "error_code", code)
        .counter()
        .count();
  }

  @Test
  void shouldCountFinalResultsByOutcomeTypeAndCode() {
    // given
    PlaidResult timeout = new PlaidResult.TransportFailure(FailureKind.TIMEOUT, 0, "timed out", 1);
    // when
    metrics.onCallCompleted(error("ITEM_ERROR", "ITEM_LOGIN_REQUIRED"), 1_000_000);
    metrics.onCallCompleted(error("ITEM_ERROR", "ITEM_LOGIN_REQUIRED"), 2_000_000);
    metrics.onCallCompleted(timeout, 3_000_000);
    metrics.onCallCompleted(
        new PlaidResult.Exhausted(error("RATE_LIMIT_EXCEEDED", "RATE_LIMIT"), 5), 4_000_000);
    // then
    assertThat(requests("error_answer", "ITEM_ERROR", "ITEM_LOGIN_REQUIRED")).isEqualTo(2.0);
    assertThat(requests("transport_failure", "TRANSPORT", "TIMEOUT")).isEqualTo(1.0);
    assertThat(requests("exhausted", "RATE_LIMIT_EXCEEDED", "RATE_LIMIT")).isEqualTo(1.0);
    assertThat(
            RequiredSearch.in(registry)
                .name(JobMetrics.REQUEST_DURATION)
                .tag("outcome", "error_answer")
                .timer()
                .totalTime(TimeUnit.MILLISECONDS))
        .isEqualTo(3.0);
  }

  @Test
  void shouldCountSuccessesWithNoneLabels() {
    // when
    metrics.onCallCompleted(success(), 1_000_000);
    // then
    assertThat(requests("success", "none", "none")).isEqualTo(1.0);
  }

  @Test
  void shouldReplaceLabelValuesThatAreNotPlainCodes() {
    // when: a hostile or broken body puts free text into error_type and error_code
    metrics.onCallCompleted(error("item error " + TOKEN, TOKEN), 1);
    // then
    assertThat(requests("error_answer", "OTHER", "OTHER")).isEqualTo(1.0);
    assertThat(registry.scrape()).doesNotContain(TOKEN).doesNotContain("sandbox");
  }

  @Test
  void shouldExposePrometheusNamesWithLatencyHistogram() {
    // given
    metrics.onCallCompleted(error("ITEM_ERROR", "ITEM_LOGIN_REQUIRED"), 5_000_000);
    metrics.onRecordOut("identity-item-errors");
    metrics.onRetry(
        1, 200, new PlaidResult.TransportFailure(FailureKind.CONNECTION, 0, "refused", 1));
    metrics.onRateLimiterWait(1_000);
    metrics.onAttempt(error("ITEM_ERROR", "ITEM_LOGIN_REQUIRED"), 5_000_000);
    // when
    String text = registry.scrape();
    // then
    assertThat(text)
        .contains(
            "plaid_requests_total{error_code=\"ITEM_LOGIN_REQUIRED\",error_type=\"ITEM_ERROR\",outcome=\"error_answer\"} 1.0")
        .contains("plaid_request_duration_seconds_bucket{outcome=\"error_answer\",le=")
        .contains("plaid_attempt_duration_seconds_count{outcome=\"error_answer\"} 1")
        .contains("stage_records_out_total{topic=\"identity-item-errors\"} 1.0")
        .contains("plaid_retries_total{error_code=\"CONNECTION\",error_type=\"TRANSPORT\"} 1.0")
        .contains("plaid_ratelimiter_wait_seconds_count 1");
  }

  @Test
  void shouldShowTheBreakerStateItEnteredLast() {
    // when
    metrics.onBreakerTransition(CircuitBreaker.State.CLOSED, CircuitBreaker.State.OPEN);
    // then
    assertThat(registry.get(JobMetrics.BREAKER_STATE).tag("state", "open").gauge().value())
        .isEqualTo(1.0);
    assertThat(registry.get(JobMetrics.BREAKER_STATE).tag("state", "closed").gauge().value())
        .isZero();
    assertThat(registry.get(JobMetrics.BREAKER_TRANSITIONS).tag("state", "open").counter().count())
        .isEqualTo(1.0);
  }

  @Test
  void shouldShowAPauseForAClientErrorUntilItEnds() {
    // when Plaid refuses the client, with a code that is free text
    metrics.onClientErrorPause(error("INVALID_INPUT", "INVALID_API_KEYS"));
    double pausedGauge = registry.get(JobMetrics.CLIENT_ERROR_PAUSED).gauge().value();
    String reason = metrics.clientErrorPause();
    metrics.onClientErrorResume(1_000_000_000L);
    metrics.onClientErrorPause(error("INVALID_INPUT", TOKEN));
    // then
    assertThat(pausedGauge).isEqualTo(1.0);
    assertThat(reason).isEqualTo("INVALID_INPUT/INVALID_API_KEYS");
    assertThat(metrics.clientErrorPause()).isEqualTo("INVALID_INPUT/OTHER");
    metrics.onClientErrorResume(1L);
    assertThat(metrics.clientErrorPause()).isNull();
    metrics.onClientErrorPause(
        new PlaidResult.TransportFailure(
            FailureKind.REFUSED, 403, "HTTP 403 without a Plaid error body", 1));
    assertThat(metrics.clientErrorPause()).isEqualTo("TRANSPORT/REFUSED HTTP 403");
    metrics.onClientErrorResume(1L);
    assertThat(registry.get(JobMetrics.CLIENT_ERROR_PAUSED).gauge().value()).isZero();
    assertThat(
            registry
                .get(JobMetrics.CLIENT_ERROR_PAUSES)
                .tags("error_code", "INVALID_API_KEYS")
                .counter()
                .count())
        .isEqualTo(1.0);
    assertThat(registry.scrape()).contains("plaid_client_error_paused 0.0").doesNotContain(TOKEN);
  }

  @Test
  void shouldReadInFlightAndPendingFromTheStage() {
    // given
    InFlightLimiter limiter = new InFlightLimiter(8);
    metrics.bindStage(
        new IdentityTopology.Built(
            new Topology(),
            limiter,
            new PendingGauge(),
            new dev.identitystream.topology.FleetShare(),
            new dev.identitystream.topology.TransactionGuard()));
    // then
    assertThat(registry.get(JobMetrics.IN_FLIGHT).gauge().value()).isZero();
    assertThat(registry.get(JobMetrics.IN_FLIGHT_CAPACITY).gauge().value()).isEqualTo(8.0);
    assertThat(registry.get(JobMetrics.PENDING).gauge().value()).isZero();
  }

  @Test
  void shouldCountDeadLettersOfTheBoundDlqTopicOnly() {
    // given
    Topics topics = Topics.DEFAULTS;
    metrics.bindStage(
        new IdentityTopology.Built(
            new Topology(),
            new InFlightLimiter(4),
            new PendingGauge(),
            new dev.identitystream.topology.FleetShare(),
            new dev.identitystream.topology.TransactionGuard()),
        topics,
        100);

    // when
    metrics.onRecordOut(topics.dlq());
    metrics.onRecordOut(topics.items());
    metrics.onRecordOut(topics.dlq());

    // then
    assertThat(registry.get(JobMetrics.DLQ_RECORDS).counter().count()).isEqualTo(2.0);
    assertThat(registry.get(JobMetrics.RECORDS_OUT).tag("topic", topics.items()).counter().count())
        .isEqualTo(1.0);
    assertThat(
            registry.get(JobMetrics.RECORDS_OUT).tag("topic", topics.accounts()).counter().count())
        .isZero();
    assertThat(registry.get(JobMetrics.PENDING_CAPACITY_PER_TASK).gauge().value()).isEqualTo(100.0);
  }

  @Test
  void shouldCountOnTheCountersRegisteredAtZero() {
    // given: the zero series exist before anything happens
    assertThat(requests("success", "none", "none")).isZero();
    assertThat(
            registry
                .get(JobMetrics.RETRIES)
                .tags("error_type", "none", "error_code", "none")
                .counter()
                .count())
        .isZero();
    assertThat(
            registry
                .get(JobMetrics.BREAKER_TRANSITIONS)
                .tag("state", "half_open")
                .counter()
                .count())
        .isZero();

    // when
    metrics.onCallCompleted(success(), 1_000);
    metrics.onBreakerTransition(CircuitBreaker.State.OPEN, CircuitBreaker.State.HALF_OPEN);

    // then the same series move
    assertThat(requests("success", "none", "none")).isEqualTo(1.0);
    assertThat(
            registry
                .get(JobMetrics.BREAKER_TRANSITIONS)
                .tag("state", "half_open")
                .counter()
                .count())
        .isEqualTo(1.0);
    assertThat(registry.find(JobMetrics.REQUESTS).counters()).hasSize(JobMetrics.OUTCOMES.size());
  }

  @Test
  void shouldExposeTheVersionAsBuildInfo() {
    PrometheusMeterRegistry other = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try {
      new JobMetrics(other, "1.2.3-test");
      assertThat(other.scrape())
          .containsPattern(
              "(?m)^plaid_identity_stream_build_info\\{version=\"1\\.2\\.3-test\"\\} 1(\\.0)?$");
    } finally {
      other.close();
    }
  }
}
