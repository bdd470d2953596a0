package dev.identitystream.topology;

import dev.identitystream.event.EventSerdes;
import java.util.function.Function;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.Topology;

/**
 * One record the call stage forwards, already serialized and checked against its topic's size
 * limit; the stage forwards its key and value straight to the sink of its {@link #kind()}.
 *
 * @param headers null for every kind but {@link Kind#DLQ}
 */
record StageOutput(Kind kind, byte[] key, byte[] value, Headers headers) {

  /**
   * The one table of the stage's outputs: per output event type, the sink node that writes it, its
   * topic ({@link Topics}) and the serializer of its value. The sinks ({@link #addSinks}), the
   * encoding ({@link OutputEncoder}), the routing and records-out metric of the processor (tagged
   * with the topic) and {@link Topics#outputs()} all read it, so a new output type is a new row
   * here (and its topic in {@link Topics}).
   */
  enum Kind {
    ACCOUNT(
        "write-accounts",
        Topics::accounts,
        OutputEvent.Account.class,
        account -> EventSerdes.ACCOUNT.serialize(null, account.value())),
    ITEM(
        "write-items",
        Topics::items,
        OutputEvent.ItemStatus.class,
        status -> EventSerdes.ITEM_STATUS.serialize(null, status.value())),
    ITEM_ERROR(
        "write-item-errors",
        Topics::itemErrors,
        OutputEvent.ItemError.class,
        error -> EventSerdes.ITEM_ERROR.serialize(null, error.value())),
    /**
     * The original bytes as they are; the headers travel beside them ({@link
     * StageOutput#headers()}).
     */
    DLQ("write-dlq", Topics::dlq, OutputEvent.DeadLetter.class, OutputEvent.DeadLetter::value);

    private static final Kind[] KINDS = values();

    private final String sink;
    private final Function<Topics, String> topic;
    private final Class<? extends OutputEvent> type;
    private final Function<OutputEvent, byte[]> value;

    <E extends OutputEvent> Kind(
        String sink, Function<Topics, String> topic, Class<E> type, Function<E, byte[]> value) {
      this.sink = sink;
      this.topic = topic;
      this.type = type;
      this.value = event -> value.apply(type.cast(event));
    }

    /** The kind of an output event. */
    static Kind of(OutputEvent event) {
      return of(event.getClass());
    }

    /** The kind of an output event type (every {@link OutputEvent} is a final record). */
    static Kind of(Class<? extends OutputEvent> type) {
      for (Kind kind : KINDS) {
        if (kind.type == type) {
          return kind;
        }
      }
      throw new IllegalArgumentException("no output kind for " + type.getName());
    }

    /** The sink node that writes records of this kind to their topic. */
    String sink() {
      return sink;
    }

    /** The topic records of this kind go to, as named in {@code topics}. */
    String topic(Topics topics) {
      return topic.apply(topics);
    }

    /** The serialized value of an event of this kind. */
    byte[] serialize(OutputEvent event) {
      return value.apply(event);
    }

    /**
     * One sink per kind, children of {@code parent}, named by {@link #sink()}: the stage forwards
     * each serialized record straight to its topic's sink (no routing nodes in between: eleven
     * records per call pass one node each).
     */
    static void addSinks(Topology topology, Topics topics, String parent) {
      for (Kind kind : KINDS) {
        topology.addSink(
            kind.sink,
            kind.topic(topics),
            new ByteArraySerializer(),
            new ByteArraySerializer(),
            parent);
      }
    }
  }
}
