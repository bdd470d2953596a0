package dev.identitystream.event;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Map;

/**
 * A value on {@code identity-item-errors}, keyed by {@code item_id} when known, else by the request
 * key: one per request whose final outcome is a Plaid error answer, and one per non-null {@code
 * item.error} in a 200. Schema: {@code schemas/identity-item-errors.schema.json}.
 *
 * <p>The summary fields ({@code error_type} ... {@code suggested_action}) are the string values of
 * Plaid's fields, null when absent, null or not a string; {@code plaid_error} is the error exactly
 * as Plaid sent it, whatever it holds.
 *
 * @param retryable Plaid's guidance: trying again (now or much later) may succeed
 * @param attempts HTTP attempts made for this request
 * @param plaidError the error object (or, for an {@code item.error}, any JSON value) exactly as
 *     Plaid sent it, whitespace between tokens removed
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ItemErrorEvent(
    int schemaVersion,
    String requestId,
    String itemId,
    int httpStatus,
    String errorType,
    String errorCode,
    String errorCodeReason,
    String errorMessage,
    String displayMessage,
    String documentationUrl,
    String suggestedAction,
    String plaidRequestId,
    boolean retryable,
    int attempts,
    String occurredAt,
    Map<String, String> attributes,
    RawJson plaidError) {}
