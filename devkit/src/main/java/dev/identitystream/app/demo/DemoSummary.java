package dev.identitystream.app.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.identitystream.app.topics.OutputReader;
import dev.identitystream.event.DlqHeaders;
import dev.identitystream.event.Json;
import dev.identitystream.topology.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/** Reads the demo's outputs (read_committed) and prints a short, readable summary. */
final class DemoSummary {

  private final Topics topics;
  private final DemoFeed.Expected expected;
  private final Map<String, List<ConsumerRecord<byte[], byte[]>>> byTopic = new LinkedHashMap<>();

  private DemoSummary(Topics topics, DemoFeed.Expected expected) {
    this.topics = topics;
    this.expected = expected;
    topics.outputs().forEach(topic -> byTopic.put(topic, new ArrayList<>()));
  }

  /** Reads until every expected output arrived, {@code timeout} passed, or {@code stop} says so. */
  static DemoSummary collect(
      Topics topics,
      String bootstrapServers,
      DemoFeed.Expected expected,
      Duration timeout,
      BooleanSupplier stop) {
    DemoSummary summary = new DemoSummary(topics, expected);
    Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    try (OutputReader reader = OutputReader.fromBeginning(props, topics, "demo-summary-")) {
      reader.read(
          record -> summary.byTopic.get(record.topic()).add(record),
          () -> summary.complete() || stop.getAsBoolean(),
          timeout);
    }
    return summary;
  }

  boolean complete() {
    return count(topics.accounts()) >= expected.successes()
        && count(topics.items()) >= expected.items()
        && count(topics.itemErrors()) >= expected.itemErrors()
        && count(topics.dlq()) >= expected.malformed();
  }

  private int count(String topic) {
    return byTopic.get(topic).size();
  }

  void print(PrintWriter out) {
    out.println();
    out.println("== What the job wrote (read_committed) ==");
    long ok =
        byTopic.get(topics.items()).stream()
            .filter(r -> "OK".equals(json(r.value()).path("status").asText()))
            .count();
    out.printf(
        "  %-24s %5d records (one per account)%n", topics.accounts(), count(topics.accounts()));
    out.printf(
        "  %-24s %5d records (%d OK, %d ERROR)%n",
        topics.items(), count(topics.items()), ok, count(topics.items()) - ok);
    out.printf("  %-24s %5d records%n", topics.itemErrors(), count(topics.itemErrors()));
    out.printf("  %-24s %5d records%n", topics.dlq(), count(topics.dlq()));
    byTopic.get(topics.accounts()).stream()
        .findFirst()
        .ifPresent(
            r -> {
              JsonNode value = json(r.value());
              JsonNode account = value.path("account");
              out.println();
              out.println("Sample account (key " + text(r.key()) + "):");
              out.printf(
                  "  %s %s (%s/%s), mask %s, item %s at %s, %d owner(s), %d document(s)%n",
                  account.path("name").asText(),
                  account.path("account_id").asText(),
                  account.path("type").asText(),
                  account.path("subtype").asText(),
                  account.path("mask").asText(),
                  value.path("item_id").asText(),
                  value.path("institution_name").isTextual()
                      ? value.path("institution_name").asText()
                      : "an unnamed institution",
                  account.path("owners").size(),
                  account.path("documents").size());
            });
    byTopic.get(topics.itemErrors()).stream()
        .findFirst()
        .ifPresent(
            r -> {
              JsonNode value = json(r.value());
              out.println();
              out.println("Sample Item error (key " + text(r.key()) + "):");
              out.printf(
                  "  %s/%s, HTTP %d, retryable=%s, request %s: %s%n",
                  value.path("error_type").asText(),
                  value.path("error_code").asText(),
                  value.path("http_status").asInt(),
                  value.path("retryable").asBoolean(),
                  value.path("request_id").asText(),
                  value.path("error_message").asText());
            });
    byTopic.get(topics.dlq()).stream()
        .findFirst()
        .ifPresent(
            r -> {
              out.println();
              out.println("Sample DLQ record (key " + text(r.key()) + "):");
              out.printf(
                  "  reason %s: %s%n", header(r, DlqHeaders.REASON), header(r, DlqHeaders.MESSAGE));
            });
    printWhy(out, ok);
    out.println();
    out.println(
        complete()
            ? "Every expected output arrived."
            : "NOT every expected output arrived in time: " + expected.describe());
    out.flush();
  }

  /** Why each topic holds what it holds, from the demo's inputs. */
  private void printWhy(PrintWriter out, long ok) {
    int refusedWithoutItem = expected.itemErrors() - expected.itemErrorsWithItem();
    out.println();
    out.println("Why these counts:");
    out.printf(
        "  %-24s one record per account of the %d successful requests (the emulator gives each Item 1 to 4 accounts)%n",
        topics.accounts(), expected.successes());
    out.printf(
        "  %-24s %d OK (one per successful request) and %d ERROR: Plaid refused %d requests, but an Item status"
            + " needs an item_id and %d of them had none (the PRODUCT_NOT_READY one)%n",
        topics.items(), ok, count(topics.items()) - ok, expected.itemErrors(), refusedWithoutItem);
    out.printf(
        "  %-24s one event per refusal (ITEM_LOGIN_REQUIRED, INSTITUTION_DOWN, PRODUCT_NOT_READY), item_id or not%n",
        topics.itemErrors());
    out.printf(
        "  %-24s the %d malformed records (not JSON, a number as token, account_ids not a list): original bytes,"
            + " reason in the headers%n",
        topics.dlq(), expected.malformed());
  }

  /** What to try after the demo. */
  void printNextSteps(PrintWriter out) {
    String jar = "java -jar target/plaid-identity-stream.jar";
    out.println();
    out.println("Try next (README, \"From the demo to a local pipeline\"):");
    out.println(
        "  "
            + jar
            + " demo --no-job        # broker on 127.0.0.1:9092 + emulator on :8089, for your own job");
    out.println(
        "  " + jar + " broker               # or a broker whose data stays (./kafka-data),");
    out.println(
        "  PLAID_SECRET=local-secret "
            + jar
            + " emulator --port 8089 --client-id local   # with the emulator beside it");
    out.println(
        "  PLAID_CLIENT_ID=local PLAID_SECRET=local-secret "
            + jar
            + " run --config config/local.properties");
    out.println(
        "  " + jar + " enqueue --config config/local.properties --input config/sample-tokens.csv");
    out.println("  " + jar + " tail items --config config/local.properties --from-beginning");
    out.flush();
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? "" : text(header.value());
  }

  private static String text(byte[] bytes) {
    return bytes == null ? "null" : new String(bytes, StandardCharsets.UTF_8);
  }

  private static JsonNode json(byte[] bytes) {
    try {
      return Json.readOutput(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
