package dev.identitystream.topology;

import dev.identitystream.plaid.PlaidClient;
import java.time.Clock;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.Topology;

/**
 * The job as a pure function of settings, a Plaid client and a clock:
 *
 * <pre>
 * requests, bulk requests ──► plaid-call (validate, pending store, async calls) ──► write-accounts    ──► accounts
 *                                                                  ├─► write-items       ──► items
 *                                                                  ├─► write-item-errors ──► item-errors
 *                                                                  └─► write-dlq         ──► dlq
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

  /** The source node (both input topics) and the call stage's node. */
  static final String SOURCE = "read-requests";

  static final String STAGE = "plaid-call";

  private IdentityTopology() {}

  /**
   * The built topology, and what its tasks share: the in-flight limiter, the pending gauge (for
   * metrics), the fleet share (for the Plaid budget) and the transaction guard (for the stream
   * threads' producers: {@link TransactionGuard}).
   */
  public record Built(
      Topology topology,
      InFlightLimiter limiter,
      PendingGauge pending,
      FleetShare fleet,
      TransactionGuard transactions) {}

  /**
   * The job's topology over {@code settings}, calling {@code client}, reporting to {@code metrics}.
   */
  public static Built build(
      StageSettings settings, PlaidClient client, Clock clock, StageMetrics metrics) {
    InFlightLimiter limiter =
        new InFlightLimiter(settings.maxInFlight(), 1 - settings.liveReserve());
    PendingGauge pending = new PendingGauge();
    FleetShare fleet = new FleetShare();
    TransactionGuard transactions = new TransactionGuard();
    Topology topology = new Topology();
    topology.addSource(
        SOURCE,
        new ByteArrayDeserializer(),
        new ByteArrayDeserializer(),
        settings.topics().inputs().toArray(String[]::new));
    topology.addProcessor(
        STAGE,
        new PlaidCallProcessorSupplier(
            settings,
            client,
            limiter,
            new OutcomeMapper(clock),
            pending,
            metrics,
            fleet,
            transactions),
        SOURCE);
    StageOutput.Kind.addSinks(topology, settings.topics(), STAGE);
    return new Built(topology, limiter, pending, fleet, transactions);
  }
}
