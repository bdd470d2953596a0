package dev.identitystream.app.job;

import dev.identitystream.app.ErrorText;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says, in one log line at start, when the application's consumer group still has members: after a
 * crash or {@code kill -9} (no clean close, so no leave), Kafka assigns the old member's tasks only
 * when its session expires, and without this line a start sits in REBALANCING with no reason given.
 * A clean close leaves the group ({@link StreamingJob#close()}), so a normal restart finds it empty
 * and logs nothing. Best effort: any failure to describe the group is ignored.
 */
final class PreviousMembers {

  private static final Logger LOG = LoggerFactory.getLogger(PreviousMembers.class);
  private static final int DEFAULT_SESSION_TIMEOUT_MS = 45_000;

  private PreviousMembers() {}

  /** Describes the group {@code application.id} and logs one line if it has members. */
  static void logIfAny(Map<String, Object> adminProps, Map<String, Object> streamsProps) {
    String groupId = String.valueOf(streamsProps.get(StreamsConfig.APPLICATION_ID_CONFIG));
    try (Admin admin = Admin.create(adminProps)) {
      ConsumerGroupDescription group =
          admin
              .describeConsumerGroups(
                  List.of(groupId), new DescribeConsumerGroupsOptions().timeoutMs(5_000))
              .describedGroups()
              .get(groupId)
              .get(6, TimeUnit.SECONDS);
      if (!group.members().isEmpty()) {
        LOG.info(message(groupId, group.members(), sessionTimeoutOf(streamsProps)));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.debug("Could not describe group {}: {}", groupId, ErrorText.describe(e));
    }
  }

  static String message(
      String groupId, java.util.Collection<MemberDescription> members, String sessionTimeout) {
    String hosts =
        members.stream()
            .map(MemberDescription::host)
            .distinct()
            .sorted()
            .collect(Collectors.joining(", "));
    return "The group "
        + groupId
        + " still has "
        + members.size()
        + " member(s) from before this start (host "
        + hosts
        + "); if that instance is gone (killed or crashed, so it did not leave), Kafka assigns its"
        + " tasks here only after its session expires (session.timeout.ms="
        + sessionTimeout
        + "): the job stays REBALANCING until then";
  }

  private static String sessionTimeoutOf(Map<String, Object> streamsProps) {
    for (String key :
        List.of(
            StreamsConfig.mainConsumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG),
            StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG),
            ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG)) {
      Object value = streamsProps.get(key);
      if (value != null) {
        return value.toString();
      }
    }
    return Integer.toString(DEFAULT_SESSION_TIMEOUT_MS);
  }
}
