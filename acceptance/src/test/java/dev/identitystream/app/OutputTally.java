package dev.identitystream.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.identitystream.event.DlqHeaders;
import dev.identitystream.topology.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Counts the job's output records per request id and compares them with a {@link CrashFeed}: which
 * expected output is missing, which came more than once, which nobody asked for.
 *
 * <p>Reads: {@code identity-items} and {@code identity-item-errors} by their {@code request_id};
 * {@code identity-accounts} by {@code request_id} and {@code account.account_id}; {@code
 * identity-dlq} by its original value (a malformed record of the feed) or, failing that, by its
 * {@code __streams.errors.request_id} header.
 *
 * <p>Threading: one test thread.
 */
final class OutputTally {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_LISTED = 20;
  private static final String UNKNOWN = "(no request id)";

  private final Topics topics;
  private final CrashFeed feed;
  private final Map<String, Integer> items = new HashMap<>();
  private final Map<String, Integer> itemErrors = new HashMap<>();
  private final Map<String, Integer> deadLetters = new HashMap<>();
  private final Map<String, Map<String, Integer>> accounts = new HashMap<>();
  private int itemRecords;

  OutputTally(Topics topics, CrashFeed feed) {
    this.topics = topics;
    this.feed = feed;
  }

  /** Counts one output record (of any of the four output topics). */
  void add(String topic, byte[] value, Headers headers) {
    if (topic.equals(topics.items())) {
      itemRecords++;
      items.merge(requestId(value), 1, Integer::sum);
    } else if (topic.equals(topics.itemErrors())) {
      itemErrors.merge(requestId(value), 1, Integer::sum);
    } else if (topic.equals(topics.accounts())) {
      JsonNode account = parse(value);
      String accountId = account.path("account").path("account_id").asText(UNKNOWN);
      accounts
          .computeIfAbsent(account.path("request_id").asText(UNKNOWN), id -> new HashMap<>())
          .merge(accountId, 1, Integer::sum);
    } else if (topic.equals(topics.dlq())) {
      String original = value == null ? "" : new String(value, StandardCharsets.UTF_8);
      String id =
          feed.malformedRequestId(original).orElseGet(() -> header(headers, DlqHeaders.REQUEST_ID));
      deadLetters.merge(id, 1, Integer::sum);
    } else {
      throw new IllegalArgumentException("not an output topic: " + topic);
    }
  }

  /** Item status records counted so far, duplicates included. */
  int itemRecords() {
    return itemRecords;
  }

  /** Whether every expected output has arrived at least once (duplicates are not checked here). */
  boolean complete() {
    return items.keySet().containsAll(feed.expectedItems())
        && itemErrors.keySet().containsAll(feed.expectedItemErrors())
        && deadLetters.keySet().containsAll(feed.expectedDeadLetters())
        && feed.successes().stream()
            .allMatch(
                id ->
                    accounts.getOrDefault(id, Map.of()).size()
                        == feed.request(id).orElseThrow().accounts());
  }

  /** How many Item status records of the request have arrived. */
  int itemCount(String requestId) {
    return items.getOrDefault(requestId, 0);
  }

  /** Requests whose Item status has not arrived (yet), in id order. */
  List<String> missingItems() {
    return feed.expectedItems().stream().filter(id -> !items.containsKey(id)).sorted().toList();
  }

  /** Requests whose Item status is not there exactly once, and statuses nobody asked for. */
  List<String> itemAnomalies() {
    return notExactlyOnce(items, feed.expectedItems());
  }

  List<String> itemErrorAnomalies() {
    return notExactlyOnce(itemErrors, feed.expectedItemErrors());
  }

  List<String> deadLetterAnomalies() {
    return notExactlyOnce(deadLetters, feed.expectedDeadLetters());
  }

  /**
   * Successes without exactly their N distinct accounts, accounts written more than once for a
   * request, and accounts of requests that should have none.
   */
  List<String> accountAnomalies() {
    List<String> problems = new ArrayList<>();
    Set<String> successes = feed.successes();
    for (String id : successes) {
      int expected = feed.request(id).orElseThrow().accounts();
      int distinct = accounts.getOrDefault(id, Map.of()).size();
      if (distinct != expected) {
        problems.add(id + ": " + distinct + " of " + expected + " accounts");
      }
    }
    new TreeMap<>(accounts)
        .forEach(
            (id, perAccount) -> {
              if (!successes.contains(id)) {
                problems.add(id + ": unexpected account records " + perAccount);
              }
              perAccount.forEach(
                  (account, count) -> {
                    if (count > 1) {
                      problems.add(id + "/" + account + " x" + count);
                    }
                  });
            });
    return capped(problems);
  }

  /** One line per output topic: records and distinct requests. */
  String summary() {
    int accountRecords =
        accounts.values().stream()
            .flatMap(m -> m.values().stream())
            .mapToInt(Integer::intValue)
            .sum();
    return "items "
        + itemRecords
        + " ("
        + items.size()
        + " requests), item errors "
        + sum(itemErrors)
        + " ("
        + itemErrors.size()
        + "), accounts "
        + accountRecords
        + " ("
        + accounts.size()
        + " requests), DLQ "
        + sum(deadLetters)
        + " ("
        + deadLetters.size()
        + ")";
  }

  private static List<String> notExactlyOnce(Map<String, Integer> counts, Set<String> expected) {
    List<String> problems = new ArrayList<>();
    for (String id : expected) {
      int count = counts.getOrDefault(id, 0);
      if (count != 1) {
        problems.add(id + " x" + count);
      }
    }
    for (String id : new TreeSet<>(counts.keySet())) {
      if (!expected.contains(id)) {
        problems.add(id + " x" + counts.get(id) + " (unexpected)");
      }
    }
    return capped(problems);
  }

  private static List<String> capped(List<String> problems) {
    if (problems.size() <= MAX_LISTED) {
      return problems;
    }
    List<String> shown = new ArrayList<>(problems.subList(0, MAX_LISTED));
    shown.add("... " + problems.size() + " in all");
    return shown;
  }

  private static int sum(Map<String, Integer> counts) {
    return counts.values().stream().mapToInt(Integer::intValue).sum();
  }

  private static String requestId(byte[] value) {
    return parse(value).path("request_id").asText(UNKNOWN);
  }

  private static JsonNode parse(byte[] value) {
    try {
      return value == null ? JSON.missingNode() : JSON.readTree(value);
    } catch (IOException e) {
      return JSON.missingNode();
    }
  }

  private static String header(Headers headers, String name) {
    Header header = headers == null ? null : headers.lastHeader(name);
    return header == null ? UNKNOWN : new String(header.value(), StandardCharsets.UTF_8);
  }
}
