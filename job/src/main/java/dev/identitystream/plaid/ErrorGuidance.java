package dev.identitystream.plaid;

import java.util.Map;
import java.util.Set;

/**
 * Plaid's retry guidance for an error answer, decided once here from {@code error_type} and {@code
 * error_code} (never from the HTTP status); see docs/PLAID-ERRORS.md.
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
  DO_NOT_RETRY,
  /**
   * The error is about this job's own client, not about the Item: our credentials, environment,
   * product access, plan or the request our code builds are wrong ({@link #CLIENT_CODES}). It would
   * be the same for every request, so the resilient client pauses all calls until Plaid accepts the
   * client again; no Item status or Item-error event is written for it.
   */
  CLIENT_ERROR;

  /**
   * The client-error class, by {@code error_type}, from Plaid's error reference (the pages cited in
   * docs/PLAID-ERRORS.md; "Errors about our own client" in docs/operations.md gives the reason for
   * each, and for the codes left out). Only codes that cannot depend on the request's Item belong
   * here: a code listed by mistake would pause the whole job for one request.
   */
  static final Map<String, Set<String>> CLIENT_CODES =
      Map.of(
          "INVALID_INPUT",
          Set.of(
              "INVALID_API_KEYS",
              "UNAUTHORIZED_ENVIRONMENT",
              "INVALID_PRODUCT",
              "UNAUTHORIZED_ROUTE_ACCESS",
              "DIRECT_INTEGRATION_NOT_ENABLED"),
          "INVALID_REQUEST",
          Set.of(
              "MISSING_FIELDS",
              "UNKNOWN_FIELDS",
              "INVALID_BODY",
              "INVALID_HEADERS",
              "INCOMPATIBLE_API_VERSION",
              "NOT_FOUND",
              "NO_LONGER_AVAILABLE"),
          "RATE_LIMIT_EXCEEDED",
          Set.of("CREDITS_EXHAUSTED", "ADDITION_LIMIT"));

  private static final Set<String> LATER_CODES =
      Set.of(
          "PRODUCT_NOT_READY",
          "INSTITUTION_DOWN",
          "INSTITUTION_NOT_RESPONDING",
          "INSTITUTION_NOT_AVAILABLE");

  /**
   * Classifies an error answer. Unknown types and codes, and errors without a type, are {@link
   * #DO_NOT_RETRY}; an error without a code is judged by its type alone.
   */
  public static ErrorGuidance of(PlaidError error) {
    String type = error.errorType();
    String code = error.errorCode();
    if (type == null) {
      return DO_NOT_RETRY;
    }
    if (code != null && CLIENT_CODES.getOrDefault(type, Set.of()).contains(code)) {
      return CLIENT_ERROR;
    }
    if (code != null
        && LATER_CODES.contains(code)
        && ("ITEM_ERROR".equals(type) || "INSTITUTION_ERROR".equals(type))) {
      return RETRY_LATER;
    }
    return switch (type) {
      case "RATE_LIMIT_EXCEEDED", "API_ERROR" -> RETRY_NOW;
      default -> DO_NOT_RETRY;
    };
  }

  /**
   * Rate-limit codes about one Item rather than the client (docs/PLAID-ERRORS.md: Plaid's per-Item
   * limits per product; which of them this endpoint answers is not documented, so every product's
   * is here, an inference). {@code RATE_LIMIT} and any other code count as the client's.
   */
  static final Set<String> ITEM_RATE_LIMIT_CODES =
      Set.of(
          "IDENTITY_LIMIT",
          "ACCOUNTS_LIMIT",
          "AUTH_LIMIT",
          "BALANCE_LIMIT",
          "ITEM_GET_LIMIT",
          "TRANSACTIONS_LIMIT");

  /** Whether an error is Plaid's rate limit for one Item ({@link #ITEM_RATE_LIMIT_CODES}). */
  public static boolean isItemRateLimit(PlaidError error) {
    return "RATE_LIMIT_EXCEEDED".equals(error.errorType())
        && ITEM_RATE_LIMIT_CODES.contains(error.errorCode());
  }

  /**
   * Whether a result says the client as a whole sends too much: a {@code RATE_LIMIT_EXCEEDED}
   * answer that is {@link #RETRY_NOW} and not about one Item ({@code RATE_LIMIT}, an unknown code;
   * not {@code INSTITUTION_RATE_LIMIT}, which is about a bank), or a 429 without a Plaid body.
   */
  public static boolean isClientRateLimit(PlaidResult result) {
    if (result instanceof PlaidResult.ErrorAnswer answer) {
      PlaidError error = answer.error();
      return "RATE_LIMIT_EXCEEDED".equals(error.errorType())
          && of(error) == RETRY_NOW
          && !isItemRateLimit(error)
          && !"INSTITUTION_RATE_LIMIT".equals(error.errorCode());
    }
    return result instanceof PlaidResult.TransportFailure failure && failure.httpStatus() == 429;
  }

  /** The Item-error event's {@code retryable}: whether trying again (now or later) may succeed. */
  public boolean retryable() {
    return this == RETRY_NOW || this == RETRY_LATER;
  }

  /**
   * Whether a result says that Plaid refuses this job's client rather than anything about the
   * request: a {@link #CLIENT_ERROR} answer, or a non-2xx answer that is not Plaid's and cannot
   * heal ({@link FailureKind#REFUSED}).
   */
  public static boolean refusesClient(PlaidResult result) {
    if (result instanceof PlaidResult.ErrorAnswer answer) {
      return of(answer.error()) == CLIENT_ERROR;
    }
    return result instanceof PlaidResult.TransportFailure failure
        && failure.kind() == FailureKind.REFUSED;
  }
}
