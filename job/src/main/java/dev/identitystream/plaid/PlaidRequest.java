package dev.identitystream.plaid;

import java.util.List;
import java.util.Objects;

/**
 * One call to {@code /identity/documents/uploads/get}.
 *
 * @param accessToken the Item's access token; secret: never logged, never written to an output
 * @param accountIds ids sent as {@code options.account_ids}, or empty to send no options
 * @param requestId our correlation id (for logs and metrics only; not sent to Plaid)
 * @param bulk whether the request is bulk work (a backfill): a budgeted client serves live requests
 *     first ({@link FleetRate}); not sent to Plaid
 */
public record PlaidRequest(
    String accessToken, List<String> accountIds, String requestId, boolean bulk) {

  public PlaidRequest {
    Objects.requireNonNull(accessToken, "accessToken");
    accountIds = accountIds == null ? List.of() : List.copyOf(accountIds);
  }

  /** A live request. */
  public PlaidRequest(String accessToken, List<String> accountIds, String requestId) {
    this(accessToken, accountIds, requestId, false);
  }

  /** Never prints the access token. */
  @Override
  public String toString() {
    return "PlaidRequest[requestId="
        + requestId
        + ", accountIds="
        + accountIds
        + (bulk ? ", bulk" : "")
        + "]";
  }
}
