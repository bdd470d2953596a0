package dev.identitystream.topology;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * One task's call stage driven by hand, as Kafka Streams drives it: a {@link MockProcessorContext}
 * with an in-memory pending store (kept across {@code close()}/{@code init()}, as a suspended or
 * revived task keeps its committed store), and the processor. Tests call {@code init}, {@code
 * process}, {@code punctuate} and {@code close} on it in any order.
 */
final class StageTask {

  final MockProcessorContext<byte[], byte[]> context;
  final KeyValueStore<Bytes, byte[]> store;
  final PlaidCallProcessor processor;
  private final int partition;

  StageTask(PlaidCallProcessor processor, int partition, Path stateDir) {
    this(processor, partition, stateDir, StreamsConfig.AT_LEAST_ONCE);
  }

  /** As the task of an application with {@code processing.guarantee} = {@code guarantee}. */
  StageTask(PlaidCallProcessor processor, int partition, Path stateDir, String guarantee) {
    this.processor = processor;
    this.partition = partition;
    Properties props = new Properties();
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "stage-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    context = new MockProcessorContext<>(props, new TaskId(0, partition), stateDir.toFile());
    store =
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(StageSettings.PENDING_STORE),
                Serdes.Bytes(),
                Serdes.ByteArray())
            .withLoggingDisabled()
            .build();
    store.init(context.getStateStoreContext(), store);
    context.addStateStore(store);
  }

  void init() {
    processor.init(context);
  }

  void process(long offset, String key, String requestId) {
    context.setRecordMetadata("identity-requests", partition, offset);
    String value = "{\"access_token\":\"access-sandbox-t\",\"request_id\":\"" + requestId + "\"}";
    processor.process(
        new Record<>(
            key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8), 0L));
  }

  /** Runs the punctuators that are still scheduled (the stage's drain). */
  void punctuate() {
    context.scheduledPunctuators().stream()
        .filter(p -> !p.cancelled())
        .forEach(p -> p.getPunctuator().punctuate(0L));
  }

  void close() {
    processor.close();
  }

  /**
   * Request ids of the Item status records forwarded so far, in order (one per answered request).
   */
  List<String> answered() {
    return context.forwarded().stream()
        .filter(f -> StageOutput.Kind.ITEM.sink().equals(f.childName().orElse(null)))
        .map(
            f ->
                dev.identitystream.event.EventSerdes.ITEM_STATUS
                    .deserialize(null, f.record().value())
                    .requestId())
        .toList();
  }
}
