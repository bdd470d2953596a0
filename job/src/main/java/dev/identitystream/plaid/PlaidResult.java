package dev.identitystream.plaid;

import java.util.Objects;

/**
 * The final result of one logical call: a 200, a Plaid error answer, a failure without an answer,
 * or a retrying client giving up at its deadline.
 */
public sealed interface PlaidResult {

  /** How many HTTP attempts were made for this result (1 when nothing was retried). */
  int attempts();

  /** A copy of this result with another attempt count. */
  PlaidResult withAttempts(int attempts);

  /**
   * A short description for logs and DLQ messages, free of tokens and secrets: {@code HTTP 400
   * ITEM_ERROR/ITEM_LOGIN_REQUIRED}, {@code TIMEOUT: no complete response within PT10S}, {@code
   * HTTP_STATUS HTTP 503: ...}, {@code HTTP 200}; an {@code Exhausted} result is described by its
   * last attempt.
   */
  default String describe() {
    if (this instanceof ErrorAnswer answer) {
      PlaidError error = answer.error();
      return "HTTP " + answer.httpStatus() + " " + error.errorType() + "/" + error.errorCode();
    }
    if (this instanceof TransportFailure failure) {
      String status = failure.httpStatus() > 0 ? " HTTP " + failure.httpStatus() : "";
      return failure.kind() + status + ": " + failure.detail();
    }
    if (this instanceof Exhausted exhausted) {
      return exhausted.last().describe();
    }
    return "HTTP " + ((Success) this).httpStatus();
  }

  /** HTTP 200 with a body that satisfies the response contract. */
  record Success(int httpStatus, IdentityDocumentsResponse response, int attempts)
      implements PlaidResult {
    public Success {
      Objects.requireNonNull(response, "response");
    }

    @Override
    public Success withAttempts(int attempts) {
      return new Success(httpStatus, response, attempts);
    }
  }

  /** A non-2xx status with a parsed {@code PlaidError} body. */
  record ErrorAnswer(int httpStatus, PlaidError error, int attempts) implements PlaidResult {
    public ErrorAnswer {
      Objects.requireNonNull(error, "error");
    }

    @Override
    public ErrorAnswer withAttempts(int attempts) {
      return new ErrorAnswer(httpStatus, error, attempts);
    }
  }

  /**
   * No usable Plaid answer.
   *
   * @param httpStatus the status if a response arrived, else 0
   * @param detail a human-readable reason; never contains the access token or secrets
   */
  record TransportFailure(FailureKind kind, int httpStatus, String detail, int attempts)
      implements PlaidResult {
    public TransportFailure {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(detail, "detail");
    }

    @Override
    public TransportFailure withAttempts(int attempts) {
      return new TransportFailure(kind, httpStatus, detail, attempts);
    }
  }

  /**
   * A retrying client stopped at its deadline (or attempt limit) while every attempt failed
   * transiently; {@code last} is the last attempt's result (never itself {@code Exhausted}).
   */
  record Exhausted(PlaidResult last, int attempts) implements PlaidResult {
    public Exhausted {
      Objects.requireNonNull(last, "last");
      if (last instanceof Exhausted) {
        throw new IllegalArgumentException("nested Exhausted");
      }
    }

    @Override
    public Exhausted withAttempts(int attempts) {
      return new Exhausted(last, attempts);
    }
  }
}
