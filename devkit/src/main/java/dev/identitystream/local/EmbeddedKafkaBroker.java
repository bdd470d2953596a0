package dev.identitystream.local;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;

/**
 * A real single-node KRaft broker (broker and controller roles) running inside this JVM, on free
 * ports of 127.0.0.1 unless told otherwise. Consumer groups, transactions and exactly_once_v2 Kafka
 * Streams apps work on it.
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
 *   broker.createTopic("identity-items", 3, LocalKafkaBroker.COMPACTED);
 *   run(broker.bootstrapServers());
 * }
 * }</pre>
 *
 * <p>Caveat of running in-process: on a fatal metadata error Kafka halts the JVM, as a real broker
 * would halt its own. Use {@link ForkedKafkaBroker} to isolate it.
 *
 * <p>Threading: {@link #start} and {@link #close} may be called from any thread; {@link #close} is
 * idempotent. {@link #bootstrapServers} is safe from any thread.
 */
public final class EmbeddedKafkaBroker implements LocalKafkaBroker {

  private final KraftNode node;
  private final KafkaRaftServer server;
  private final AtomicBoolean closed = new AtomicBoolean();

  private EmbeddedKafkaBroker(KraftNode node, KafkaRaftServer server) {
    this.node = node;
    this.server = server;
  }

  /** Starts a broker in a temporary directory, deleted on close; returns once it is ready. */
  public static EmbeddedKafkaBroker start() {
    return start(BrokerOptions.defaults());
  }

  /**
   * Starts a broker as {@code options} say and returns once it answers clients.
   *
   * @throws IllegalStateException if it does not become ready within the start timeout
   */
  public static EmbeddedKafkaBroker start(BrokerOptions options) {
    KraftNode node = KraftNode.prepare(options);
    KafkaRaftServer server;
    try {
      KafkaConfig config = KafkaConfig.fromProps(node.serverProperties(), false);
      server = new KafkaRaftServer(config, Time.SYSTEM);
    } catch (RuntimeException e) {
      node.deleteWorkDirIfOwned();
      throw e;
    }
    EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(node, server);
    try {
      server.startup();
      BrokerReadiness.await(node.bootstrapServers(), options.startTimeout(), () -> true);
      return broker;
    } catch (RuntimeException e) {
      broker.close();
      throw e;
    }
  }

  /** Whether {@code workDir} already holds a broker's data (a start there reuses it). */
  public static boolean hasData(Path workDir) {
    return KraftNode.hasData(workDir);
  }

  /**
   * Why a broker cannot start as {@code options} say, in words, or empty: its port (or the
   * controller port recorded in its work directory) is taken, or another broker uses the directory.
   */
  public static java.util.Optional<String> whyCannotStart(BrokerOptions options) {
    if (options.workDir() == null) {
      return java.util.Optional.ofNullable(
          options.port() != 0 && !FreePorts.isFree(options.port())
              ? "port " + options.port() + " on 127.0.0.1 is in use"
              : null);
    }
    return java.util.Optional.ofNullable(
        KraftNode.whyCannotStart(options.workDir().toAbsolutePath(), options.port()));
  }

  @Override
  public String bootstrapServers() {
    return node.bootstrapServers();
  }

  /** The directory holding the configuration and the log dir. */
  public Path workDir() {
    return node.workDir();
  }

  /** Shuts the broker down, waits for it, and deletes its work directory if it is temporary. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      server.shutdown();
      server.awaitShutdown();
    } finally {
      node.deleteWorkDirIfOwned();
    }
  }
}
