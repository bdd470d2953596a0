package dev.identitystream.app;

import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The command line: {@code java -jar plaid-identity-stream.jar <command> [options]}. */
@Command(
    name = "plaid-identity-stream",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Kafka Streams job: identity requests to Plaid /identity/documents/uploads/get results.",
    subcommands = {
      RunCommand.class,
      DemoCommand.class,
      EnqueueCommand.class,
      BackfillCommand.class,
      RecordCommand.class,
      ReplayCommand.class,
      dev.identitystream.emulator.EmulatorCommand.class,
      ValidateConfigCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs a command and returns its exit code (never calls System.exit). */
  public static int execute(String... args) {
    return execute(null, null, args);
  }

  /** Runs a command writing to the given streams (null: the standard ones); returns its exit code. */
  public static int execute(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new Main());
    if (out != null) {
      cli.setOut(out);
    }
    if (err != null) {
      cli.setErr(err);
    }
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof ConfigException) {
            commandLine.getErr().println("Invalid configuration: " + e.getMessage());
            return ExitCodes.CONFIG;
          }
          if (e instanceof TopicManager.MissingTopicsException) {
            commandLine.getErr().println("Kafka is not ready for the job: " + e.getMessage());
            return ExitCodes.UNAVAILABLE;
          }
          commandLine.getErr().println("Failed: " + e);
          return ExitCodes.FAILURE;
        });
    return cli.execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Reads the version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Main.class.getPackage().getImplementationVersion();
      return new String[] {"plaid-identity-stream " + (version == null ? "dev" : version)};
    }
  }
}
