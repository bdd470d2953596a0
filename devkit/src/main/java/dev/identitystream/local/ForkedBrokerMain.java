package dev.identitystream.local;

import java.io.IOException;
import java.io.InputStream;

/**
 * Main class of the JVM that {@link ForkedKafkaBroker} starts: runs {@code kafka.Kafka
 * server.properties} and exits (gracefully, through Kafka's shutdown hook) when its standard input
 * closes, which happens when the parent process dies. No orphan broker outlives a killed test run.
 */
public final class ForkedBrokerMain {

  private ForkedBrokerMain() {}

  /** Arguments as for {@code kafka.Kafka}: the path of {@code server.properties}. */
  public static void main(String[] args) {
    Thread watcher = new Thread(ForkedBrokerMain::exitWhenParentGoes, "parent-watcher");
    watcher.setDaemon(true);
    watcher.start();
    kafka.Kafka.main(args);
  }

  private static void exitWhenParentGoes() {
    InputStream in = System.in;
    byte[] buffer = new byte[256];
    try {
      while (in.read(buffer) != -1) {
        // The parent never writes; anything it sends is ignored.
      }
    } catch (IOException e) {
      // A broken pipe means the parent is gone too.
    }
    System.exit(0);
  }
}
