package dev.identitystream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Test;

class SourceRecordTest {

  @Test
  void shouldRoundTripThroughThePendingStoreFormat() {
    SourceRecord record =
        new SourceRecord(
            "identity-requests",
            3,
            123_456_789_012L,
            1_700_000_000_000L,
            "key".getBytes(StandardCharsets.UTF_8),
            "{\"v\":1}".getBytes(StandardCharsets.UTF_8),
            new Header[] {
              new RecordHeader("trace", "abc".getBytes(StandardCharsets.UTF_8)),
              new RecordHeader("empty", null)
            });
    SourceRecord copy = SourceRecord.decode(record.encode());
    assertThat(copy.topic()).isEqualTo("identity-requests");
    assertThat(copy.partition()).isEqualTo(3);
    assertThat(copy.offset()).isEqualTo(123_456_789_012L);
    assertThat(copy.timestamp()).isEqualTo(1_700_000_000_000L);
    assertThat(copy.key()).isEqualTo(record.key());
    assertThat(copy.value()).isEqualTo(record.value());
    assertThat(copy.headers()).hasSize(2);
    assertThat(copy.headers()[0].key()).isEqualTo("trace");
    assertThat(copy.headers()[0].value()).isEqualTo("abc".getBytes(StandardCharsets.UTF_8));
    assertThat(copy.headers()[1].value()).isNull();
  }

  @Test
  void shouldKeepANullKey() {
    SourceRecord record = new SourceRecord("t", 0, 1, 2, null, new byte[] {1}, null);
    assertThat(SourceRecord.decode(record.encode()).key()).isNull();
  }

  @Test
  void shouldOrderStoreKeysByPartitionThenOffset() {
    SourceRecord a = new SourceRecord("t", 0, 255, 0, null, new byte[0], null);
    SourceRecord b = new SourceRecord("t", 0, 256, 0, null, new byte[0], null);
    SourceRecord c = new SourceRecord("t", 1, 0, 0, null, new byte[0], null);
    assertThat(storeKey(a).compareTo(storeKey(b))).isNegative();
    assertThat(storeKey(b).compareTo(storeKey(c))).isNegative();
    assertThat(a.derivedRequestId()).isEqualTo("t-0-255");
  }

  private static Bytes storeKey(SourceRecord record) {
    return PendingStore.keyOf(Lane.LIVE, record.partition(), record.offset());
  }
}
