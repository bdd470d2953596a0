package dev.identitystream.topology;

import dev.identitystream.event.RequestValidator;
import dev.identitystream.plaid.PlaidClient;
import dev.identitystream.plaid.PlaidResult;
import java.time.Clock;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The benchmarks' baseline: the job a user writes first. Same validation, same outcome mapping,
 * same routing as {@link IdentityTopology}, but one blocking Plaid call per record inside the
 * processor (no pending store, no concurrency beyond the stream threads).
 */
public final class NaiveTopology {

  private NaiveTopology() {}

  public static Topology build(StageSettings settings, PlaidClient client, Clock clock) {
    Topology topology = new Topology();
    topology.addSource(
        IdentityTopology.SOURCE,
        new ByteArrayDeserializer(),
        new ByteArrayDeserializer(),
        settings.topics().requests());
    topology.addProcessor(
        IdentityTopology.STAGE,
        () -> new BlockingCallProcessor(settings, client, new OutcomeMapper(clock)),
        IdentityTopology.SOURCE);
    StageOutput.Kind.addSinks(topology, settings.topics(), IdentityTopology.STAGE);
    return topology;
  }

  /** Threading: runs on its stream thread; blocks it for the whole call. */
  private static final class BlockingCallProcessor
      implements Processor<byte[], byte[], byte[], byte[]> {

    private final PlaidClient client;
    private final OutcomeMapper mapper;
    private final RequestValidator validator;
    private ProcessorContext<byte[], byte[]> context;
    private final OutputEncoder encoder;

    BlockingCallProcessor(StageSettings settings, PlaidClient client, OutcomeMapper mapper) {
      this.client = client;
      this.mapper = mapper;
      this.validator = new RequestValidator(settings.maxRecordBytes());
      this.encoder = new OutputEncoder(settings.topics(), settings.outputLimits());
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
      this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
      SourceRecord source = SourceRecord.of(context.recordMetadata().orElseThrow(), record);
      RequestValidator.Result result = validator.validate(record.key(), record.value());
      if (result instanceof RequestValidator.Invalid invalid) {
        forward(
            encoder.deadLetter(
                DeadLetters.of(
                    source, invalid.reason(), RequestValidator.class, invalid.message(), null)),
            source);
        return;
      }
      PendingCall call = PendingCall.of(source, ((RequestValidator.Valid) result).request());
      PlaidResult answer =
          client.identityDocumentsUploadsGet(call.plaidRequest()).toCompletableFuture().join();
      try {
        for (StageOutput output : encoder.encode(mapper.map(call, answer))) {
          forward(output, source);
        }
      } catch (OutputEncoder.TooLarge e) {
        throw new IllegalStateException(
            e.getMessage(), e); // the naive baseline has no DLQ path for it
      }
    }

    private void forward(StageOutput output, SourceRecord source) {
      context.forward(
          output.headers() != null
              ? new Record<>(output.key(), output.value(), source.timestamp(), output.headers())
              : new Record<>(output.key(), output.value(), source.timestamp()),
          output.kind().sink());
    }
  }
}
