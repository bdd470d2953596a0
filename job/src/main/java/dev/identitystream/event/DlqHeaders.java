package dev.identitystream.event;

/**
 * Header names on {@code identity-dlq} records. The {@code __streams.errors.*} names are those of
 * Kafka Streams' own dead-letter queue (KIP-1034); values are UTF-8 strings, partition and offset
 * in decimal. The original record's headers are kept and these are added after them.
 */
public final class DlqHeaders {

  /** Name of a class describing the failure (ours: the validator or the Plaid call). */
  public static final String EXCEPTION = "__streams.errors.exception";

  /** A precise, human-readable reason; never contains the access token. */
  public static final String MESSAGE = "__streams.errors.message";

  /** Source topic of the original record. */
  public static final String TOPIC = "__streams.errors.topic";

  /** Source partition of the original record. */
  public static final String PARTITION = "__streams.errors.partition";

  /** Source offset of the original record. */
  public static final String OFFSET = "__streams.errors.offset";

  /** Our addition: the machine-readable {@link DlqReason} code. */
  public static final String REASON = "__streams.errors.reason";

  /** Our addition: the request id (given or derived), when the value could be read. */
  public static final String REQUEST_ID = "__streams.errors.request_id";

  /**
   * Our addition, on a DLQ record whose original did not fit the DLQ topic: {@code true}. Its key
   * and value are then only prefixes of the original's; the original stays at its topic, partition
   * and offset (the headers above).
   */
  public static final String TRUNCATED = "__streams.errors.truncated";

  /** Our addition, with {@link #TRUNCATED}: the original value's size in bytes. */
  public static final String VALUE_SIZE = "__streams.errors.value.size";

  /** Our addition, with {@link #TRUNCATED}: the original key's size in bytes (-1 for no key). */
  public static final String KEY_SIZE = "__streams.errors.key.size";

  private DlqHeaders() {}
}
