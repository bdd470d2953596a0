package dev.identitystream.topology;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * The one place that names the job's topics (defaults per the event contracts; all configurable).
 *
 * @param requests input; key: any string (the ordering key); value: an identity request (JSON)
 * @param accounts key: {@code account_id}; value: an account record
 * @param items compacted; key: {@code item_id}; value: the Item's latest status
 * @param itemErrors key: {@code item_id}, else the request key; value: an Item-error event
 * @param dlq key and value: the original record's bytes; headers say why
 */
public record Topics(String requests, String accounts, String items, String itemErrors, String dlq) {

  public static final Topics DEFAULTS =
      new Topics(
          "identity-requests",
          "identity-accounts",
          "identity-items",
          "identity-item-errors",
          "identity-dlq");

  public Topics {
    Objects.requireNonNull(requests, "requests");
    Objects.requireNonNull(accounts, "accounts");
    Objects.requireNonNull(items, "items");
    Objects.requireNonNull(itemErrors, "itemErrors");
    Objects.requireNonNull(dlq, "dlq");
    if (new LinkedHashSet<>(List.of(requests, accounts, items, itemErrors, dlq)).size() != 5) {
      throw new IllegalArgumentException("topic names must be distinct: " + List.of(requests, accounts, items, itemErrors, dlq));
    }
  }

  /** The four output topics. */
  public List<String> outputs() {
    return List.of(accounts, items, itemErrors, dlq);
  }
}
