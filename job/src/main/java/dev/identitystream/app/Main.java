package dev.identitystream.app;

import dev.identitystream.app.backfill.BackfillCommand;
import dev.identitystream.app.config.ValidateConfigCommand;
import dev.identitystream.app.input.EnqueueCommand;
import dev.identitystream.app.job.KafkaReachability;
import dev.identitystream.app.job.RunCommand;
import dev.identitystream.app.job.TopicManager;
import dev.identitystream.app.observability.BuildInfo;
import dev.identitystream.app.observability.LogSettings;
import dev.identitystream.app.topics.RedriveCommand;
import dev.identitystream.app.topics.TailCommand;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command line: {@code java -jar plaid-identity-stream.jar <command> [options]}.
 *
 * <p>The job's own commands are declared here; more come from every {@link CliExtension} on the
 * class path (the devkit adds demo, broker, emulator, record and replay). The runtime jar has only
 * the job's.
 *
 * <p>Lifecycle contract: this is the only class that calls {@code System.exit}. Every command
 * returns its exit code ({@link ExitCodes}); long-running commands turn SIGINT and SIGTERM into a
 * clean stop and return 0. Exceptions that escape a command are printed in words (no class names)
 * and mapped: invalid configuration 3, Kafka unreachable or topics missing 4, anything else 1.
 */
@Command(
    name = "plaid-identity-stream",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description =
        "Kafka Streams job: identity requests to Plaid /identity/documents/uploads/get results.",
    exitCodeListHeading = "Exit codes (every command; its --help says which apply):%n",
    exitCodeList = {
      "0:done, or stopped cleanly (SIGTERM, Ctrl-C)",
      "1:failed while running",
      "2:bad usage (no command, unknown option, missing argument)",
      "3:invalid configuration (the message names the key)",
      "4:Kafka unreachable, or topics missing and not creatable",
      "5:invalid input (enqueue, record, replay)"
    },
    subcommands = {
      RunCommand.class,
      EnqueueCommand.class,
      TailCommand.class,
      RedriveCommand.class,
      BackfillCommand.class,
      ValidateConfigCommand.class
    })
public final class Main implements Callable<Integer> {

  /** The devkit's commands: in the full CLI jar, not in the runtime jar. */
  private static final List<String> DEVKIT_COMMANDS =
      List.of("demo", "broker", "emulator", "record", "replay");

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    // Before anything creates a logger: a bad PIS_LOG_FORMAT / PIS_LOG_LEVEL would turn logging
    // off.
    String logProblem = LogSettings.apply(System.getenv(), System.getProperties());
    if (logProblem != null) {
      System.err.println("Invalid configuration: " + logProblem);
      System.exit(ExitCodes.CONFIG);
    }
    System.exit(execute(args));
  }

  /** Runs a command and returns its exit code (never calls System.exit). */
  public static int execute(String... args) {
    return execute(null, null, args);
  }

  /**
   * Runs a command writing to the given streams (null: the standard ones); returns its exit code.
   */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new Main());
    for (CliExtension extension :
        ServiceLoader.load(CliExtension.class, Main.class.getClassLoader())) {
      extension.commands().forEach(cli::addSubcommand);
    }
    cli.addSubcommand(new CommandLine.HelpCommand());
    if (out != null) {
      cli.setOut(out);
    }
    if (err != null) {
      cli.setErr(err);
    }
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.registerConverter(Instant.class, Main::instant);
    useVersionEverywhere(cli, new Version());
    CommandLine.IParameterExceptionHandler usage = cli.getParameterExceptionHandler();
    cli.setParameterExceptionHandler(
        (e, arguments) ->
            usage.handleParseException(
                e.getMessage().contains("option option '") // picocli's wording for a KEY=VALUE
                    ? new CommandLine.ParameterException(
                        e.getCommandLine(), e.getMessage().replace("option option '", "option '"))
                    : e,
                arguments));
    String unknown = unknownCommand(cli, args);
    if (unknown != null) {
      PrintWriter console = cli.getErr();
      console.println(unknown);
      console.flush();
      return ExitCodes.USAGE;
    }
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          PrintWriter console = commandLine.getErr();
          int code = exitCodeOf(e);
          String prefix =
              switch (code) {
                case ExitCodes.CONFIG -> "Invalid configuration: ";
                case ExitCodes.UNAVAILABLE -> "Kafka is not ready for the job: ";
                default -> "Failed: ";
              };
          console.println(
              prefix + (code == ExitCodes.FAILURE ? ErrorText.describe(e) : ownMessage(e)));
          console.flush();
          return code;
        });
    return cli.execute(args);
  }

  /**
   * The complaint about a first argument that is neither an option nor a command, else null.
   * Checked before picocli parses: picocli answers {@code demo --help} or {@code demo -V} with the
   * root's help or version and exit 0 when there is no {@code demo} command (the runtime jar).
   */
  static String unknownCommand(CommandLine cli, String... args) {
    if (args.length == 0 || args[0].startsWith("-") || cli.getSubcommands().containsKey(args[0])) {
      return null;
    }
    List<String> commands =
        cli.getSubcommands().keySet().stream().filter(name -> !name.equals("help")).toList();
    String where =
        DEVKIT_COMMANDS.contains(args[0]) && !commands.contains(args[0])
            ? ": it is a development command of the full CLI jar (target/plaid-identity-stream.jar);"
                + " this jar has only the job's commands, "
            : "; the commands are ";
    return "Unknown command '"
        + args[0]
        + "'"
        + where
        + String.join(", ", commands)
        + " (each with --help).";
  }

  /** {@code --at} and other instants, refused in words (picocli's own message names classes). */
  private static Instant instant(String value) {
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new CommandLine.TypeConversionException(
          "'" + value + "' is not an instant: use UTC like 2026-01-01T00:00:00Z");
    }
  }

  /** Exceptions that escape a command, to exit codes. */
  static int exitCodeOf(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ConfigException) {
        return ExitCodes.CONFIG;
      }
      if (t instanceof TopicManager.MissingTopicsException
          || t instanceof KafkaReachability.UnreachableException) {
        return ExitCodes.UNAVAILABLE;
      }
    }
    return ExitCodes.FAILURE;
  }

  /** The message of the exception that decided the exit code (it says everything: no causes). */
  private static String ownMessage(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ConfigException
          || t instanceof TopicManager.MissingTopicsException
          || t instanceof KafkaReachability.UnreachableException) {
        return t.getMessage();
      }
    }
    return ErrorText.describe(e);
  }

  /** No command: the usage on stderr and exit 2 (a script that forgot the command fails). */
  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    err.println("Missing command.");
    spec.commandLine().usage(err);
    err.flush();
    return ExitCodes.USAGE;
  }

  /** Every command answers -V / --version with the same text, the version in the pom. */
  private static void useVersionEverywhere(
      CommandLine command, CommandLine.IVersionProvider version) {
    command.getCommandSpec().versionProvider(version);
    command.getSubcommands().values().forEach(sub -> useVersionEverywhere(sub, version));
  }

  /** The version the build wrote into the jar ({@link BuildInfo#version}). */
  static String version() {
    return BuildInfo.version();
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"plaid-identity-stream " + version()};
    }
  }
}
