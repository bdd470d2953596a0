package dev.identitystream.testkit;

import dev.identitystream.topology.Topics;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link CassetteReplay} wrote: every output topic's records in the order the topology wrote
 * them, the requests the cassette had no answer for, and the request lines that were invalid.
 *
 * <p>Threading: immutable.
 */
public final class ReplayResult {

  /**
   * A request the cassette has no entry for: it was answered as a transport failure ({@code
   * CONNECTION}), so it lands on the DLQ as {@code RETRIES_EXHAUSTED}.
   *
   * @param line its line in the requests (1 for the first)
   * @param requestId its request id ({@code line-<N>} when it had none)
   */
  public record Miss(long line, String requestId) {}

  /**
   * A request line that fails the validation {@code enqueue} applies: skipped (unless {@link
   * CassetteReplay#includeInvalid()}), as {@code enqueue} skips it.
   *
   * @param line its line in the requests (1 for the first)
   * @param reason a {@code DlqReason} name, or {@code CSV_FORMAT}
   * @param problem the reason and a message, never the line's content
   */
  public record Invalid(long line, String reason, String problem) {}

  private final Topics topics;
  private final Instant clock;
  private final int requests;
  private final Map<String, List<OutputRecord>> outputs;
  private final List<Miss> misses;
  private final List<Invalid> invalid;

  ReplayResult(
      Topics topics,
      Instant clock,
      int requests,
      Map<String, List<OutputRecord>> outputs,
      List<Miss> misses,
      List<Invalid> invalid) {
    this.topics = topics;
    this.clock = clock;
    this.requests = requests;
    Map<String, List<OutputRecord>> copy = new LinkedHashMap<>();
    outputs.forEach((topic, records) -> copy.put(topic, List.copyOf(records)));
    this.outputs = Collections.unmodifiableMap(copy);
    this.misses = List.copyOf(misses);
    this.invalid = List.copyOf(invalid);
  }

  /** Account records, one per account of each answer (key: the account id). */
  public List<OutputRecord> accounts() {
    return topic(topics.accounts());
  }

  /**
   * Item status records, one per answered request (key: the Item id; {@code status}: OK or ERROR).
   */
  public List<OutputRecord> items() {
    return topic(topics.items());
  }

  /** Item error events (key: the Item id). */
  public List<OutputRecord> itemErrors() {
    return topic(topics.itemErrors());
  }

  /** Dead letters: the original requests (access token redacted), the reason in their headers. */
  public List<OutputRecord> dlq() {
    return topic(topics.dlq());
  }

  /**
   * The records written to one output topic.
   *
   * @throws IllegalArgumentException when it is not one of the job's output topics
   */
  public List<OutputRecord> topic(String name) {
    List<OutputRecord> records = outputs.get(Objects.requireNonNull(name, "name"));
    if (records == null) {
      throw new IllegalArgumentException(
          name + " is not an output topic; they are " + outputs.keySet());
    }
    return records;
  }

  /**
   * Every output topic (in the order of {@link Topics#outputs()}, empty ones too) with its records.
   */
  public Map<String, List<OutputRecord>> outputs() {
    return outputs;
  }

  /** The topic names of the replay's configuration. */
  public Topics topics() {
    return topics;
  }

  /** Requests the cassette had no answer for, in request order. */
  public List<Miss> misses() {
    return misses;
  }

  /** Invalid request lines, in request order. */
  public List<Invalid> invalid() {
    return invalid;
  }

  /**
   * How many requests were sent to the topology (invalid ones too with {@link
   * CassetteReplay#includeInvalid()}).
   */
  public int requests() {
    return requests;
  }

  /** The fixed clock the replay ran at. */
  public Instant clock() {
    return clock;
  }

  @Override
  public String toString() {
    StringBuilder text =
        new StringBuilder("ReplayResult[at ")
            .append(clock)
            .append(", ")
            .append(requests)
            .append(" request(s), ")
            .append(misses.size())
            .append(" miss(es), ")
            .append(invalid.size())
            .append(" invalid");
    outputs.forEach(
        (topic, records) -> text.append(", ").append(topic).append('=').append(records.size()));
    return text.append(']').toString();
  }
}
