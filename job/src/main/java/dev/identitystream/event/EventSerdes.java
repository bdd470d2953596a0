package dev.identitystream.event;

/** The one place that names the value serdes of the output topics. */
public final class EventSerdes {

  public static final JsonSerde<AccountRecord> ACCOUNT = new JsonSerde<>(AccountRecord.class);
  public static final JsonSerde<ItemStatusRecord> ITEM_STATUS =
      new JsonSerde<>(ItemStatusRecord.class);
  public static final JsonSerde<ItemErrorEvent> ITEM_ERROR = new JsonSerde<>(ItemErrorEvent.class);

  /** Every output value carries this {@code schema_version}. */
  public static final int SCHEMA_VERSION = 1;

  private EventSerdes() {}
}
