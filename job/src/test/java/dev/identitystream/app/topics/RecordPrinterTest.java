package dev.identitystream.app.topics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.identitystream.event.DlqHeaders;
import dev.identitystream.event.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** tail's output: key, headers and value, pretty or compact, never a token. */
class RecordPrinterTest {

  private static ConsumerRecord<byte[], byte[]> dlqRecord(String value) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(DlqHeaders.REASON, "INVALID_FIELD_TYPE".getBytes(StandardCharsets.UTF_8));
    headers.add(
        DlqHeaders.MESSAGE, "account_ids must be an array".getBytes(StandardCharsets.UTF_8));
    return new ConsumerRecord<>(
        "identity-dlq",
        2,
        17,
        Instant.parse("2026-11-25T12:00:00Z").toEpochMilli(),
        TimestampType.CREATE_TIME,
        0,
        0,
        "item-1".getBytes(StandardCharsets.UTF_8),
        value.getBytes(StandardCharsets.UTF_8),
        headers,
        Optional.empty());
  }

  private static String print(ConsumerRecord<byte[], byte[]> record, boolean compact) {
    StringWriter out = new StringWriter();
    new RecordPrinter(new PrintWriter(out), compact).print(record);
    return out.toString();
  }

  @Test
  void shouldPrintCompactJsonWithKeyHeadersAndTheValueAsJson() throws Exception {
    // when
    String line =
        print(
            dlqRecord(
                "{\"access_token\":\"access-sandbox-abc123\",\"amount\":12.50,\"item_id\":\"item-1\"}"),
            true);

    // then one JSON object per line, the value kept as JSON (decimals as sent), the token redacted
    assertThat(line).endsWith("\n").doesNotContain("access-sandbox-abc123");
    JsonNode json = Json.mapper().readTree(line);
    assertThat(json.get("topic").asText()).isEqualTo("identity-dlq");
    assertThat(json.get("partition").asInt()).isEqualTo(2);
    assertThat(json.get("offset").asLong()).isEqualTo(17);
    assertThat(json.get("timestamp").asText()).isEqualTo("2026-11-25T12:00:00Z");
    assertThat(json.get("key").asText()).isEqualTo("item-1");
    assertThat(json.get("headers").get(DlqHeaders.REASON).asText()).isEqualTo("INVALID_FIELD_TYPE");
    assertThat(json.get("value").get("access_token").asText()).isEqualTo("[redacted]");
    assertThat(json.get("value").get("amount").toString()).isEqualTo("12.50");
  }

  @Test
  void shouldPrintPrettyJsonForPeople() {
    String text =
        print(
            dlqRecord("{\"access_token\":\"access-sandbox-abc123\",\"item_id\":\"item-1\"}"),
            false);
    assertThat(text)
        .contains("--- identity-dlq  partition 2  offset 17  2026-11-25T12:00:00Z")
        .contains("key: item-1")
        .contains("header __streams.errors.reason: INVALID_FIELD_TYPE")
        .contains("\"item_id\" : \"item-1\"")
        .doesNotContain("access-sandbox-abc123");
  }

  @Test
  void shouldRedactTokensInValuesThatAreNotJson() {
    String text =
        print(dlqRecord("not json, but it holds access-production-s3cr3t_token-1 anyway"), true);
    assertThat(text).doesNotContain("s3cr3t_token").contains("[redacted] anyway");
  }
}
