package dev.identitystream.plaid;

/**
 * A body that is JSON-like but cannot be passed on exactly as Plaid sent it: not UTF-8 (a UTF-16
 * body, malformed or overlong UTF-8, a NUL byte), duplicate field names, or nesting deeper than
 * {@link PlaidJson#MAX_NESTING_DEPTH}. Asking again gets the same bytes, so the caller does not
 * retry: the request goes to the DLQ ({@code UNUSABLE_RESPONSE}).
 *
 * <p>The message names the problem and its byte offset, never body content.
 */
public final class UnusableBodyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UnusableBodyException(String message) {
    super(message);
  }
}
