package dev.identitystream.topology;

import dev.identitystream.event.AccountRecord;
import dev.identitystream.event.DlqReason;
import dev.identitystream.event.ErrorSummary;
import dev.identitystream.event.EventSerdes;
import dev.identitystream.event.ItemErrorEvent;
import dev.identitystream.event.ItemStatusRecord;
import dev.identitystream.event.RawJson;
import dev.identitystream.plaid.ErrorGuidance;
import dev.identitystream.plaid.FailureKind;
import dev.identitystream.plaid.IdentityDocumentsResponse;
import dev.identitystream.plaid.PlaidClient;
import dev.identitystream.plaid.PlaidError;
import dev.identitystream.plaid.PlaidResult;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides, in one place, what a call's final result becomes:
 *
 * <ul>
 *   <li>{@code Success}: one account record per account, one Item status ({@code OK}, or {@code
 *       ERROR} when {@code item.error} is not null, whatever its shape, which also gives an
 *       Item-error event);
 *   <li>{@code ErrorAnswer}: one Item-error event ({@code retryable} from {@link ErrorGuidance})
 *       and, when the request named its Item, an Item status {@code ERROR}; except an answer that
 *       refuses this job's client ({@link ErrorGuidance#refusesClient}), which is no Item's
 *       business: the DLQ, {@code CLIENT_REFUSED} (the job's resilient client pauses instead, so
 *       only other clients hand one over);
 *   <li>{@code Exhausted}, or a {@code TransportFailure} that ends the call: the DLQ, with reason
 *       {@code RETRIES_EXHAUSTED}, {@code RESPONSE_TOO_LARGE} for an oversize answer, {@code
 *       UNUSABLE_RESPONSE} for one that cannot be passed on exactly, {@code CLIENT_REFUSED} for a
 *       refusal that is not Plaid's.
 * </ul>
 *
 * <p>Accounts, the Item and Plaid errors go out as the raw JSON Plaid sent ({@link RawJson}), never
 * through a tree, so no content of a body can make an output fail to serialize. Should mapping
 * still fail, the request goes to the DLQ ({@code UNUSABLE_RESPONSE}) rather than stop the task.
 *
 * <p>Threading: stateless apart from the clock; called on stream threads.
 */
final class OutcomeMapper {

  private final Clock clock;

  OutcomeMapper(Clock clock) {
    this.clock = clock;
  }

  List<OutputEvent> map(PendingCall call, PlaidResult result) {
    String now = DateTimeFormatter.ISO_INSTANT.format(clock.instant());
    try {
      if (ErrorGuidance.refusesClient(result)) {
        return List.of(deadLetter(call, result, result));
      }
      if (result instanceof PlaidResult.Success success) {
        return success(call, success, now);
      }
      if (result instanceof PlaidResult.ErrorAnswer answer) {
        return errorAnswer(call, answer, now);
      }
      if (result instanceof PlaidResult.Exhausted exhausted) {
        return List.of(deadLetter(call, exhausted.last(), exhausted));
      }
      return List.of(deadLetter(call, result, result));
    } catch (RuntimeException e) {
      String message =
          "UNUSABLE_RESPONSE: the answer ("
              + result.describe()
              + ") could not be mapped: "
              + e.getClass().getName();
      return List.of(
          DeadLetters.of(
              call.source(),
              DlqReason.UNUSABLE_RESPONSE,
              PlaidClient.class,
              message,
              call.requestId()));
    }
  }

  private List<OutputEvent> success(PendingCall call, PlaidResult.Success success, String now) {
    IdentityDocumentsResponse response = success.response();
    Map<String, String> attributes = call.request().attributes();
    String itemId = response.itemId();
    String institutionId = response.institutionId();
    String institutionName = response.institutionName();
    List<OutputEvent> out = new ArrayList<>(response.accounts().size() + 2);
    for (IdentityDocumentsResponse.RawAccount account : response.accounts()) {
      out.add(
          new OutputEvent.Account(
              utf8(account.accountId()),
              new AccountRecord(
                  EventSerdes.SCHEMA_VERSION,
                  call.requestId(),
                  response.requestId(),
                  itemId,
                  institutionId,
                  institutionName,
                  now,
                  attributes,
                  new RawJson(account.utf8()))));
    }
    Optional<PlaidError> itemError = response.itemError();
    ErrorSummary summary =
        itemError.map(error -> summary(success.httpStatus(), error)).orElse(null);
    RawJson item = new RawJson(response.item().utf8());
    out.add(itemStatus(call, itemId, item, summary, response.requestId(), now));
    itemError.ifPresent(
        error ->
            out.add(
                itemErrorEvent(
                    call,
                    itemId,
                    success.httpStatus(),
                    error,
                    response.requestId(),
                    success.attempts(),
                    now)));
    return out;
  }

