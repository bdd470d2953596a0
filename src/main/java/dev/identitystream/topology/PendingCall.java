package dev.identitystream.topology;

import dev.identitystream.event.IdentityRequest;
import dev.identitystream.plaid.PlaidRequest;

/**
 * A validated request waiting for (or in) its Plaid call: the source record kept in the pending
 * store, its parsed form, its request id and its ordering group (the record key).
 *
 * @param group equal for records with the same key; unique for records without a key
 */
record PendingCall(SourceRecord source, IdentityRequest request, String requestId, Object group) {

  /** Records without a key have no order to keep: each is its own group. */
  private record Unkeyed(int partition, long offset) {}

  static PendingCall of(SourceRecord source, IdentityRequest request) {
    String requestId =
        request.requestId() != null ? request.requestId() : source.derivedRequestId();
    Object group =
        source.key() == null
            ? new Unkeyed(source.partition(), source.offset())
            : org.apache.kafka.common.utils.Bytes.wrap(source.key());
    return new PendingCall(source, request, requestId, group);
  }

  PlaidRequest plaidRequest() {
    return new PlaidRequest(request.accessToken(), request.accountIds(), requestId);
  }

  @Override
  public String toString() {
    return "PendingCall[" + source.derivedRequestId() + ", requestId=" + requestId + "]";
  }
}
