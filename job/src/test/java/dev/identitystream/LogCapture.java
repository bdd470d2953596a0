package dev.identitystream;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.AppenderBase;
import dev.identitystream.app.observability.Rfc3339JsonEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/**
 * Captures every log event of the JVM while open: a logback appender on the root logger, with the
 * given loggers lowered to TRACE (so DEBUG and TRACE lines are checked too) and the root's other
 * appenders detached (the console stays quiet). {@link #close()} restores levels and appenders.
 *
 * <p>{@link #assertNoneContains} checks, for every event, the raw message, the formatted message,
 * every argument, the MDC, key-value pairs, logger and thread names, and the throwable (messages,
 * causes, suppressed and stack trace text), plus the whole event rendered by the job's {@link
 * Rfc3339JsonEncoder} (what {@code PIS_LOG_FORMAT=json} writes).
 *
 * <p>Threading: events may arrive from any thread; the list is concurrent.
 */
public final class LogCapture implements AutoCloseable {

  private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
  private final Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();
  private final Map<Logger, Level> savedLevels = new HashMap<>();
  private final List<Appender<ILoggingEvent>> detached = new ArrayList<>();
  private final AppenderBase<ILoggingEvent> appender =
      new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
          event.prepareForDeferredProcessing(); // freezes the MDC and the formatted message
          events.add(event);
        }
      };
  private final Rfc3339JsonEncoder json = new Rfc3339JsonEncoder();

  private LogCapture(List<String> traceLoggers) {
    json.setContext(context);
    json.setWithArguments(true);
    json.setWithFormattedMessage(true);
    json.start();
    for (String name : traceLoggers) {
      Logger logger = context.getLogger(name);
      savedLevels.put(logger, logger.getLevel());
      logger.setLevel(Level.TRACE);
    }
    for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
      detached.add(it.next());
    }
    detached.forEach(root::detachAppender);
    appender.setContext(context);
    appender.setName("log-capture");
    appender.start();
    root.addAppender(appender);
  }

  /** Starts capturing; the named loggers log at TRACE until {@link #close()}. */
  public static LogCapture start(String... traceLoggers) {
    return new LogCapture(List.of(traceLoggers));
  }

  public List<ILoggingEvent> events() {
    return List.copyOf(events);
  }

  /** Every text of every event (see the class comment), one string per event. */
  public List<String> texts() {
    List<String> texts = new ArrayList<>();
    for (ILoggingEvent event : events) {
      StringBuilder text = new StringBuilder();
      text.append(event.getLoggerName()).append('\n').append(event.getThreadName()).append('\n');
      text.append(event.getMessage()).append('\n').append(event.getFormattedMessage()).append('\n');
      if (event.getArgumentArray() != null) {
        for (Object argument : event.getArgumentArray()) {
          text.append(argument).append('\n');
        }
      }
      event
          .getMDCPropertyMap()
          .forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
      if (event.getKeyValuePairs() != null) {
        event.getKeyValuePairs().forEach(pair -> text.append(pair).append('\n'));
      }
      if (event.getThrowableProxy() != null) {
        text.append(ThrowableProxyUtil.asString(event.getThrowableProxy())).append('\n');
      }
      text.append(new String(json.encode(event), StandardCharsets.UTF_8));
      texts.add(text.toString());
    }
    return texts;
  }

  /** Fails naming the first event whose text contains one of the secrets. */
  public void assertNoneContains(List<String> secrets) {
    List<String> texts = texts();
    for (String secret : secrets) {
      assertThat(secret).isNotBlank();
      for (String text : texts) {
        assertThat(text).as("a log event contains a secret").doesNotContain(secret);
      }
    }
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    appender.stop();
    detached.forEach(root::addAppender);
    savedLevels.forEach(Logger::setLevel);
  }
}
