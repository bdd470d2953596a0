package dev.identitystream.event;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Map;

/**
 * A value on {@code identity-accounts}, keyed by {@code account_id}: one account of a 200 answer,
 * {@code account} exactly as Plaid returned it. Schema: {@code
 * schemas/identity-accounts.schema.json}.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record AccountRecord(
    int schemaVersion,
    String requestId,
    String plaidRequestId,
    String itemId,
    String institutionId,
    String institutionName,
    String fetchedAt,
    Map<String, String> attributes,
    RawJson account) {}
