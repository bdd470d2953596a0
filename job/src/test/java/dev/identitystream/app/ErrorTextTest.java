package dev.identitystream.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.junit.jupiter.api.Test;

/** Console errors say what happened, not which Java class said it. */
class ErrorTextTest {

  @Test
  void shouldJoinTheMessagesOfTheCauseChainWithoutClassNames() {
    Exception wrapped =
        new UncheckedIOException(
            "cannot listen on 127.0.0.1:8089", new BindException("Address already in use"));
    assertThat(ErrorText.describe(wrapped))
        .isEqualTo("cannot listen on 127.0.0.1:8089: address already in use");
  }

  @Test
  void shouldNameAMessagelessCauseInWords() {
    assertThat(ErrorText.describe(new KafkaException(new RecordTooLargeException())))
        .isEqualTo("record too large");
  }

  @Test
  void shouldDropTheClassNameThatWrappersPutInTheirMessage() {
    Exception cause = new IllegalStateException("the broker stopped");
    Exception wrapper =
        new RuntimeException(
            cause); // message: "java.lang.IllegalStateException: the broker stopped"
    assertThat(ErrorText.describe(wrapper)).isEqualTo("the broker stopped");
  }

  @Test
  void shouldSayWhatIsWrongWithAFileInsteadOfRepeatingItsPath() {
    // NoSuchFileException's own message is the bare path
    Exception missing = new UncheckedIOException("cannot read", new NoSuchFileException("a.csv"));
    assertThat(ErrorText.describe(missing))
        .isEqualTo("cannot read: a.csv: no such file or directory");
    assertThat(ErrorText.reason(new NoSuchFileException("a.csv")))
        .isEqualTo("no such file or directory");
    assertThat(ErrorText.reason(new AccessDeniedException("/etc/shadow")))
        .isEqualTo("permission denied");
    assertThat(ErrorText.reason(new FileSystemException("/tmp", null, "Is a directory")))
        .isEqualTo("Is a directory");
    assertThat(ErrorText.reason(new IllegalStateException("the broker stopped")))
        .isEqualTo("the broker stopped");
  }
}
