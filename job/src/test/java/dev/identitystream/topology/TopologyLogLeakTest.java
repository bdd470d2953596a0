package dev.identitystream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.identitystream.LogCapture;
import dev.identitystream.plaid.FailureKind;
import dev.identitystream.plaid.LogContext;
import dev.identitystream.plaid.PlaidRequest;
import dev.identitystream.plaid.PlaidResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Access tokens never reach a log line of the topology, whatever fails: every kind of invalid
 * input, a token as the record key, and a Plaid client that throws with the token in its message,
 * answers null, answers errors or gives up. Every event is captured at TRACE for the job and DEBUG
 * and above for Kafka Streams.
 */
class TopologyLogLeakTest {

  private static final String TOKEN = "access-sandbox-l3ak-t0ken-7f3c9a";

  @TempDir Path stateDir;

  /** Fails the way a buggy client could: the token in an exception message, a null result. */
  private static final Function<PlaidRequest, PlaidResult> FAILING_CLIENT =
      request ->
          switch (request.requestId()) {
            case "throws" ->
                throw new IllegalStateException(
                    "cannot call Plaid with " + request.accessToken(),
                    new IllegalArgumentException("token " + request.accessToken()));
            case "null" -> null;
            case "error" -> Answers.error(400, "ITEM_ERROR", "ITEM_LOGIN_REQUIRED");
            case "exhausted" ->
                new PlaidResult.Exhausted(
                    new PlaidResult.TransportFailure(
                        FailureKind.TIMEOUT, 0, "no complete response within PT10S", 3),
                    3);
            default -> Answers.success("item-ok", 2);
          };

  @Test
  void shouldNeverLogATokenWhateverFails() {
    // given
    List<String> tokens = List.of(TOKEN, MalformedInputTest.TOKEN);
    try (LogCapture logs = LogCapture.start("dev.identitystream", "org.apache.kafka.streams");
        TopologyHarness harness =
            new TopologyHarness(
                TopologyHarness.settings().withMaxRecordBytes(16 * 1024),
                new FakePlaidClient().answeringWith(FAILING_CLIENT),
                stateDir)) {

      // when every malformed input, a token as key, and every failure of the client go through
      MalformedInputTest.malformed()
          .map(Arguments::get)
          .forEach(args -> harness.send(bytes("key-" + args[0]), (byte[]) args[1]));
      harness.send(TOKEN, request("r-key-is-token", "item-0"));
      for (String requestId : List.of("throws", "null", "error", "exhausted", "ok")) {
        harness.send("key-" + requestId, request(requestId, "item-" + requestId));
      }
      harness.drain();

      // then the inputs were all handled, and no log event holds a token
      assertThat(harness.dlq())
          .hasSizeGreaterThanOrEqualTo((int) MalformedInputTest.malformed().count() + 2);
      logs.assertNoneContains(tokens);
      assertThat(logs.events()).as("nothing captured: the test would prove nothing").isNotEmpty();

      // and the lines about one request carry its ids in the MDC, on the thread that wrote them
      ILoggingEvent unexpected = only(logs, "Plaid client failed for request", "throws");
      assertThat(unexpected.getLevel()).isEqualTo(Level.WARN);
      assertThat(unexpected.getMDCPropertyMap()).containsEntry(LogContext.ITEM_ID, "item-throws");
      ILoggingEvent completed = only(logs, "Request completed", "ok");
      assertThat(completed.getMDCPropertyMap()).containsEntry(LogContext.ITEM_ID, "item-ok");
      assertThat(completed.getFormattedMessage()).contains("HTTP 200").contains("3 outputs");
      assertThat(only(logs, "Request completed", "error").getFormattedMessage())
          .contains("ITEM_ERROR/ITEM_LOGIN_REQUIRED");
    }
    // and the MDC of this (the stream) thread was cleared
    assertThat(org.slf4j.MDC.getCopyOfContextMap())
        .satisfiesAnyOf(mdc -> assertThat(mdc).isNull(), mdc -> assertThat(mdc).isEmpty());
  }

  private static ILoggingEvent only(LogCapture logs, String messageStart, String requestId) {
    return logs.events().stream()
        .filter(e -> e.getFormattedMessage().startsWith(messageStart))
        .filter(e -> requestId.equals(e.getMDCPropertyMap().get(LogContext.REQUEST_ID)))
        .reduce(
            (a, b) -> {
              throw new AssertionError(
                  "more than one line '" + messageStart + "' for " + requestId);
            })
        .orElseThrow(
            () ->
                new AssertionError(
                    "no line '"
                        + messageStart
                        + "' with request_id "
                        + requestId
                        + " in its MDC; lines: "
                        + logs.events().stream()
                            .map(e -> e.getFormattedMessage() + " " + e.getMDCPropertyMap())
                            .toList()));
  }

  private static String request(String requestId, String itemId) {
    return "{\"access_token\":\""
        + TOKEN
        + "\",\"request_id\":\""
        + requestId
        + "\",\"item_id\":\""
        + itemId
        + "\",\"attributes\":{\"tenant\":\"t1\"}}";
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
