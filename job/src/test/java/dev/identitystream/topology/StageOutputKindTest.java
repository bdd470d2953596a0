package dev.identitystream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The table of outputs ({@link StageOutput.Kind}) covers every output event type, once. */
class StageOutputKindTest {

  @Test
  void shouldHaveOneRowPerOutputEventType() {
    List<StageOutput.Kind> kinds =
        Arrays.stream(OutputEvent.class.getPermittedSubclasses())
            .map(type -> StageOutput.Kind.of(type.asSubclass(OutputEvent.class)))
            .toList();
    assertThat(kinds).containsExactlyInAnyOrder(StageOutput.Kind.values());
  }

  @Test
  void shouldListTheOutputTopicsInTheTablesOrder() {
    Topics topics = Topics.DEFAULTS;
    assertThat(topics.outputs())
        .containsExactly(topics.accounts(), topics.items(), topics.itemErrors(), topics.dlq());
  }
}
