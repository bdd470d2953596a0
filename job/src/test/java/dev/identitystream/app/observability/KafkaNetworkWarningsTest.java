package dev.identitystream.app.observability;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.spi.FilterReply;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.Marker;
import org.slf4j.helpers.AbstractLogger;

/** Kafka's per-attempt connection warnings become one line per interval, with the count. */
class KafkaNetworkWarningsTest {

  private static final String FORMAT =
      "[AdminClient clientId=a] Connection to node {} ({}) could not be established. Node may not be available.";

  @Test
  void shouldCollapseConnectionWarningsToOneLinePerInterval() {
    // given a filter on a fake clock that writes its lines to a list
    AtomicLong now = new AtomicLong();
    List<String> lines = new ArrayList<>();
    KafkaNetworkWarnings filter = new KafkaNetworkWarnings(now::get, new ListLogger(lines));
    filter.setIntervalSeconds(10);
    LoggerContext context = new LoggerContext();
    ch.qos.logback.classic.Logger networkClient =
        context.getLogger(KafkaNetworkWarnings.NETWORK_CLIENT);

    // when 25 s of warnings arrive, four per second
    List<FilterReply> replies = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      now.set(TimeUnit.MILLISECONDS.toNanos(250L * i));
      replies.add(
          filter.decide(
              null, networkClient, Level.WARN, FORMAT, new Object[] {-1, "/127.0.0.1:9092"}, null));
    }

    // then Kafka's lines are all held back, and ours come at 0, 10 and 20 s
    assertThat(replies).containsOnly(FilterReply.DENY);
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0))
        .isEqualTo(
            "Kafka connection problem: Connection to node -1 (/127.0.0.1:9092) could not be"
                + " established. Node may not be available. (repeats are collapsed to one line per 10 s)");
    assertThat(lines.get(1)).endsWith("(39 more such warning(s) in the last 10 s)");
    assertThat(lines.get(2)).endsWith("(39 more such warning(s) in the last 10 s)");
  }

  @Test
  void shouldLeaveEveryOtherEventAlone() {
    KafkaNetworkWarnings filter =
        new KafkaNetworkWarnings(System::nanoTime, new ListLogger(new ArrayList<>()));
    LoggerContext context = new LoggerContext();
    assertThat(
            filter.decide(
                null,
                context.getLogger(KafkaNetworkWarnings.NETWORK_CLIENT),
                Level.INFO,
                FORMAT,
                null,
                null))
        .isEqualTo(FilterReply.NEUTRAL);
    assertThat(
            filter.decide(
                null,
                context.getLogger("org.apache.kafka.clients.Other"),
                Level.WARN,
                FORMAT,
                null,
                null))
        .isEqualTo(FilterReply.NEUTRAL);
    assertThat(
            filter.decide(
                null,
                context.getLogger(KafkaNetworkWarnings.NETWORK_CLIENT),
                Level.WARN,
                "Something else",
                null,
                null))
        .isEqualTo(FilterReply.NEUTRAL);
  }

  /** Collects formatted WARN lines. */
  private static final class ListLogger extends AbstractLogger {
    private static final long serialVersionUID = 1L;
    private final transient List<String> lines;

    ListLogger(List<String> lines) {
      this.lines = lines;
      this.name = "list";
    }

    @Override
    protected String getFullyQualifiedCallerName() {
      return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(
        org.slf4j.event.Level level, Marker marker, String message, Object[] args, Throwable t) {
      lines.add(org.slf4j.helpers.MessageFormatter.basicArrayFormat(message, args));
    }

    @Override
    public boolean isTraceEnabled() {
      return true;
    }

    @Override
    public boolean isTraceEnabled(Marker marker) {
      return true;
    }

    @Override
    public boolean isDebugEnabled() {
      return true;
    }

    @Override
    public boolean isDebugEnabled(Marker marker) {
      return true;
    }

    @Override
    public boolean isInfoEnabled() {
      return true;
    }

    @Override
    public boolean isInfoEnabled(Marker marker) {
      return true;
    }

    @Override
    public boolean isWarnEnabled() {
      return true;
    }

    @Override
    public boolean isWarnEnabled(Marker marker) {
      return true;
    }

    @Override
    public boolean isErrorEnabled() {
      return true;
    }

    @Override
    public boolean isErrorEnabled(Marker marker) {
      return true;
    }
  }
}
