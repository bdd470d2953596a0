package dev.identitystream.topology;

import dev.identitystream.event.IdentityRequest;
import dev.identitystream.plaid.PlaidRequest;

/**
 * A validated request waiting for (or in) its Plaid call: the source record kept in the pending
 * store, its parsed form, its request id, its ordering group (the record key) and its lane.
 *
 * @param group equal for records with the same key; unique for records without a key
 * @param lane the input it came from: live requests are dispatched before bulk ones
 */
record PendingCall(
    SourceRecord source, IdentityRequest request, String requestId, Object group, Lane lane) {

  /** Records without a key have no order to keep: each is its own group. */
  private record Unkeyed(String topic, int partition, long offset) {}

  /** A live request. */
  static PendingCall of(SourceRecord source, IdentityRequest request) {
    return of(source, request, Lane.LIVE);
  }

  static PendingCall of(SourceRecord source, IdentityRequest request, Lane lane) {
    String requestId =
        request.requestId() != null ? request.requestId() : source.derivedRequestId();
    Object group =
        source.key() == null
            ? new Unkeyed(source.topic(), source.partition(), source.offset())
            : org.apache.kafka.common.utils.Bytes.wrap(source.key());
    return new PendingCall(source, request, requestId, group, lane);
  }

  PlaidRequest plaidRequest() {
    return new PlaidRequest(
        request.accessToken(), request.accountIds(), requestId, lane == Lane.BULK);
  }

  @Override
  public String toString() {
    return "PendingCall["
        + source.derivedRequestId()
        + ", requestId="
        + requestId
        + ", "
        + lane
        + "]";
  }
}
