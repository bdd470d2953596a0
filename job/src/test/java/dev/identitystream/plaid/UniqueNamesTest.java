package dev.identitystream.plaid;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UniqueNamesTest {

  @Test
  void shouldRefuseANameItsObjectAlreadyHas() {
    // given
    UniqueNames names = new UniqueNames();
    names.enterObject();

    // when / then
    assertThat(names.add("account_id")).isTrue();
    assertThat(names.add("mask")).isTrue();
    assertThat(names.add("name")).isTrue();
    assertThat(names.add("Name")).isTrue();
    assertThat(names.add("")).isTrue();
    assertThat(names.add(new String("mask".toCharArray())))
        .isFalse(); // equal, not the same instance
    assertThat(names.add("")).isFalse();
  }

  @Test
  void shouldKeepTheNamesOfEachOpenObjectApart() {
    // given {"a":{"a":1,"b":{"a":1}},"b":... }
    UniqueNames names = new UniqueNames();
    names.enterObject();
    assertThat(names.add("a")).isTrue();
    names.enterObject();
    assertThat(names.add("a")).isTrue();
    assertThat(names.add("b")).isTrue();
    names.enterObject();
    assertThat(names.add("a")).isTrue();
    names.exitObject();
    assertThat(names.add("b")).as("repeated in the middle object after its child closed").isFalse();
    names.exitObject();

    // when / then: the outer object has only "a"; its closed child's names are forgotten
    assertThat(names.add("b")).isTrue();
    assertThat(names.add("a")).isFalse();
    names.enterObject();
    assertThat(names.add("a")).as("a new sibling object starts empty").isTrue();
  }

  @ParameterizedTest(name = "{0} names")
  @ValueSource(
      ints = {
        UniqueNames.LINEAR_LIMIT - 1,
        UniqueNames.LINEAR_LIMIT,
        UniqueNames.LINEAR_LIMIT + 1,
        1_000
      })
  void shouldFindARepeatAmongManyNames(int count) {
    // given an object of many distinct names inside another, and a small object inside it
    UniqueNames names = new UniqueNames();
    names.enterObject();
    assertThat(names.add("outer")).isTrue();
    names.enterObject();
    for (int i = 0; i < count; i++) {
      assertThat(names.add("n" + i)).isTrue();
    }
    names.enterObject();
    assertThat(names.add("n0")).isTrue();
    assertThat(names.add("n0")).isFalse();
    names.exitObject();

    // when / then every one of them repeated is refused, a new one is not
    for (int i = 0; i < count; i++) {
      assertThat(names.add("n" + i)).as("n%d", i).isFalse();
    }
    assertThat(names.add("outer")).isTrue();
    assertThat(names.add("n" + count)).isTrue();
    names.exitObject();
    assertThat(names.add("n0")).isTrue();
    assertThat(names.add("outer")).isFalse();
  }

  @Test
  void shouldFollowDeepNesting() {
    // given 2,000 nested objects, each with the same name
    UniqueNames names = new UniqueNames();
    for (int depth = 0; depth < 2_000; depth++) {
      names.enterObject();
      assertThat(names.add("x")).isTrue();
    }

    // when / then
    for (int depth = 0; depth < 2_000; depth++) {
      assertThat(names.add("x")).isFalse();
      assertThat(names.add("y" + depth)).isTrue();
      names.exitObject();
    }
  }
}
