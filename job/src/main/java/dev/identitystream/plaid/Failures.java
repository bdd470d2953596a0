package dev.identitystream.plaid;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.identitystream.plaid.PlaidResult.TransportFailure;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Maps exceptions of one attempt to failures whose details hold no secret and no body content. */
final class Failures {

  private static final String HIDDEN = "[hidden]";

  private Failures() {}

  /**
   * The failure for an exception of the HTTP exchange.
   *
   * @throws CompletionException rethrowing anything that is not an I/O failure (a bug)
   */
  static TransportFailure fromException(
      Throwable error, PlaidRequest request, PlaidClientConfig config) {
    Throwable cause = unwrap(error);
    FailureKind kind;
    String what;
    if (cause instanceof HttpConnectTimeoutException) {
      kind = FailureKind.CONNECTION;
      what = "connect timed out after " + config.connectTimeout();
    } else if (cause instanceof HttpTimeoutException) {
      kind = FailureKind.TIMEOUT;
      what = "no response within " + config.attemptTimeout();
    } else if (cause instanceof ConnectException) {
      kind = FailureKind.CONNECTION;
      what = "cannot connect to " + config.baseUrl().getHost() + describe(cause);
    } else if (cause instanceof IOException) {
      kind = FailureKind.CONNECTION;
      what = "I/O failure" + describe(cause);
    } else if (cause instanceof CancellationException) {
      kind = FailureKind.CONNECTION;
      what = "exchange cancelled";
    } else {
      throw error instanceof CompletionException ce ? ce : new CompletionException(cause);
    }
    return new TransportFailure(
        kind, 0, redact(what, request.accessToken(), config.secret().reveal()), 1);
  }

  /** Where JSON parsing failed, without Jackson's message (it quotes body content). */
  static String notJson(IOException e) {
    if (e instanceof JsonProcessingException jpe && jpe.getLocation() != null) {
      JsonLocation at = jpe.getLocation();
      return "response body is not valid JSON (line "
          + at.getLineNr()
          + ", column "
          + at.getColumnNr()
          + ")";
    }
    return "response body is not valid JSON";
  }

  /** Replaces each secret occurring in {@code text} by {@code [hidden]}. */
  static String redact(String text, String... secrets) {
    String out = text;
    for (String secret : secrets) {
      if (secret != null && !secret.isEmpty() && out.contains(secret)) {
        out = out.replace(secret, HIDDEN);
      }
    }
    return out;
  }

  private static String describe(Throwable cause) {
    String message = cause.getMessage();
    return " ("
        + cause.getClass().getSimpleName()
        + (message == null || message.isBlank() ? "" : ": " + message)
        + ")";
  }

  private static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
