package dev.identitystream.plaid;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Names the threads of the Plaid transports: daemon threads {@code plaid-http-<client>-<n>}. */
final class TransportThreads {

  private static final AtomicInteger CLIENTS = new AtomicInteger();

  private TransportThreads() {}

  /** The prefix of one new client's threads, {@code plaid-http-<client>}. */
  static String newPrefix() {
    return "plaid-http-" + CLIENTS.incrementAndGet();
  }

  /** Daemon threads named {@code <prefix>-<n>}. */
  static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + "-" + n.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
