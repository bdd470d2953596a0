package dev.identitystream.plaid;

import java.util.Set;

/**
 * Plaid's retry guidance for an error answer, decided once here from {@code error_type} and
 * {@code error_code} (never from the HTTP status); see {@code shared/plaid/errors.md}.
 */
public enum ErrorGuidance {
  /** Transient: a retrying client retries it in line with backoff (rate limits, API errors). */
  RETRY_NOW,
  /**
   * Worth trying again much later (minutes to hours, or after a webhook): not retried in line; the
   * Item-error event says {@code retryable: true} so a later backfill can pick it up.
   */
  RETRY_LATER,
  /** Retrying cannot help (Item, input, request errors, unknown types). */
  DO_NOT_RETRY;

  private static final Set<String> LATER_CODES =
      Set.of(
          "PRODUCT_NOT_READY",
          "INSTITUTION_DOWN",
          "INSTITUTION_NOT_RESPONDING",
          "INSTITUTION_NOT_AVAILABLE");

  /** Classifies an error answer. Unknown types and codes are {@link #DO_NOT_RETRY}. */
  public static ErrorGuidance of(PlaidError error) {
    String type = error.errorType();
    String code = error.errorCode();
    if (LATER_CODES.contains(code)
        && ("ITEM_ERROR".equals(type) || "INSTITUTION_ERROR".equals(type))) {
      return RETRY_LATER;
    }
    return switch (type) {
      case "RATE_LIMIT_EXCEEDED" -> "CREDITS_EXHAUSTED".equals(code) ? DO_NOT_RETRY : RETRY_NOW;
      case "API_ERROR" -> RETRY_NOW;
      default -> DO_NOT_RETRY;
    };
  }

  /** The Item-error event's {@code retryable}: whether trying again (now or later) may succeed. */
  public boolean retryable() {
    return this != DO_NOT_RETRY;
  }
}
