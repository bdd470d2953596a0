package dev.identitystream.plaid;

import java.util.List;

/** The candidate transports of the HTTP client comparison (issue #13), by name, for the harness. */
public final class BenchTransports {

  /** Every candidate, in the order the harness runs them by default. */
  public static final List<String> NAMES =
      List.of("jdk", "jdk-fj2", "jdk-direct", "jetty", "apache", "reactor-netty", "vertx", "ahc");

  private BenchTransports() {}

  /** An {@link HttpPlaidClient} (the job's classification and parsing) on the named transport. */
  public static HttpPlaidClient client(String name, PlaidClientConfig config) {
    return new HttpPlaidClient(config, transport(name, config));
  }

  private static PlaidTransport transport(String name, PlaidClientConfig config) {
    int maxConnections = config.maxConnections();
    switch (name) {
      case "jdk": // as the job ran it before: a fixed pool of ioThreads threads
      case "jdk-fj2": // the same, run with -Djava.util.concurrent.ForkJoinPool.common.parallelism=2
        return new JdkTransport(config);
      case "jdk-direct": // tuned: completions run on the client's selector thread, no hand-off
        return new JdkTransport(config, Runnable::run);
      case "jetty":
        return new JettyTransport(config, maxConnections);
      case "apache":
        return new ApacheTransport(config); // the job's default transport
      case "reactor-netty":
        return new ReactorNettyTransport(config, maxConnections);
      case "vertx":
        return new VertxTransport(config, maxConnections);
      case "ahc":
        return new AhcTransport(config, maxConnections);
      default:
        throw new IllegalArgumentException("unknown transport " + name + "; one of " + NAMES);
    }
  }
}
