package dev.identitystream.plaid;

/** Why a call produced no usable Plaid answer. */
public enum FailureKind {
  /** The attempt did not complete within the per-attempt timeout. */
  TIMEOUT(true),
  /** The connection could not be made or broke. */
  CONNECTION(true),
  /** A non-2xx status without a parsable Plaid error body (e.g. a 502 from a proxy). */
  HTTP_STATUS(true),
  /** The body was not JSON, or JSON without the fields the contract requires. */
  MALFORMED_BODY(true),
  /** The body exceeded the configured size cap; retrying would not help. */
  BODY_TOO_LARGE(false);

  private final boolean transientFailure;

  FailureKind(boolean transientFailure) {
    this.transientFailure = transientFailure;
  }

  /** Whether a later attempt may succeed (a retrying client retries these). */
  public boolean isTransient() {
    return transientFailure;
  }
}
