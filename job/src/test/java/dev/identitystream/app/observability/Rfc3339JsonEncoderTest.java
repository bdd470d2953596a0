package dev.identitystream.app.observability;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Rfc3339JsonEncoderTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static LoggingEvent event(long epochMillis) {
    LoggerContext context = new LoggerContext();
    LoggingEvent event =
        new LoggingEvent(
            "fqcn",
            context.getLogger("dev.identitystream.Test"),
            Level.INFO,
            "Request {} done",
            null,
            new Object[] {"r-1"});
    event.setTimeStamp(epochMillis);
    event.setThreadName("main");
    event.setMDCPropertyMap(Map.of("request_id", "r-1"));
    return event;
  }

  private static Rfc3339JsonEncoder encoder() {
    Rfc3339JsonEncoder encoder = new Rfc3339JsonEncoder();
    encoder.setContext(new LoggerContext());
    encoder.setWithFormattedMessage(true);
    encoder.setWithTimestamp(true); // as a copied logback-json.xml might: still no epoch number
    encoder.start();
    return encoder;
  }

  @Test
  void shouldWriteTheTimestampFirstAsRfc3339InUtcWithMilliseconds() throws Exception {
    // given 2026-11-28T10:36:16.120Z and a time at a whole second
    long millis = Instant.parse("2026-11-28T10:36:16.120Z").toEpochMilli();

    // when
    String line = new String(encoder().encode(event(millis)), StandardCharsets.UTF_8);
    String whole =
        new String(
            encoder().encode(event(Instant.parse("2026-01-02T03:04:05Z").toEpochMilli())),
            StandardCharsets.UTF_8);

    // then
    assertThat(line).startsWith("{\"timestamp\":\"2026-11-28T10:36:16.120Z\",").endsWith("}\n");
    assertThat(whole).startsWith("{\"timestamp\":\"2026-01-02T03:04:05.000Z\",");
    JsonNode json = JSON.readTree(line);
    assertThat(json.path("timestamp").isTextual()).isTrue();
    assertThat(json.path("level").asText()).isEqualTo("INFO");
    assertThat(json.path("loggerName").asText()).isEqualTo("dev.identitystream.Test");
    assertThat(json.path("mdc").path("request_id").asText()).isEqualTo("r-1");
    assertThat(json.path("formattedMessage").asText()).isEqualTo("Request r-1 done");
    assertThat(line.indexOf("\"timestamp\"")).isEqualTo(line.lastIndexOf("\"timestamp\""));
  }

  @Test
  void shouldBeWhatTheJsonLogFormatUses() throws Exception {
    String config =
        new String(
            Rfc3339JsonEncoderTest.class.getResourceAsStream("/logback-json.xml").readAllBytes(),
            StandardCharsets.UTF_8);
    assertThat(config).contains("<encoder class=\"" + Rfc3339JsonEncoder.class.getName() + "\">");
  }
}
