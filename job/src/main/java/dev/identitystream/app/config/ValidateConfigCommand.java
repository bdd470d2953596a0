package dev.identitystream.app.config;

import dev.identitystream.app.ErrorText;
import dev.identitystream.app.ExitCodes;
import dev.identitystream.app.job.KafkaReachability;
import dev.identitystream.app.job.StreamingJob;
import dev.identitystream.topology.Topics;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.types.Password;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Checks a configuration as {@code run} would before connecting ({@link ConfigChecks#forJob}) and
 * prints the effective values, secrets masked (an unset secret prints as empty). With {@code
 * --connect} it also asks the cluster for its nodes and the job's topics.
 */
@Command(
    name = "validate-config",
    mixinStandardHelpOptions = true,
    description = {
      "Check a configuration as run does before it connects: app settings and their ranges, Plaid"
          + " credentials present, plaid.base.url (https, or http to loopback only), bootstrap.servers"
          + " (host:port, resolvable), every other key known to Kafka (with a 'did you mean' for near"
          + " misses) and Kafka's own checks of their values for Kafka Streams and each client it builds,"
          + " with their security setup (JAAS, key stores). Prints the effective values, secrets masked.",
      ""
    },
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
      "0:valid (and, with --connect, Kafka answered and the topics exist or will be created)",
      "2:bad usage",
      "3:invalid configuration (every problem is listed, naming its key)",
      "4:with --connect: Kafka unreachable, or topics missing and topics.create=false"
    })
public final class ValidateConfigCommand implements Callable<Integer> {

  @Mixin ConfigOptions options;
  @Spec CommandSpec spec;

  @Option(
      names = "--connect",
      description =
          "Also connect: the cluster must answer within 15 s, and the job's topics must exist or be creatable.")
  boolean connect;

  @Option(
      names = "--no-dns",
      description =
          "Do not require the hosts of bootstrap.servers to resolve here, nor build the Kafka clients' security"
              + " setup (JAAS, key stores) (e.g. checking a production file on a laptop).")
  boolean noDns;

  @Override
  public Integer call() {
    AppConfig config = options.load();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<ConfigChecks.Problem> problems = ConfigChecks.forJob(config, !noDns);
    if (!problems.isEmpty()) {
      err.println("Invalid configuration: " + problems.size() + " problem(s)");
      problems.forEach(p -> err.println("  - " + p));
      err.flush();
      return ExitCodes.CONFIG;
    }
    out.println("# app settings");
    new TreeMap<>(config.values())
        .forEach((key, value) -> out.println(key + "=" + masked(key, value)));
    out.println("# Kafka settings (defaults of the job, then yours)");
    Map<String, Object> kafka = new TreeMap<>();
    StreamingJob.streamsProperties(config)
        .forEach((key, value) -> kafka.put(key.toString(), value));
    kafka.forEach((key, value) -> out.println(key + "=" + masked(key, value)));
    out.println("# configuration is valid");
    out.flush();
    return connect ? checkCluster(config, out) : ExitCodes.OK;
  }

  private int checkCluster(AppConfig config, PrintWriter out) {
    Map<String, Object> adminProps = StreamingJob.adminProps(config);
    KafkaReachability.require(adminProps, KafkaReachability.TIMEOUT);
    out.println("# Kafka answered at " + adminProps.get("bootstrap.servers"));
    Topics topics = config.topics();
    List<String> wanted = new ArrayList<>(topics.inputs());
    wanted.addAll(topics.outputs());
    boolean create = config.getBoolean(AppConfig.TOPICS_CREATE_CONFIG);
    List<String> missing = new ArrayList<>();
    try (Admin admin = KafkaReachability.createAdmin(adminProps)) {
      var existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<String> present = wanted.stream().filter(existing::contains).toList();
      Map<String, TopicDescription> described =
          present.isEmpty()
              ? Map.of()
              : admin.describeTopics(present).allTopicNames().get(30, TimeUnit.SECONDS);
      for (String topic : wanted) {
        TopicDescription description = described.get(topic);
        if (description != null) {
          out.println(
              "topic " + topic + ": exists, " + description.partitions().size() + " partition(s)");
        } else {
          missing.add(topic);
          out.println(
              "topic "
                  + topic
                  + ": missing; "
                  + (create
                      ? "run creates it (topics.create=true)"
                      : "topics.create=false, so run refuses to start"));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaReachability.UnreachableException("interrupted while listing topics", e);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new KafkaReachability.UnreachableException(
          "cannot list topics: " + ErrorText.describe(e), e);
    }
    out.flush();
    if (!missing.isEmpty() && !create) {
      spec.commandLine()
          .getErr()
          .println(
              "Kafka is not ready for the job: missing topics "
                  + missing
                  + " and topics.create=false");
      return ExitCodes.UNAVAILABLE;
    }
    return ExitCodes.OK;
  }

  /** A value for printing: secrets (set ones only) as [hidden]; an unset secret is empty. */
  public static String masked(String key, Object value) {
    Object plain = value instanceof Password password ? password.value() : value;
    if (plain == null) {
      return "";
    }
    if (ConfigLoader.isSecret(key)) {
      return plain.toString().isEmpty() ? "" : "[hidden]";
    }
    return plain.toString();
  }
}
