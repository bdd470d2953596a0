package dev.identitystream.topology;

import dev.identitystream.plaid.PlaidClient;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Creates one {@link PlaidCallProcessor} per task, all sharing one in-flight limiter, gauge, fleet
 * share and transaction guard.
 */
final class PlaidCallProcessorSupplier
    implements ProcessorSupplier<byte[], byte[], byte[], byte[]> {

  private final StageSettings settings;
  private final PlaidClient client;
  private final InFlightLimiter limiter;
  private final OutcomeMapper mapper;
  private final PendingGauge gauge;
  private final StageMetrics metrics;
  private final FleetShare fleet;
  private final TransactionGuard transactions;

  /** Shared by the processors of all tasks, so each stream thread has one wait budget. */
  private final ThreadLocal<WaitBudget> waitBudgets = WaitBudget.perThread();

  PlaidCallProcessorSupplier(
      StageSettings settings,
      PlaidClient client,
      InFlightLimiter limiter,
      OutcomeMapper mapper,
      PendingGauge gauge,
      StageMetrics metrics,
      FleetShare fleet,
      TransactionGuard transactions) {
    this.settings = settings;
    this.client = client;
    this.limiter = limiter;
    this.mapper = mapper;
    this.gauge = gauge;
    this.metrics = metrics;
    this.fleet = fleet;
    this.transactions = transactions;
  }

  @Override
  public Processor<byte[], byte[], byte[], byte[]> get() {
    return new PlaidCallProcessor(
        settings, client, limiter, mapper, gauge, waitBudgets, metrics, fleet, transactions);
  }

  /**
   * The changelogged pending store: key lane+partition+offset ({@link PendingStore}), value the
   * encoded source record.
   */
  @Override
  public Set<StoreBuilder<?>> stores() {
    KeyValueBytesStoreSupplier supplier =
        settings.persistentStore()
            ? Stores.persistentKeyValueStore(StageSettings.PENDING_STORE)
            : Stores.inMemoryKeyValueStore(StageSettings.PENDING_STORE);
    StoreBuilder<KeyValueStore<Bytes, byte[]>> builder =
        Stores.keyValueStoreBuilder(supplier, Serdes.Bytes(), Serdes.ByteArray());
    return Set.of(builder);
  }
}