  private List<OutputEvent> errorAnswer(
      PendingCall call, PlaidResult.ErrorAnswer answer, String now) {
    PlaidError error = answer.error();
    String itemId = call.request().itemId();
    List<OutputEvent> out = new ArrayList<>(2);
    out.add(
        itemErrorEvent(
            call, itemId, answer.httpStatus(), error, error.requestId(), answer.attempts(), now));
    if (itemId != null) {
      out.add(
          itemStatus(
              call, itemId, null, summary(answer.httpStatus(), error), error.requestId(), now));
    }
    return out;
  }

  /** An Item status: {@code OK} without an error summary, {@code ERROR} with one. */
  private static OutputEvent.ItemStatus itemStatus(
      PendingCall call,
      String itemId,
      RawJson item,
      ErrorSummary error,
      String plaidRequestId,
      String now) {
    return new OutputEvent.ItemStatus(
        utf8(itemId),
        new ItemStatusRecord(
            EventSerdes.SCHEMA_VERSION,
            itemId,
            error == null ? ItemStatusRecord.OK : ItemStatusRecord.ERROR,
            item,
            error,
            call.requestId(),
            plaidRequestId,
            now,
            call.request().attributes()));
  }

  private static OutputEvent.ItemError itemErrorEvent(
      PendingCall call,
      String itemId,
      int httpStatus,
      PlaidError error,
      String plaidRequestId,
      int attempts,
      String now) {
    byte[] key = itemId != null ? utf8(itemId) : call.source().key();
    return new OutputEvent.ItemError(
        key,
        new ItemErrorEvent(
            EventSerdes.SCHEMA_VERSION,
            call.requestId(),
            itemId,
            httpStatus,
            error.errorType(),
            error.errorCode(),
            error.errorCodeReason(),
            error.errorMessage(),
            error.displayMessage(),
            error.documentationUrl(),
            error.suggestedAction(),
            plaidRequestId,
            ErrorGuidance.of(error).retryable(),
            attempts,
            now,
            call.request().attributes(),
            new RawJson(error.json())));
  }

  private static ErrorSummary summary(int httpStatus, PlaidError error) {
    return new ErrorSummary(
        httpStatus,
        error.errorType(),
        error.errorCode(),
        error.errorCodeReason(),
        error.errorMessage(),
        error.displayMessage(),
        ErrorGuidance.of(error).retryable());
  }

  private static OutputEvent.DeadLetter deadLetter(
      PendingCall call, PlaidResult last, PlaidResult finalResult) {
    DlqReason reason = reason(last);
    String message =
        reason.name()
            + " after "
            + finalResult.attempts()
            + " attempt(s); last: "
            + last.describe();
    return DeadLetters.of(call.source(), reason, PlaidClient.class, message, call.requestId());
  }

  /** The DLQ reason for a call that ended with {@code last} (its last attempt's result). */
  private static DlqReason reason(PlaidResult last) {
    if (ErrorGuidance.refusesClient(last)) {
      return DlqReason.CLIENT_REFUSED;
    }
    FailureKind kind = last instanceof PlaidResult.TransportFailure failure ? failure.kind() : null;
    if (kind == FailureKind.BODY_TOO_LARGE) {
      return DlqReason.RESPONSE_TOO_LARGE;
    }
    return kind == FailureKind.UNUSABLE_BODY
        ? DlqReason.UNUSABLE_RESPONSE
        : DlqReason.RETRIES_EXHAUSTED;
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
