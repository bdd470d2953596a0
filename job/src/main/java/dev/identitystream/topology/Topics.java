package dev.identitystream.topology;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * The one place that names the job's topics (defaults per the event contracts; all configurable).
 *
 * @param requests input, live; key: any string (the ordering key); value: an identity request
 *     (JSON)
 * @param accounts key: {@code account_id}; value: an account record
 * @param items compacted; key: {@code item_id}; value: the Item's latest status
 * @param itemErrors key: {@code item_id}, else the request key; value: an Item-error event
 * @param dlq key and value: the original record's bytes; headers say why
 * @param bulkRequests input, bulk (backfills); the same key and value contract as {@code requests},
 *     dispatched after live requests ({@link Lane})
 */
public record Topics(
    String requests,
    String accounts,
    String items,
    String itemErrors,
    String dlq,
    String bulkRequests) {

  public static final Topics DEFAULTS =
      new Topics(
          "identity-requests",
          "identity-accounts",
          "identity-items",
          "identity-item-errors",
          "identity-dlq",
          "identity-backfill-requests");

  public Topics {
    Objects.requireNonNull(requests, "requests");
    Objects.requireNonNull(accounts, "accounts");
    Objects.requireNonNull(items, "items");
    Objects.requireNonNull(itemErrors, "itemErrors");
    Objects.requireNonNull(dlq, "dlq");
    Objects.requireNonNull(bulkRequests, "bulkRequests");
    List<String> all = List.of(requests, accounts, items, itemErrors, dlq, bulkRequests);
    if (new LinkedHashSet<>(all).size() != all.size()) {
      throw new IllegalArgumentException("topic names must be distinct: " + all);
    }
  }

  /** The live topics and a bulk topic named after the live one ({@link #bulkNameFor}). */
  public Topics(String requests, String accounts, String items, String itemErrors, String dlq) {
    this(requests, accounts, items, itemErrors, dlq, bulkNameFor(requests));
  }

  /**
   * The bulk topic's name beside a requests topic: {@code identity-requests} gives {@code
   * identity-backfill-requests}, {@code x-requests} gives {@code x-backfill-requests}, any other
   * name {@code <name>-backfill}.
   */
  public static String bulkNameFor(String requests) {
    return requests.endsWith("requests")
        ? requests.substring(0, requests.length() - "requests".length()) + "backfill-requests"
        : requests + "-backfill";
  }

  /** The two input topics: live first, then bulk. */
  public List<String> inputs() {
    return List.of(requests, bulkRequests);
  }

  /** The output topics, one per output kind, in the order of the stage's table of outputs. */
  public List<String> outputs() {
    return Arrays.stream(StageOutput.Kind.values()).map(kind -> kind.topic(this)).toList();
  }
}
