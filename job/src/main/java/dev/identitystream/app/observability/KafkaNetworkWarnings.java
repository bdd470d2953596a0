package dev.identitystream.app.observability;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.helpers.MessageFormatter;

/**
 * A logback turbo filter that collapses Kafka's connection warnings ({@code NetworkClient}: "could
 * not be established", "disconnected"; one per reconnect attempt, hundreds a minute while a broker
 * is down) into one line per interval of our own: the latest warning and how many were collapsed.
 * Installed by {@code logback.xml}; every other event passes untouched.
 *
 * <p>Threading: {@link #decide} is called on every logging thread; the state is guarded by this.
 */
public final class KafkaNetworkWarnings extends TurboFilter {

  static final String NETWORK_CLIENT = "org.apache.kafka.clients.NetworkClient";
  private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(KafkaNetworkWarnings.class);

  private final LongSupplier nanoTime;
  private final org.slf4j.Logger out;
  private long intervalNanos = TimeUnit.SECONDS.toNanos(10);
  private long lastEmitted;
  private boolean emittedOnce;
  private long collapsed;

  public KafkaNetworkWarnings() {
    this(System::nanoTime, LOG);
  }

  KafkaNetworkWarnings(LongSupplier nanoTime, org.slf4j.Logger out) {
    this.nanoTime = nanoTime;
    this.out = out;
  }

  /** Set from {@code logback.xml}: {@code <intervalSeconds>10</intervalSeconds>}. */
  public void setIntervalSeconds(long seconds) {
    this.intervalNanos = TimeUnit.SECONDS.toNanos(Math.max(1, seconds));
  }

  @Override
  public FilterReply decide(
      Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (format == null
        || level != Level.WARN
        || !NETWORK_CLIENT.equals(logger.getName())
        || !isConnectionWarning(format)) {
      return FilterReply.NEUTRAL;
    }
    String line;
    synchronized (this) {
      long now = nanoTime.getAsLong();
      if (emittedOnce && now - lastEmitted < intervalNanos) {
        collapsed++;
        return FilterReply.DENY;
      }
      String message = MessageFormatter.arrayFormat(format, params).getMessage();
      line =
          "Kafka connection problem: "
              + withoutClientPrefix(message)
              + (emittedOnce
                  ? " ("
                      + collapsed
                      + " more such warning(s) in the last "
                      + TimeUnit.NANOSECONDS.toSeconds(intervalNanos)
                      + " s)"
                  : " (repeats are collapsed to one line per "
                      + TimeUnit.NANOSECONDS.toSeconds(intervalNanos)
                      + " s)");
      emittedOnce = true;
      lastEmitted = now;
      collapsed = 0;
    }
    out.warn(line);
    return FilterReply.DENY;
  }

  private static boolean isConnectionWarning(String format) {
    return format.contains("could not be established") || format.contains("disconnected");
  }

  /** "[Consumer clientId=x, groupId=y] Connection to ..." becomes "Connection to ...". */
  private static String withoutClientPrefix(String message) {
    if (message.startsWith("[")) {
      int end = message.indexOf("] ");
      if (end > 0) {
        return message.substring(end + 2);
      }
    }
    return message;
  }
}
