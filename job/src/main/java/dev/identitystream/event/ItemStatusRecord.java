package dev.identitystream.event;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Map;

/**
 * A value on {@code identity-items} (compacted), keyed by {@code item_id}: the latest known status
 * of an Item. Schema: {@code schemas/identity-items.schema.json}.
 *
 * @param status {@code OK}, or {@code ERROR} when Plaid answered with an error or {@code
 *     item.error} is not null (whatever its shape)
 * @param item the Plaid Item object exactly as returned (whitespace between tokens removed), or
 *     null when Plaid answered with an error
 * @param error the error summary, or null when {@code status} is {@code OK}
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ItemStatusRecord(
    int schemaVersion,
    String itemId,
    String status,
    RawJson item,
    ErrorSummary error,
    String requestId,
    String plaidRequestId,
    String observedAt,
    Map<String, String> attributes) {

  public static final String OK = "OK";
  public static final String ERROR = "ERROR";
}
