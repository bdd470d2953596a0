package dev.identitystream.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The example in docs/testing.md is {@link ReplayExampleTest}, which runs: the example cannot rot.
 */
class DocsExampleTest {

  private static final Path DOCS = Path.of("../docs/testing.md");
  private static final Path EXAMPLE =
      Path.of("src/test/java/dev/identitystream/testkit/ReplayExampleTest.java");

  @Test
  void shouldShowReplayExampleTestInTheTestingDocs() throws IOException {
    // given the example test from its class declaration on
    String source = Files.readString(EXAMPLE);
    String example = source.substring(source.indexOf("class ReplayExampleTest")).strip();

    // when the docs' Java block holding it is read
    Matcher block =
        Pattern.compile("```java\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(DOCS));
    String shown = null;
    while (block.find()) {
      if (block.group(1).contains("class ReplayExampleTest")) {
        shown = block.group(1).strip();
      }
    }

    // then it is the same text
    assertThat(shown).as("a ```java block with class ReplayExampleTest in " + DOCS).isNotNull();
    assertThat(shown).isEqualTo(example);
    assertThat(Files.readString(DOCS))
        .as("the imports are named")
        .contains("dev.identitystream.testkit.CassetteReplay");
  }
}
