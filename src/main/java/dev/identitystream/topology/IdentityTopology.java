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
 * requests, bulk requests ──► plaid-call (validate, pending store, async calls) ──► route-accounts    ──► accounts
 *                                                                  ├─► route-items       ──► items
 *                                                                  ├─► route-item-errors ──► item-errors
 *                                                                  └─► route-dlq         ──► dlq
 * </pre>
 *
 * <p>Keys and values per topic: see {@link Topics}. One source node reads both input topics, so a
 * task (one per partition number) holds partition N of each: when the two topics have the same
 * number of partitions (and producers partition keys alike, as {@code enqueue} does), a key's live
 * and bulk requests meet in one task and one pending store. With different partition counts Kafka
 * Streams still creates one task per partition number; per-key order then holds within each topic
 * only, and a key's live and bulk requests may be called at the same time.
 */
public final class IdentityTopology {

  private IdentityTopology() {}

  /**
   * The built topology, and what its tasks share: the in-flight limiter, the pending gauge (for
   * metrics) and the fleet share (for the Plaid budget).
   */
  public record Built(Topology topology, InFlightLimiter limiter, PendingGauge pending, FleetShare fleet) {}

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
    InFlightLimiter limiter = new InFlightLimiter(settings.maxInFlight(), 1 - settings.liveReserve());
    PendingGauge pending = new PendingGauge();
    FleetShare fleet = new FleetShare();
    StreamsBuilder builder = new StreamsBuilder();
    KStream<byte[], StageOutput> outputs =
        builder.stream(
                topics.inputs(),
                Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("read-requests"))
            .process(
                new PlaidCallProcessorSupplier(
                    settings, client, limiter, new OutcomeMapper(clock), pending, metrics, fleet),
                Named.as("plaid-call"));
    route(outputs, topics);
    return new Built(builder.build(), limiter, pending, fleet);
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
