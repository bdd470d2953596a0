package dev.identitystream.topology;

import dev.identitystream.plaid.PlaidClient;
import java.time.Clock;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Predicate;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The job as a pure function of settings, a Plaid client and a clock:
 *
 * <pre>
 * requests ──► plaid-call (validate, pending store, async calls) ──► route-accounts    ──► accounts
 *                                                                  ├─► route-items       ──► items
 *                                                                  ├─► route-item-errors ──► item-errors
 *                                                                  └─► route-dlq         ──► dlq
 * </pre>
 *
 * <p>Keys and values per topic: see {@link Topics}.
 */
public final class IdentityTopology {

  private IdentityTopology() {}

  /** The built topology, and the limiter and pending gauge its tasks share (for metrics). */
  public record Built(Topology topology, InFlightLimiter limiter, PendingGauge pending) {}

  public static Topology build(StageSettings settings, PlaidClient client, Clock clock) {
    return buildWithLimiter(settings, client, clock).topology();
  }

  public static Built buildWithLimiter(StageSettings settings, PlaidClient client, Clock clock) {
    return buildWithLimiter(settings, client, clock, StageMetrics.NONE);
  }

  /** As {@link #buildWithLimiter(StageSettings, PlaidClient, Clock)}, reporting to {@code metrics}. */
  public static Built buildWithLimiter(
      StageSettings settings, PlaidClient client, Clock clock, StageMetrics metrics) {
    Topics topics = settings.topics();
    InFlightLimiter limiter = new InFlightLimiter(settings.maxInFlight());
    PendingGauge pending = new PendingGauge();
    StreamsBuilder builder = new StreamsBuilder();
    KStream<byte[], StageOutput> outputs =
        builder.stream(
                topics.requests(),
                Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("read-requests"))
            .process(
                new PlaidCallProcessorSupplier(
                    settings, client, limiter, new OutcomeMapper(clock), pending, metrics),
                Named.as("plaid-call"));
    route(outputs, topics);
    return new Built(builder.build(), limiter, pending);
  }

  /** Routes the call stage's serialized outputs to their topics (also used by the benchmarks' naive job). */
  static void route(KStream<byte[], StageOutput> outputs, Topics topics) {
    outputs
        .split(Named.as("route-"))
        .branch(kind(StageOutput.Kind.ACCOUNT), to(topics.accounts(), "account-value", "write-accounts", "accounts"))
        .branch(kind(StageOutput.Kind.ITEM), to(topics.items(), "item-value", "write-items", "items"))
        .branch(kind(StageOutput.Kind.ITEM_ERROR),
            to(topics.itemErrors(), "item-error-value", "write-item-errors", "item-errors"))
        .defaultBranch(to(topics.dlq(), "dlq-value", "write-dlq", "dlq"));
  }

  private static Predicate<byte[], StageOutput> kind(StageOutput.Kind kind) {
    return (key, output) -> output.kind() == kind;
  }

  private static Branched<byte[], StageOutput> to(String topic, String valueName, String sinkName, String branch) {
    return Branched.withConsumer(
        stream ->
            stream
                .mapValues(StageOutput::value, Named.as(valueName))
                .to(topic, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(sinkName)),
        branch);
  }
}
