package dev.identitystream.topology;

import org.apache.kafka.common.header.Headers;

/**
 * One record the call stage forwards, already serialized and checked against its topic's size
 * limit; the stage forwards its key and value straight to the sink of its {@link #kind()}.
 *
 * @param headers null for every kind but {@link Kind#DLQ}
 */
record StageOutput(Kind kind, byte[] key, byte[] value, Headers headers) {

  /** Which output topic the record is for, and the name of that topic's sink node. */
  enum Kind {
    ACCOUNT("write-accounts"),
    ITEM("write-items"),
    ITEM_ERROR("write-item-errors"),
    DLQ("write-dlq");

    private final String sink;

    Kind(String sink) {
      this.sink = sink;
    }

    /** The sink node that writes records of this kind to their topic. */
    String sink() {
      return sink;
    }
  }
}
