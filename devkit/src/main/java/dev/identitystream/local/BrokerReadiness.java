package dev.identitystream.local;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;

/** Waits until a broker answers {@code DescribeCluster} with at least one node. */
final class BrokerReadiness {

  private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration PAUSE = Duration.ofMillis(50);

  private BrokerReadiness() {}

  /**
   * Returns once the broker at {@code bootstrapServers} lists a node.
   *
   * @param stillStarting checked between attempts; false (the process died) fails at once
   * @throws IllegalStateException if the broker is not ready within {@code timeout}, or gave up
   */
  static void await(String bootstrapServers, Duration timeout, BooleanSupplier stillStarting) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, Object> config =
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
            (int) ATTEMPT_TIMEOUT.toMillis(),
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
            (int) ATTEMPT_TIMEOUT.toMillis(),
            AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG,
            50,
            AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG,
            200,
            AdminClientConfig.RETRY_BACKOFF_MS_CONFIG,
            50);
    try (Admin admin = Admin.create(config)) {
      while (true) {
        if (!stillStarting.getAsBoolean()) {
          throw new IllegalStateException("the broker stopped while starting");
        }
        if (listsANode(admin)) {
          return;
        }
        if (System.nanoTime() - deadline > 0) {
          throw new IllegalStateException(
              "the broker at " + bootstrapServers + " was not ready within " + timeout);
        }
        LockSupport.parkNanos(PAUSE.toNanos());
      }
    }
  }

  private static boolean listsANode(Admin admin) {
    try {
      Collection<Node> nodes =
          admin.describeCluster().nodes().get(ATTEMPT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      return !nodes.isEmpty();
    } catch (ExecutionException | TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the broker", e);
    }
  }
}
