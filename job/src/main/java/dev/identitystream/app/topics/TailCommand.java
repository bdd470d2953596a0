package dev.identitystream.app.topics;

import dev.identitystream.app.ExitCodes;
import dev.identitystream.app.config.AppConfig;
import dev.identitystream.app.config.ConfigChecks;
import dev.identitystream.app.config.ConfigOptions;
import dev.identitystream.cli.StopSignals;
import dev.identitystream.topology.Topics;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tail}: prints records of one of the job's topics (or any topic), {@code read_committed}:
 * the last few by default, everything with {@code --from-beginning}, and new ones as they come with
 * {@code --follow}. Reads with no consumer group and commits nothing, so it never disturbs the job.
 * Access tokens are redacted ({@link RecordPrinter}).
 */
@Command(
    name = "tail",
    mixinStandardHelpOptions = true,
    description = {
      "Print records of a topic (read_committed): key, headers and the JSON value, pretty or compact."
          + " TOPIC is requests, backfill-requests, accounts, items, item-errors or dlq (the names in the configuration),"
          + " or any topic name. Access tokens are printed as [redacted].",
      "",
      "Without --from-beginning it shows the last --last records; without --follow it stops at the end"
          + " of the topic as it was at start.",
      ""
    },
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
      "0:printed what was asked, or stopped by Ctrl-C or SIGTERM (--follow)",
      "1:Kafka refused the read (e.g. not authorized to read the topic)",
      "2:bad usage (e.g. an unknown --reason)",
      "3:invalid configuration (the message names the key)",
      "4:Kafka unreachable (within 15 s), or the topic does not exist"
    })
public final class TailCommand implements Callable<Integer> {

  @Mixin ConfigOptions options;
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "TOPIC",
      description =
          "requests, backfill-requests, accounts, items, item-errors, dlq, or a topic name.")
  String topicName;

  @Option(names = "--from-beginning", description = "Start at the beginning of the topic.")
  boolean fromBeginning;

  @Option(
      names = "--last",
      defaultValue = "10",
      paramLabel = "N",
      description =
          "Without --from-beginning: start with the last N records (default: ${DEFAULT-VALUE}).")
  int last;

  @Option(names = "--max", paramLabel = "N", description = "Stop after printing N records.")
  Integer max;

  @Option(
      names = {"-f", "--follow"},
      description = "Keep printing new records until Ctrl-C.")
  boolean follow;

  @Option(
      names = "--compact",
      description =
          "One JSON object per line (topic, partition, offset, timestamp, key, headers, value), for jq.")
  boolean compact;

  @Option(
      names = "--reason",
      paramLabel = "CODE",
      description = "Only DLQ records with this reason (repeatable), e.g. RETRIES_EXHAUSTED.")
  List<String> reasons = new ArrayList<>();

  @Option(
      names = "--request-id",
      paramLabel = "ID",
      description =
          "Only records of this request id (repeatable): the DLQ's header, or the value's request_id.")
  List<String> requestIds = new ArrayList<>();

  private int printed;

  @Override
  public Integer call() throws Exception {
    if (last < 0 || (max != null && max < 1)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--last must be >= 0 and --max >= 1");
    }
    RecordFilter filter;
    try {
      filter =
          new RecordFilter(
              new LinkedHashSet<>(reasons), new LinkedHashSet<>(requestIds), null, null);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    AppConfig config = options.load();
    ConfigChecks.require(ConfigChecks.forKafkaClients(config, true));
    String topic = resolve(config.topics(), topicName);
    RecordPrinter printer = new RecordPrinter(spec.commandLine().getOut(), compact);
    try (StopSignals signals = StopSignals.install();
        TopicReader reader = TopicReader.open(config, topic, "pis-tail")) {
      Map<TopicPartition, Long> ends = reader.ends();
      if (fromBeginning) {
        reader.consumer().seekToBeginning(reader.partitions());
      } else {
        printLast(reader, ends, filter, printer);
      }
      while (!done() && !signals.received() && (follow || !reader.reached(ends))) {
        for (ConsumerRecord<byte[], byte[]> record :
            reader.consumer().poll(Duration.ofMillis(200))) {
          if (!done()
              && (follow
                  || record.offset()
                      < ends.get(new TopicPartition(record.topic(), record.partition())))
              && filter.matches(record)) {
            printer.print(record);
            printed++;
          }
        }
      }
    }
    if (!compact) {
      PrintWriter err = spec.commandLine().getErr();
      err.println("(" + printed + " record(s) of " + topic + ")");
      err.flush();
    }
    return ExitCodes.OK;
  }

  private boolean done() {
    return max != null && printed >= max;
  }

  /**
   * Prints the last {@code --last} matching records (by timestamp, then partition and offset) and
   * leaves every partition positioned at {@code ends}. Reads a window of 4 × N offsets per
   * partition (transaction markers take offsets too), or the whole topic when a filter is set.
   */
  private void printLast(
      TopicReader reader,
      Map<TopicPartition, Long> ends,
      RecordFilter filter,
      RecordPrinter printer) {
    Map<TopicPartition, Long> beginnings = reader.beginnings();
    boolean filtered = !filter.reasons().isEmpty() || !filter.requestIds().isEmpty();
    for (TopicPartition partition : reader.partitions()) {
      long start =
          filtered
              ? beginnings.get(partition)
              : Math.max(beginnings.get(partition), ends.get(partition) - 4L * last);
      reader.consumer().seek(partition, start);
    }
    List<ConsumerRecord<byte[], byte[]>> window = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!reader.reached(ends) && System.nanoTime() < deadline) {
      for (ConsumerRecord<byte[], byte[]> record : reader.consumer().poll(Duration.ofMillis(200))) {
        if (record.offset() < ends.get(new TopicPartition(record.topic(), record.partition()))
            && filter.matches(record)) {
          window.add(record);
        }
      }
    }
    window.sort(
        Comparator.<ConsumerRecord<byte[], byte[]>>comparingLong(ConsumerRecord::timestamp)
            .thenComparingInt(ConsumerRecord::partition)
            .thenComparingLong(ConsumerRecord::offset));
    for (ConsumerRecord<byte[], byte[]> record :
        window.subList(Math.max(0, window.size() - last), window.size())) {
      if (!done()) {
        printer.print(record);
        printed++;
      }
    }
    reader.partitions().forEach(p -> reader.consumer().seek(p, ends.get(p)));
  }

  /** A configured topic by its short name, else the name itself. */
  static String resolve(Topics topics, String name) {
    return switch (name) {
      case "requests" -> topics.requests();
      case "backfill-requests" -> topics.bulkRequests();
      case "accounts" -> topics.accounts();
      case "items" -> topics.items();
      case "item-errors" -> topics.itemErrors();
      case "dlq" -> topics.dlq();
      default -> name;
    };
  }
}
