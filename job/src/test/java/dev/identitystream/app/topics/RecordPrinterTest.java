package dev.identitystream.app.topics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.identitystream.JsonText;
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
  void shouldPrintAValueExactlyAsTheTopicHoldsItWhateverItsNumbersAndEscapes() throws Exception {
    // given an Item status holding what a tree would rewrite (1e400, -0.0, 1.0E2, a 1,500-digit
    // integer, escapes) or fail on (1e10000)
    String item =
        "{\"item_id\":\"i-\uD83D\uDE00\",\"n\":[1e400,-0.0,1.0E2,1e10000,-1E-10000,"
            + "7".repeat(1_500)
            + ",12.50],\"s\":\"caf\\u00e9 \\ud83d\\ude00 \\/ \\\"q\\\" \u05D1\",\"e\":{},\"a\":[],"
            + "\"deep\":[{\"k\":[true,false,null]}]}";
    String value =
        "{\"schema_version\":1,\"item_id\":\"i-\uD83D\uDE00\",\"status\":\"OK\",\"item\":"
            + item
            + ",\"error\":null}";

    // when
    String compact = print(dlqRecord(value), true);
    String pretty = print(dlqRecord(value), false);

    // then the compact line holds the value's bytes as they are, and the pretty text the same
    // tokens with whitespace between them only
    assertThat(compact).contains(",\"value\":" + value + "}");
    assertThat(
            Json.readOutput(compact.getBytes(StandardCharsets.UTF_8))
                .get("value")
                .get("status")
                .asText())
        .isEqualTo("OK");
    String body = pretty.substring(pretty.indexOf('{'));
    assertThat(body).contains("\"n\" : [ 1e400, -0.0, 1.0E2, 1e10000, -1E-10000, 777");
    assertThat(body).contains("\"e\" : { }").contains("\"a\" : [ ]");
    assertThat(JsonText.withoutWhitespace(body)).isEqualTo(value);
  }

  @Test
  void shouldRedactTheAccessTokenFieldWhateverItsShape() {
    // given DLQ values whose access_token is not token-shaped (invalid input), or not a string
    for (String value :
        new String[] {
          "{\"access_token\":\"s3cr3t-not-shaped\",\"item_id\":\"i\"}",
          "{\"item_id\":\"i\",\"access_token\" : {\"nested\":[\"s3cr3t-not-shaped\"]}}",
          "{\"access_token\":12345678901234567890}"
        }) {
      for (boolean compact : new boolean[] {true, false}) {
        // when / then
        assertThat(print(dlqRecord(value), compact))
            .as(value)
            .doesNotContain("s3cr3t")
            .doesNotContain("12345678901234567890")
            .contains("[redacted]");
      }
    }
  }

  @Test
  void shouldRedactTokensInValuesThatAreNotJson() {
    String text =
        print(dlqRecord("not json, but it holds access-production-s3cr3t_token-1 anyway"), true);
    assertThat(text).doesNotContain("s3cr3t_token").contains("[redacted] anyway");
  }
}
