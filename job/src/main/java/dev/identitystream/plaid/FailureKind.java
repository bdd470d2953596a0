package dev.identitystream.plaid;

/** Why a call produced no usable Plaid answer. */
public enum FailureKind {
  /** The attempt did not complete within the per-attempt timeout. */
  TIMEOUT(true),
  /** The connection could not be made or broke. */
  CONNECTION(true),
  /**
   * 408, 429 or 5xx without a Plaid error body (e.g. a 502 page from a proxy): may heal, retried.
   */
  HTTP_STATUS(true),
  /**
   * Any other non-2xx status without a Plaid error body: a proxy's 403 page, a 404 from a wrong
   * base URL, a redirect. Not Plaid's answer and not transient: our configuration or network path
   * is wrong, so the resilient client pauses every call (like a Plaid error about our client).
   */
  REFUSED(false),
  /** The body was not JSON, or JSON without the fields the contract requires. */
  MALFORMED_BODY(true),
  /** The body exceeded the configured size cap; retrying would not help. */
  BODY_TOO_LARGE(false),
  /**
   * Plaid's answer is JSON the job cannot pass on exactly as sent (not UTF-8, a repeated field
   * name, nested too deep; see {@link UnusableBodyException}); asking again gets the same bytes.
   */
  UNUSABLE_BODY(false);

  private final boolean transientFailure;

  FailureKind(boolean transientFailure) {
    this.transientFailure = transientFailure;
  }

  /** Whether a later attempt may succeed (a retrying client retries these). */
  public boolean isTransient() {
    return transientFailure;
  }
}
