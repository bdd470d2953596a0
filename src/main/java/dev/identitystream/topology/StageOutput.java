package dev.identitystream.topology;

import org.apache.kafka.common.header.Headers;

/**
 * One record the call stage forwards, already serialized and checked against its topic's size
 * limit; the split routes it by {@link #kind()}.
 *
 * @param headers null for every kind but {@link Kind#DLQ}
 */
record StageOutput(Kind kind, byte[] key, byte[] value, Headers headers) {

  /** Which output topic the record is for. */
  enum Kind {
    ACCOUNT,
    ITEM,
    ITEM_ERROR,
    DLQ
  }
}
