package dev.identitystream.app;

/** The CLI's exit codes. */
public final class ExitCodes {

  /** Finished normally (or stopped cleanly by SIGTERM). */
  public static final int OK = 0;

  /** The job failed while running (a stream thread died, a demo check failed). */
  public static final int FAILURE = 1;

  /** Bad usage: unknown option, missing argument (picocli's own code). */
  public static final int USAGE = 2;

  /** Invalid configuration: the message names the key. */
  public static final int CONFIG = 3;

  /** Kafka not reachable, or topics missing and not creatable. */
  public static final int UNAVAILABLE = 4;

  /** Invalid input (enqueue: unreadable file, or invalid lines with --strict). */
  public static final int INPUT = 5;

  private ExitCodes() {}
}
