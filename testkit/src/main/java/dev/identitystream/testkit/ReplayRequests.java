package dev.identitystream.testkit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.identitystream.app.input.RequestKeys;
import dev.identitystream.app.input.RequestLines;
import dev.identitystream.event.IdentityRequest;
import dev.identitystream.event.Json;
import dev.identitystream.event.RequestValidator;
import dev.identitystream.plaid.PlaidRequest;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * A requests file turned into the request events {@code enqueue} would send (same validation, same
 * keys: {@code item_id}, else {@code request_id}, else none), for a replay.
 *
 * <p>A valid line without a {@code request_id} gets {@code line-<N>} (N its line number) added to
 * its value after the key was chosen, so its outputs are named the same on every replay (the job
 * would derive one from the record's partition and offset). Invalid lines are skipped, as {@code
 * enqueue} skips them, with their line number and reason (never the token); or, when asked, sent as
 * they are too (as another producer would), for the job to put on its DLQ.
 *
 * <p>Threading: not thread-safe; one reader per input.
 */
public final class ReplayRequests {

  /** The prefix of a request id given to a line that has none. */
  static final String LINE_ID_PREFIX = "line-";

  /**
   * One valid line as a request event.
   *
   * @param key the record key (null: none)
   * @param value the record value, with the added request id if any
   * @param requestId its request id (null: an invalid line sent as it is)
   * @param plaidRequest the call the job will make for it (holds the token: never print it); null
   *     for an invalid line sent as it is
   */
  public record Event(
      long line, byte[] key, byte[] value, String requestId, PlaidRequest plaidRequest) {}

  /** What a file held, in file order. */
  record Result(List<Event> events, List<ReplayResult.Invalid> invalid) {}

  private ReplayRequests() {}

  /**
   * @param includeInvalid whether invalid lines (but CSV rows that are not a value) are also
   *     events, sent as they are with the key {@code enqueue} would choose
   */
  static Result read(
      Reader input, RequestLines.Format format, RequestValidator validator, boolean includeInvalid)
      throws IOException {
    List<Event> events = new ArrayList<>();
    List<ReplayResult.Invalid> skipped = new ArrayList<>();
    RequestLines.read(
        input,
        format,
        line -> {
          if (line.formatError() != null) {
            skipped.add(new ReplayResult.Invalid(line.number(), "CSV_FORMAT", line.formatError()));
            return;
          }
          byte[] key = RequestKeys.keyOf(line.value());
          byte[] value = line.value();
          RequestValidator.Result result = validator.validate(key, value);
          if (result instanceof RequestValidator.Valid valid
              && valid.request().requestId() == null) {
            value = withRequestId(value, LINE_ID_PREFIX + line.number());
            result = validator.validate(key, value);
          }
          if (result instanceof RequestValidator.Invalid invalid) {
            skipped.add(
                new ReplayResult.Invalid(
                    line.number(),
                    invalid.reason().name(),
                    invalid.reason() + ": " + invalid.message()));
            if (includeInvalid) {
              events.add(new Event(line.number(), key, line.value(), null, null));
            }
            return;
          }
          IdentityRequest request = ((RequestValidator.Valid) result).request();
          events.add(
              new Event(
                  line.number(),
                  key,
                  value,
                  request.requestId(),
                  new PlaidRequest(
                      request.accessToken(), request.accountIds(), request.requestId())));
        });
    return new Result(List.copyOf(events), List.copyOf(skipped));
  }

  /** The value (a valid request, so a JSON object) with {@code request_id} added at its end. */
  private static byte[] withRequestId(byte[] value, String requestId) {
    try {
      ObjectNode node = (ObjectNode) Json.mapper().readTree(value);
      node.put("request_id", requestId);
      return Json.mapper().writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException("a validated request is not JSON", e);
    }
  }
}
