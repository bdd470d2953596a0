package dev.identitystream.app;

import java.util.List;

/**
 * More subcommands for {@link Main}, found with {@link java.util.ServiceLoader} (a {@code
 * META-INF/services/dev.identitystream.app.CliExtension} entry). The devkit adds its commands this
 * way, so the job's runtime jar carries none of them and the full jar carries all.
 */
public interface CliExtension {

  /** Picocli command objects, in the order {@code --help} lists them (after the job's own). */
  List<Object> commands();
}
