package dev.identitystream.topology;

import dev.identitystream.event.AccountRecord;
import dev.identitystream.event.ItemErrorEvent;
import dev.identitystream.event.ItemStatusRecord;
import org.apache.kafka.common.header.Headers;

/** One output record of the call stage, before it is serialized and written to its topic. */
public sealed interface OutputEvent {

  /** The output key bytes (UTF-8 of a string key, or the original key bytes). */
  byte[] key();

  /** For {@code identity-accounts}. */
  record Account(byte[] key, AccountRecord value) implements OutputEvent {}

  /** For {@code identity-items}. */
  record ItemStatus(byte[] key, ItemStatusRecord value) implements OutputEvent {}

  /** For {@code identity-item-errors}. */
  record ItemError(byte[] key, ItemErrorEvent value) implements OutputEvent {}

  /** For {@code identity-dlq}: the original bytes and the headers that say why. */
  record DeadLetter(byte[] key, byte[] value, Headers headers) implements OutputEvent {}
}
