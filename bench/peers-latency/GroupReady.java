package bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.GroupState;

/**
 * The peer is ready when its consumer group (Parallel Consumer's group.id, the job's application.id; both use the
 * classic protocol) is STABLE and its members hold every partition of the input topic: from then on a request
 * produced is fetched by a peer that has started, not queued behind its start-up.
 */
final class GroupReady {
  private GroupReady() {}

  /** Waits (Admin, every 100 ms) until ready; false if the peer's process ended or the timeout passed. */
  static boolean await(Admin admin, String group, String topic, int partitions, int peerPid, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!Files.exists(Path.of("/proc/" + peerPid))) {
        return false;
      }
      if (assigned(admin, group, topic) == partitions) {
        return true;
      }
      Thread.sleep(100);
    }
    return false;
  }

  /** Partitions of the topic held by the group's members while it is STABLE; 0 otherwise (or not there yet). */
  private static long assigned(Admin admin, String group, String topic) {
    try {
      ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
      if (d == null || d.groupState() != GroupState.STABLE) {
        return 0;
      }
      return d.members().stream()
          .flatMap(m -> m.assignment().topicPartitions().stream())
          .filter(tp -> tp.topic().equals(topic))
          .count();
    } catch (Exception e) {
      return 0;
    }
  }
}
