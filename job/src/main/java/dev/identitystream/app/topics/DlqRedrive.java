package dev.identitystream.app.topics;

import dev.identitystream.app.config.AppConfig;
import dev.identitystream.app.job.KafkaReachability;
import dev.identitystream.app.job.StreamingJob;
import dev.identitystream.event.DlqHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Moves DLQ records back to an input topic, once. Reads {@code topic.dlq} ({@code read_committed})
 * up to its end at start, keeps the records the filter selects and the ledger does not name (and
 * that are whole: a truncated DLQ record holds only a prefix of its original, so it is reported,
 * never moved), and writes each one's original key, value and headers (without the {@code
 * __streams.errors.*} ones, plus {@value #SOURCE_HEADER}) to the target topic together with its
 * ledger entry, in transactions of at most {@link #BATCH} records ({@link RedriveLedger}).
 *
 * <p>Idempotent: the ledger is read after the transactional producer's {@code initTransactions},
 * whose fixed id ({@code <application.id>-redrive}) fences any other redrive of the same
 * application and completes or aborts its open transaction first; so a record is moved at most once
 * however often, or concurrently, a range is re-driven. Per-key order is kept: a DLQ partition's
 * records of one key are written in offset order with the same key.
 *
 * <p>Threading: one thread.
 */
final class DlqRedrive {

  /** Header on a re-driven record: {@code <dlq topic>/<partition>/<offset>} it came from. */
  static final String SOURCE_HEADER = "pis.redriven.from";

  static final int BATCH = 500;
  private static final String DLQ_HEADER_PREFIX = "__streams.errors.";

  /**
   * What a redrive did (or, dry, would do).
   *
   * @param truncated selected records the DLQ holds only a prefix of ({@link
   *     DlqHeaders#TRUNCATED}): never moved; their originals are at the topic, partition and offset
   *     of their headers
   */
  record Report(
      long read,
      Map<String, Long> moved,
      Map<String, Long> alreadyMoved,
      Map<String, Long> notSelected,
      List<String> truncated) {
    long movedTotal() {
      return moved.values().stream().mapToLong(Long::longValue).sum();
    }

    long alreadyTotal() {
      return alreadyMoved.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private final AppConfig config;
  private final Clock clock;

  DlqRedrive(AppConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
  }

  /**
   * @param to the input topic to write to (must exist)
   * @param ledgerTopic the ledger (exists: the command ensures it)
   * @param dryRun count only, write nothing
   */
  Report run(RecordFilter filter, String to, String ledgerTopic, Uuid dlqTopicId, boolean dryRun) {
    String dlq = config.topics().dlq();
    try (KafkaProducer<byte[], byte[]> producer = dryRun ? null : producer()) {
      if (producer != null) {
        producer.initTransactions(); // fences other redrives of this application first
      }
      Set<String> ledger = RedriveLedger.read(config, ledgerTopic);
      Map<String, Long> moved = new TreeMap<>();
      Map<String, Long> already = new TreeMap<>();
      Map<String, Long> notSelected = new TreeMap<>();
      List<String> truncated = new ArrayList<>();
      List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>();
      long read = 0;
      try (TopicReader reader = TopicReader.open(config, dlq, "pis-redrive")) {
        Map<TopicPartition, Long> ends = reader.ends();
        seekToStart(reader, filter);
        while (!reader.reached(ends)) {
          for (ConsumerRecord<byte[], byte[]> record :
              reader.consumer().poll(Duration.ofMillis(200))) {
            if (record.offset()
                >= ends.get(new TopicPartition(record.topic(), record.partition()))) {
              continue;
            }
            read++;
            String reason = String.valueOf(RecordFilter.header(record, DlqHeaders.REASON));
            if (!filter.matches(record)) {
              notSelected.merge(reason, 1L, Long::sum);
            } else if (ledger.contains(RedriveLedger.key(record, dlqTopicId))) {
              already.merge(reason, 1L, Long::sum);
            } else if ("true".equals(RecordFilter.header(record, DlqHeaders.TRUNCATED))) {
              truncated.add(
                  RecordFilter.header(record, DlqHeaders.TOPIC)
                      + "/"
                      + RecordFilter.header(record, DlqHeaders.PARTITION)
                      + "/"
                      + RecordFilter.header(record, DlqHeaders.OFFSET));
            } else {
              moved.merge(reason, 1L, Long::sum);
              batch.add(record);
              if (batch.size() >= BATCH) {
                write(producer, batch, to, ledgerTopic, dlqTopicId);
              }
            }
          }
        }
      }
      write(producer, batch, to, ledgerTopic, dlqTopicId);
      return new Report(read, moved, already, notSelected, truncated);
    }
  }

  /** From the beginning, or from the first offset at {@code since} (the filter checks the rest). */
  private static void seekToStart(TopicReader reader, RecordFilter filter) {
    if (filter.since() == null) {
      reader.consumer().seekToBeginning(reader.partitions());
      return;
    }
    Map<TopicPartition, Long> at = new HashMap<>();
    reader.partitions().forEach(p -> at.put(p, filter.since().toEpochMilli()));
    Map<TopicPartition, OffsetAndTimestamp> found =
        reader.consumer().offsetsForTimes(at, Duration.ofSeconds(15));
    Map<TopicPartition, Long> ends = reader.ends();
    for (TopicPartition partition : reader.partitions()) {
      OffsetAndTimestamp offset = found.get(partition);
      reader.consumer().seek(partition, offset == null ? ends.get(partition) : offset.offset());
    }
  }

  /** One transaction: the copies and their ledger entries. Dry runs only clear the batch. */
  private void write(
      KafkaProducer<byte[], byte[]> producer,
      List<ConsumerRecord<byte[], byte[]>> batch,
      String to,
      String ledgerTopic,
      Uuid dlqTopicId) {
    if (producer == null || batch.isEmpty()) {
      batch.clear();
      return;
    }
    producer.beginTransaction();
    try {
      for (ConsumerRecord<byte[], byte[]> record : batch) {
        String source = record.topic() + "/" + record.partition() + "/" + record.offset();
        producer.send(
            new ProducerRecord<>(
                to, null, record.key(), record.value(), originalHeaders(record, source)));
        producer.send(
            new ProducerRecord<>(
                ledgerTopic,
                RedriveLedger.key(record, dlqTopicId).getBytes(StandardCharsets.UTF_8),
                RedriveLedger.value(
                    record,
                    RecordFilter.header(record, DlqHeaders.REASON),
                    RecordFilter.header(record, DlqHeaders.REQUEST_ID),
                    to,
                    clock.instant())));
      }
      producer.commitTransaction();
    } catch (KafkaException e) {
      try {
        producer.abortTransaction();
      } catch (KafkaException ignored) {
        // fenced or fatal: the transaction is aborted by the coordinator anyway
      }
      throw e;
    }
    batch.clear();
  }

  /** The headers the original record had (the DLQ's own removed), and where this copy came from. */
  static RecordHeaders originalHeaders(ConsumerRecord<byte[], byte[]> record, String source) {
    RecordHeaders headers = new RecordHeaders();
    for (Header header : record.headers()) {
      if (!header.key().startsWith(DLQ_HEADER_PREFIX) && !header.key().equals(SOURCE_HEADER)) {
        headers.add(header);
      }
    }
    headers.add(SOURCE_HEADER, source.getBytes(StandardCharsets.UTF_8));
    return headers;
  }

  private KafkaProducer<byte[], byte[]> producer() {
    Map<String, Object> props = new HashMap<>(config.kafkaProps());
    props.keySet().retainAll(ProducerConfig.configNames());
    String applicationId = StreamingJob.streamsProperties(config).getProperty("application.id");
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, applicationId + "-redrive");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "pis-redrive");
    try {
      return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    } catch (KafkaException e) {
      throw KafkaReachability.asConfigError(e, props.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG));
    }
  }
}
