package dev.identitystream.app.topics;

import dev.identitystream.app.ErrorText;
import dev.identitystream.app.ExitCodes;
import dev.identitystream.app.config.AppConfig;
import dev.identitystream.app.config.ConfigChecks;
import dev.identitystream.app.config.ConfigOptions;
import dev.identitystream.app.job.KafkaReachability;
import dev.identitystream.app.job.StreamingJob;
import dev.identitystream.event.DlqReason;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Uuid;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code redrive}: moves DLQ records back to an input topic so the job processes them again, once
 * ({@link DlqRedrive}, {@link RedriveLedger}), and reports what it moved by reason.
 *
 * <p>Which records: those the filters select ({@code --reason}, {@code --request-id}, {@code
 * --since}, {@code --until} on the time they were dead-lettered). Without {@code --reason}, only
 * the reasons that can succeed on a second try ({@link #RETRYABLE}); input that can never succeed
 * as it is (invalid JSON, a missing token...) is moved only when its reason is named.
 */
@Command(
    name = "redrive",
    mixinStandardHelpOptions = true,
    description = {
      "Move DLQ records (their original key, value and headers) back to an input topic so the job"
          + " processes them again, and report what moved. Each DLQ record moves at most once: a"
          + " ledger topic (<topic.dlq>-redriven), written in the same transaction as the copies,"
          + " remembers what was moved, so running it again on the same range moves nothing.",
      "",
      "Without --reason it moves RETRIES_EXHAUSTED, RESPONSE_TOO_LARGE and OUTPUT_TOO_LARGE records"
          + " (calls that may succeed later, or once limits are raised); name other reasons (e.g."
          + " --reason INVALID_JSON) to move those too. Truncated DLQ records (only a prefix kept) are"
          + " never moved: the report names where their originals are.",
      ""
    },
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
      "0:moved what was selected (possibly nothing: the report says why)",
      "1:Kafka refused a write (nothing of the failed transaction was moved; run it again)",
      "2:bad usage (unknown reason, bad time)",
      "3:invalid configuration (the message names the key)",
      "4:Kafka unreachable (within 15 s), or a topic missing"
    })
public final class RedriveCommand implements Callable<Integer> {

  /** Reasons whose records may succeed when processed again. */
  static final Set<String> RETRYABLE =
      Set.of(
          DlqReason.RETRIES_EXHAUSTED.name(),
          DlqReason.RESPONSE_TOO_LARGE.name(),
          DlqReason.OUTPUT_TOO_LARGE.name());

  @Mixin ConfigOptions options;
  @Spec CommandSpec spec;

  @Option(
      names = "--reason",
      paramLabel = "CODE",
      description =
          "Move records with this DLQ reason (repeatable; default: RETRIES_EXHAUSTED, RESPONSE_TOO_LARGE, OUTPUT_TOO_LARGE).")
  List<String> reasons = new ArrayList<>();

  @Option(
      names = "--request-id",
      paramLabel = "ID",
      description = "Only the records of this request id (repeatable).")
  List<String> requestIds = new ArrayList<>();

  @Option(
      names = "--since",
      paramLabel = "TIME",
      description =
          "Only records dead-lettered at or after TIME: 2026-11-25T12:00:00Z, or a time ago: 30m, 2h, 7d.")
  String since;

  @Option(
      names = "--until",
      paramLabel = "TIME",
      description = "Only records dead-lettered before TIME (same forms).")
  String until;

  @Option(
      names = "--to",
      paramLabel = "TOPIC",
      description = "The input topic to write to (default: topic.requests; e.g. the bulk topic).")
  String to;

  @Option(
      names = "--ledger-topic",
      paramLabel = "TOPIC",
      description =
          "The ledger of moved records (default: <topic.dlq>-redriven; created, compacted, when topics.create=true).")
  String ledgerTopic;

  @Option(names = "--dry-run", description = "Report what would move; write nothing.")
  boolean dryRun;

  @Override
  public Integer call() {
    RecordFilter filter = filter(Clock.systemUTC().instant());
    AppConfig config = options.load();
    ConfigChecks.require(ConfigChecks.forKafkaClients(config, true));
    String target = to != null ? to : config.topics().requests();
    String ledger =
        ledgerTopic != null ? ledgerTopic : RedriveLedger.defaultTopic(config.topics().dlq());
    Uuid dlqTopicId = prepareTopics(config, target, ledger);
    DlqRedrive.Report report =
        new DlqRedrive(config, Clock.systemUTC()).run(filter, target, ledger, dlqTopicId, dryRun);
    print(report, config.topics().dlq(), target, ledger, filter);
    return ExitCodes.OK;
  }

  private RecordFilter filter(Instant now) {
    try {
      Set<String> chosen = reasons.isEmpty() ? RETRYABLE : new LinkedHashSet<>(reasons);
      return new RecordFilter(
          chosen,
          new LinkedHashSet<>(requestIds),
          since == null ? null : RecordFilter.parseTime(since, now),
          until == null ? null : RecordFilter.parseTime(until, now));
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** The DLQ's topic id; checks the target exists; creates the ledger when allowed. */
  private static Uuid prepareTopics(AppConfig config, String target, String ledger) {
    Map<String, Object> adminProps = StreamingJob.adminProps(config);
    KafkaReachability.require(adminProps, KafkaReachability.TIMEOUT);
    try (Admin admin = KafkaReachability.createAdmin(adminProps)) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      for (String topic : List.of(config.topics().dlq(), target)) {
        if (!existing.contains(topic)) {
          throw new KafkaReachability.UnreachableException(
              "the topic " + topic + " does not exist", null);
        }
      }
      Optional<String> problem =
          RedriveLedger.ensure(
              admin,
              ledger,
              config.getBoolean(AppConfig.TOPICS_CREATE_CONFIG),
              config.getShort(AppConfig.TOPICS_REPLICATION_CONFIG));
      if (problem.isPresent()) {
        throw new KafkaReachability.UnreachableException(problem.get(), null);
      }
      TopicDescription dlq =
          admin
              .describeTopics(List.of(config.topics().dlq()))
              .allTopicNames()
              .get(30, TimeUnit.SECONDS)
              .get(config.topics().dlq());
      return dlq.topicId();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaReachability.UnreachableException("interrupted", e);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new KafkaReachability.UnreachableException(
          "cannot describe topics: " + ErrorText.describe(e), e);
    }
  }

  private void print(
      DlqRedrive.Report report, String dlq, String target, String ledger, RecordFilter filter) {
    PrintWriter out = spec.commandLine().getOut();
    out.println(
        (dryRun ? "Dry run: would redrive from " : "Redrive from ")
            + dlq
            + " to "
            + target
            + " (selected: "
            + filter.describe()
            + ")");
    out.printf("  %-20s %6d%n", "DLQ records read", report.read());
    out.printf(
        "  %-20s %6d  %s%n",
        dryRun ? "would move" : "moved", report.movedTotal(), byReason(report.moved()));
    out.printf(
        "  %-20s %6d  %s%n",
        "already re-driven", report.alreadyTotal(), byReason(report.alreadyMoved()));
    long notSelected = report.notSelected().values().stream().mapToLong(Long::longValue).sum();
    out.printf("  %-20s %6d  %s%n", "not selected", notSelected, byReason(report.notSelected()));
    if (!report.truncated().isEmpty()) {
      out.printf(
          "  %-20s %6d  not moved: the DLQ holds only a prefix; the originals are at %s%n",
          "truncated",
          report.truncated().size(),
          String.join(", ", report.truncated().subList(0, Math.min(10, report.truncated().size())))
              + (report.truncated().size() > 10 ? ", ..." : ""));
    }
    out.println("  ledger: " + ledger + " (a second redrive of the same records moves nothing)");
    if (reasons.isEmpty()
        && report.notSelected().keySet().stream().anyMatch(r -> !RETRYABLE.contains(r))) {
      out.println(
          "  Other reasons were left alone: as they are, those records fail again. Name them with"
              + " --reason to move them anyway (e.g. after raising input.max.record.bytes).");
    }
    out.flush();
  }

  private static String byReason(Map<String, Long> counts) {
    return counts.entrySet().stream()
        .map(e -> e.getKey() + " " + e.getValue())
        .collect(Collectors.joining(", "));
  }
}
