package dev.identitystream.app.input;

import dev.identitystream.app.ErrorText;
import dev.identitystream.app.ExitCodes;
import dev.identitystream.app.config.AppConfig;
import dev.identitystream.app.config.ConfigChecks;
import dev.identitystream.app.config.ConfigOptions;
import dev.identitystream.app.job.StreamingJob;
import dev.identitystream.event.RequestValidator;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Reads access tokens (CSV or JSON Lines) and produces one request event per valid line to the bulk
 * topic {@code topic.backfill-requests} (with {@code --live}, to {@code topic.requests}), checked
 * by the job's own {@link RequestValidator}. The job serves live requests first, so a large enqueue
 * never delays them.
 *
 * <p>Key: the line's {@code item_id}, else its {@code request_id}, else none. Never the token, nor
 * anything derived from it (a hash of a token is still a handle on it). Lines are sent in file
 * order by one idempotent producer ({@code acks=all}), so requests for one Item keep their order.
 */
@Command(
    name = "enqueue",
    mixinStandardHelpOptions = true,
    description = {
      "Produce identity requests from a CSV or JSON Lines file of access tokens to the bulk topic"
          + " (topic.backfill-requests), or with --live to topic.requests.",
      "",
      "CSV: a header with access_token (required), item_id, account_ids (a;b or a|b), attributes"
          + " (JSON object or k=v;k=v) and request_id. JSONL: one request value per line.",
      "",
      "Keyed by item_id, else request_id, else no key. Invalid lines are reported (line and reason,"
          + " never the token) and skipped.",
      ""
    },
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
      "0:every valid line was sent (invalid lines skipped, see the summary)",
      "1:Kafka refused a send",
      "2:bad usage",
      "3:invalid configuration (the message names the key)",
      "4:Kafka unreachable (within 15 s) or topics missing and not creatable",
      "5:the input could not be read, or --strict and a line is invalid (nothing sent)"
    })
public final class EnqueueCommand implements Callable<Integer> {

  @Mixin ConfigOptions options;
  @Spec CommandSpec spec;

  @Option(
      names = {"-i", "--input"},
      required = true,
      paramLabel = "FILE",
      description = "tokens.csv or tokens.jsonl; - reads standard input.")
  String input;

  @Option(
      names = "--format",
      paramLabel = "csv|jsonl",
      description = "Input format (default: from the file extension; required for -).")
  RequestLines.Format format;

  @Option(
      names = "--strict",
      description = "Abort before sending anything when any line is invalid.")
  boolean strict;

  @Option(
      names = "--live",
      description =
          "Send to the live topic (topic.requests) instead of the bulk topic (topic.backfill-requests).")
  boolean live;

  /** A valid line, ready to send. */
  private record Prepared(byte[] key, byte[] value) {}

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    RequestLines.Format chosen =
        format != null ? format : "-".equals(input) ? null : RequestLines.formatOf(input);
    if (chosen == null) {
      err.println(
          "Cannot tell the input format from '" + input + "': use --format csv or --format jsonl");
      return ExitCodes.USAGE;
    }
    AppConfig config = options.load();
    ConfigChecks.require(ConfigChecks.forKafkaClients(config, true));
    RequestValidator validator =
        new RequestValidator(config.getInt(AppConfig.INPUT_MAX_RECORD_BYTES_CONFIG));
    Map<String, Long> skipped = new TreeMap<>();
    List<Prepared> valid = new ArrayList<>();
    try (Reader reader = open()) {
      RequestLines.read(
          reader,
          chosen,
          line -> {
            String problem = line.formatError();
            String reason = "CSV_FORMAT";
            Prepared prepared = null;
            if (problem == null) {
              byte[] key = RequestKeys.keyOf(line.value());
              if (validator.validate(key, line.value())
                  instanceof RequestValidator.Invalid invalid) {
                reason = invalid.reason().name();
                problem = reason + ": " + invalid.message();
              } else {
                prepared = new Prepared(key, line.value());
              }
            }
            if (prepared != null) {
              valid.add(prepared);
            } else {
              err.println("line " + line.number() + ": " + problem);
              skipped.merge(reason, 1L, Long::sum);
            }
          });
    } catch (IOException e) {
      err.println("Cannot read " + input + ": " + ErrorText.reason(e));
      return ExitCodes.INPUT;
    }
    long invalid = skipped.values().stream().mapToLong(Long::longValue).sum();
    if (strict && invalid > 0) {
      err.println(invalid + " invalid line(s) and --strict: nothing sent");
      return ExitCodes.INPUT;
    }
    StreamingJob.ensureTopics(config); // also waits until new partitions' leaders serve
    String topic = live ? config.topics().requests() : config.topics().bulkRequests();
    long started = System.nanoTime();
    AtomicLong failed = new AtomicLong();
    AtomicReference<Exception> firstFailure = new AtomicReference<>();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(config))) {
      producer.partitionsFor(topic);
      for (Prepared prepared : valid) {
        producer.send(
            new ProducerRecord<>(topic, prepared.key(), prepared.value()),
            (metadata, e) -> {
              if (e != null) {
                failed.incrementAndGet();
                firstFailure.compareAndSet(null, e);
              }
            });
      }
      producer.flush();
    } catch (TimeoutException e) {
      err.println("Kafka did not accept the requests in time: " + e.getMessage());
      return ExitCodes.UNAVAILABLE;
    }
    long sent = valid.size() - failed.get();
    out.printf(
        "Sent %d request(s) to %s in %d ms; skipped %d invalid line(s)%n",
        sent, topic, (System.nanoTime() - started) / 1_000_000, invalid);
    skipped.forEach((reason, count) -> out.printf("  skipped %-28s %d%n", reason, count));
    out.flush();
    if (failed.get() > 0) {
      err.println(failed.get() + " request(s) were not sent: " + firstFailure.get());
      return ExitCodes.FAILURE;
    }
    return ExitCodes.OK;
  }

  private Reader open() throws IOException {
    if ("-".equals(input)) {
      return new InputStreamReader(System.in, StandardCharsets.UTF_8);
    }
    return Files.newBufferedReader(java.nio.file.Path.of(input), StandardCharsets.UTF_8);
  }

  public static Map<String, Object> producerProps(AppConfig config) {
    Map<String, Object> props = new HashMap<>(config.kafkaProps());
    props.keySet().retainAll(ProducerConfig.configNames());
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 10);
    // One request in flight per broker: a batch refused while a just-created partition's leader
    // settles is retried before the next is sent. With 5 in flight the broker accepted the next
    // batches of the new producer and the retried first one then failed OutOfOrderSequence.
    props.putIfAbsent(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
    props.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    return props;
  }
}
