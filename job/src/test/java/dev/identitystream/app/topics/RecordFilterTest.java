package dev.identitystream.app.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.identitystream.event.DlqHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** Which records tail prints and redrive moves. */
class RecordFilterTest {

  private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

  private static ConsumerRecord<byte[], byte[]> record(
      String reason, String requestIdHeader, String value, Instant at) {
    RecordHeaders headers = new RecordHeaders();
    if (reason != null) {
      headers.add(DlqHeaders.REASON, reason.getBytes(StandardCharsets.UTF_8));
    }
    if (requestIdHeader != null) {
      headers.add(DlqHeaders.REQUEST_ID, requestIdHeader.getBytes(StandardCharsets.UTF_8));
    }
    return new ConsumerRecord<>(
        "t",
        0,
        0,
        at.toEpochMilli(),
        TimestampType.CREATE_TIME,
        0,
        0,
        null,
        value == null ? null : value.getBytes(StandardCharsets.UTF_8),
        headers,
        Optional.empty());
  }

  @Test
  void shouldSelectByReasonRequestIdAndTime() {
    RecordFilter filter =
        new RecordFilter(Set.of("RETRIES_EXHAUSTED"), Set.of("r-1"), NOW.minusSeconds(60), NOW);
    assertThat(filter.matches(record("RETRIES_EXHAUSTED", "r-1", "{}", NOW.minusSeconds(30))))
        .isTrue();
    assertThat(filter.matches(record("INVALID_JSON", "r-1", "{}", NOW.minusSeconds(30)))).isFalse();
    assertThat(filter.matches(record("RETRIES_EXHAUSTED", "r-2", "{}", NOW.minusSeconds(30))))
        .isFalse();
    assertThat(filter.matches(record("RETRIES_EXHAUSTED", "r-1", "{}", NOW.minusSeconds(61))))
        .isFalse();
    assertThat(filter.matches(record("RETRIES_EXHAUSTED", "r-1", "{}", NOW))).isFalse();
  }

  @Test
  void shouldMatchTheRequestIdOfAnOutputValueToo() {
    RecordFilter filter = new RecordFilter(Set.of(), Set.of("r-9"), null, null);
    assertThat(filter.matches(record(null, null, "{\"request_id\":\"r-9\"}", NOW))).isTrue();
    assertThat(filter.matches(record(null, null, "not json", NOW))).isFalse();
    assertThat(RecordFilter.all().matches(record(null, null, null, NOW))).isTrue();
  }

  @Test
  void shouldParseInstantsAndTimesAgo() {
    assertThat(RecordFilter.parseTime("2026-11-24T08:00:00Z", NOW))
        .isEqualTo(Instant.parse("2026-11-24T08:00:00Z"));
    assertThat(RecordFilter.parseTime("2h", NOW)).isEqualTo(NOW.minusSeconds(7200));
    assertThat(RecordFilter.parseTime("30m", NOW)).isEqualTo(NOW.minusSeconds(1800));
    assertThat(RecordFilter.parseTime("1d", NOW)).isEqualTo(NOW.minusSeconds(86_400));
    assertThat(RecordFilter.parseTime("PT90S", NOW)).isEqualTo(NOW.minusSeconds(90));
    assertThatThrownBy(() -> RecordFilter.parseTime("last tuesday", NOW))
        .hasMessageContaining("is not a time");
  }

  @Test
  void shouldRefuseUnknownReasonsAndEmptyRanges() {
    assertThatThrownBy(() -> new RecordFilter(Set.of("TYPO"), Set.of(), null, null))
        .hasMessageContaining("unknown DLQ reason TYPO");
    assertThatThrownBy(() -> new RecordFilter(Set.of(), Set.of(), NOW, NOW))
        .hasMessageContaining("empty");
  }
}
