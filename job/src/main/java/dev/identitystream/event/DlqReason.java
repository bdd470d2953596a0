package dev.identitystream.event;

/**
 * Machine-readable reasons a request lands on {@code identity-dlq}, written to the {@link
 * DlqHeaders#REASON} header. Input reasons mean the record can never succeed as it is; call reasons
 * mean it may succeed if replayed later.
 */
public enum DlqReason {
  /** The value is null (a tombstone). */
  NULL_VALUE,
  /** Key plus value exceed the configured maximum record size. */
  RECORD_TOO_LARGE,
  /** The value is not valid UTF-8 JSON (or has duplicate fields or trailing content). */
  INVALID_JSON,
  /** The value is JSON but not an object (an array, a string, a number...). */
  NOT_A_JSON_OBJECT,
  /** {@code access_token} is absent, null or empty. */
  MISSING_ACCESS_TOKEN,
  /** {@code access_token} does not have the form {@code access-<env>-<id>}. */
  INVALID_ACCESS_TOKEN,
  /** {@code access_token} is longer than 256 characters. */
  ACCESS_TOKEN_TOO_LONG,
  /** A known field has the wrong JSON type. */
  INVALID_FIELD_TYPE,
  /** {@code request_id} or {@code item_id} is empty or longer than 256 characters. */
  INVALID_FIELD_VALUE,
  /** An entry of {@code account_ids} is not a non-empty string of at most 256 characters. */
  INVALID_ACCOUNT_IDS,
  /** {@code account_ids} has more than 100 entries. */
  TOO_MANY_ACCOUNT_IDS,
  /** {@code attributes} is not an object of strings. */
  INVALID_ATTRIBUTES,
  /** {@code attributes} serializes to more than 4 KiB. */
  ATTRIBUTES_TOO_LARGE,
  /**
   * The access token also appears in the key, an id or the attributes, which are copied to outputs.
   */
  ACCESS_TOKEN_IN_PASSTHROUGH,
  /** Every attempt failed transiently until the deadline; replay the record later. */
  RETRIES_EXHAUSTED,
  /** Plaid's answer exceeded the configured response size cap. */
  RESPONSE_TOO_LARGE,
  /**
   * An output record of Plaid's answer (or the request's pending-store entry) is larger than its
   * topic accepts ({@code max.request.size}, {@code max.message.bytes}); the message gives the
   * sizes. Raise the limits, then replay the record.
   */
  OUTPUT_TOO_LARGE,
  /** Plaid's answer could not be written as output records (the message says why). */
  OUTPUT_INVALID,
  /**
   * Plaid's answer cannot be passed on exactly as sent (not UTF-8, a repeated field name, nested
   * deeper than 1,000 levels); the same request gets the same bytes, so it is not retried.
   */
  UNUSABLE_RESPONSE,
  /**
   * Plaid refused this job's own client (credentials, plan, configuration) and the Plaid client in
   * use did not pause for it (the job's resilient client does, so this only comes from other
   * clients, e.g. a cassette). No Item status or Item-error event is written; replay it later.
   */
  CLIENT_REFUSED
}
