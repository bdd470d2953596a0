package dev.identitystream.app.observability;

import org.apache.kafka.streams.KafkaStreams;

/**
 * The answer of a health endpoint: an HTTP status and a small JSON body.
 *
 * <p>Liveness fails (503) only when Kafka Streams is in, or on its way to, {@code ERROR}, or has
 * stopped ({@code NOT_RUNNING}) after a fatal error: restarting the process is then the cure.
 * Readiness succeeds (200) only in {@code RUNNING} while Plaid accepts this job's client; while
 * starting or rebalancing, or while every Plaid call is paused because Plaid refuses the client
 * (bad credentials, plan, wrong URL), it is 503 with the reason.
 */
public record Health(int status, String body) {

  public static final int OK = 200;
  public static final int UNAVAILABLE = 503;

  public static Health live(KafkaStreams.State state, Throwable fatal) {
    boolean failed =
        state == KafkaStreams.State.ERROR
            || state == KafkaStreams.State.PENDING_ERROR
            || (fatal != null
                && (state == KafkaStreams.State.NOT_RUNNING
                    || state == KafkaStreams.State.PENDING_SHUTDOWN));
    return failed
        ? down(state, fatal != null ? "a stream thread failed" : "Kafka Streams is in " + state)
        : new Health(OK, json("UP", state, null));
  }

  public static Health ready(KafkaStreams.State state) {
    return ready(state, null);
  }

  /**
   * @param clientErrorPause while Plaid refuses this job's client, the error ({@code TYPE/CODE}, or
   *     {@code TRANSPORT/REFUSED HTTP <status>}, label-safe characters only: {@link
   *     JobMetrics#clientErrorPause()}); else null
   */
  public static Health ready(KafkaStreams.State state, String clientErrorPause) {
    if (state != KafkaStreams.State.RUNNING) {
      return down(state, "Kafka Streams is " + state + ", not RUNNING");
    }
    return clientErrorPause == null
        ? new Health(OK, json("UP", state, null))
        : down(
            state,
            "Plaid refuses this job's client ("
                + clientErrorPause
                + "); every Plaid call is paused");
  }

  private static Health down(KafkaStreams.State state, String reason) {
    return new Health(UNAVAILABLE, json("DOWN", state, reason));
  }

  /**
   * The reasons are fixed texts, enum names and label-safe codes: nothing to escape, no exception
   * message.
   */
  private static String json(String status, KafkaStreams.State state, String reason) {
    String body = "{\"status\":\"" + status + "\",\"state\":\"" + state + "\"";
    return reason == null ? body + "}" : body + ",\"reason\":\"" + reason + "\"}";
  }
}
