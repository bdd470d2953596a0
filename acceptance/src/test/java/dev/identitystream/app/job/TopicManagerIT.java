package dev.identitystream.app.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.identitystream.local.KafkaBrokerExtension;
import dev.identitystream.local.TestClients;
import dev.identitystream.topology.Topics;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TopicManagerIT {

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  private static Topics uniqueTopics() {
    String p = TestClients.uniqueName("tm");
    return new Topics(
        p + "-requests", p + "-accounts", p + "-items", p + "-item-errors", p + "-dlq");
  }

  @Test
  void shouldCreateMissingTopicsWithTheItemsTopicCompacted() throws Exception {
    Topics topics = uniqueTopics();
    TopicManager.ensure(
        Map.of("bootstrap.servers", KAFKA.bootstrapServers()),
        topics,
        new TopicManager.Creation(true, 2, (short) -1, 2_000_000),
        "tm-changelog");
    try (Admin admin = KAFKA.broker().createAdmin()) {
      Set<String> names = admin.listTopics().names().get();
      assertThat(names)
          .contains(
              topics.requests(),
              topics.accounts(),
              topics.items(),
              topics.itemErrors(),
              topics.dlq());
      ConfigResource items = new ConfigResource(ConfigResource.Type.TOPIC, topics.items());
      Config config = admin.describeConfigs(List.of(items)).all().get().get(items);
      assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
      assertThat(config.get("max.message.bytes").value()).isEqualTo("2000000");
      assertThat(
              admin
                  .describeTopics(List.of(topics.accounts()))
                  .allTopicNames()
                  .get()
                  .get(topics.accounts())
                  .partitions())
          .hasSize(2);
    }
    // a second start finds them, changes nothing, and reports each output topic's record limit
    Map<String, Integer> limits =
        TopicManager.ensure(
            Map.of("bootstrap.servers", KAFKA.bootstrapServers()),
            topics,
            new TopicManager.Creation(false, 2, (short) -1, 2_000_000),
            "tm-changelog");
    assertThat(limits).containsOnlyKeys(topics.outputs()).containsValue(2_000_000);
  }

  @Test
  void shouldCreateAMissingBulkTopicWithTheLiveTopicsPartitionCount() throws Exception {
    // given: an existing live topic of 3 partitions, and a default of 6 for new topics
    Topics topics = uniqueTopics();
    KAFKA.broker().createTopic(topics.requests(), 3);
    // when
    TopicManager.ensure(
        Map.of("bootstrap.servers", KAFKA.bootstrapServers()),
        topics,
        new TopicManager.Creation(true, 6, (short) -1, 2_000_000),
        "tm-changelog");
    // then: the bulk topic is co-partitioned with the live one (a key's requests meet in one task)
    try (Admin admin = KAFKA.broker().createAdmin()) {
      assertThat(
              admin
                  .describeTopics(List.of(topics.bulkRequests()))
                  .allTopicNames()
                  .get()
                  .get(topics.bulkRequests())
                  .partitions())
          .hasSize(3);
      assertThat(
              admin
                  .describeTopics(List.of(topics.dlq()))
                  .allTopicNames()
                  .get()
                  .get(topics.dlq())
                  .partitions())
          .hasSize(6);
      assertThat(TopicManager.inputPartitions(admin, topics)).isEqualTo(3);
    }
  }

  @Test
  void shouldNameTheMissingTopicsWhenItMayNotCreateThem() {
    Topics topics = uniqueTopics();
    assertThatThrownBy(
            () ->
                TopicManager.ensure(
                    Map.of("bootstrap.servers", KAFKA.bootstrapServers()),
                    topics,
                    new TopicManager.Creation(false, 1, (short) -1, 2_000_000),
                    "tm-changelog"))
        .isInstanceOf(TopicManager.MissingTopicsException.class)
        .hasMessageContaining(topics.requests())
        .hasMessageContaining(topics.dlq())
        .hasMessageContaining("topics.create=false");
  }
}
