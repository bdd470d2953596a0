package dev.identitystream.event;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** The {@code error} of an Item status record: what Plaid said, in short. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ErrorSummary(
    int httpStatus,
    String errorType,
    String errorCode,
    String errorCodeReason,
    String errorMessage,
    String displayMessage,
    boolean retryable) {}
