package dev.identitystream.app;

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
    return new Topics(p + "-requests", p + "-accounts", p + "-items", p + "-item-errors", p + "-dlq");
  }

  @Test
  void shouldCreateMissingTopicsWithTheItemsTopicCompacted() throws Exception {
    Topics topics = uniqueTopics();
    TopicManager.ensure(Map.of("bootstrap.servers", KAFKA.bootstrapServers()), topics, true, 2, (short) -1);
    try (Admin admin = KAFKA.broker().createAdmin()) {
      Set<String> names = admin.listTopics().names().get();
      assertThat(names).contains(topics.requests(), topics.accounts(), topics.items(), topics.itemErrors(), topics.dlq());
      ConfigResource items = new ConfigResource(ConfigResource.Type.TOPIC, topics.items());
      Config config = admin.describeConfigs(List.of(items)).all().get().get(items);
      assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
      assertThat(admin.describeTopics(List.of(topics.accounts())).allTopicNames().get().get(topics.accounts()).partitions()).hasSize(2);
    }
    // a second start finds them and changes nothing
    TopicManager.ensure(Map.of("bootstrap.servers", KAFKA.bootstrapServers()), topics, false, 2, (short) -1);
  }

  @Test
  void shouldNameTheMissingTopicsWhenItMayNotCreateThem() {
    Topics topics = uniqueTopics();
    assertThatThrownBy(
            () -> TopicManager.ensure(Map.of("bootstrap.servers", KAFKA.bootstrapServers()), topics, false, 1, (short) -1))
        .isInstanceOf(TopicManager.MissingTopicsException.class)
        .hasMessageContaining(topics.requests())
        .hasMessageContaining(topics.dlq())
        .hasMessageContaining("topics.create=false");
  }
}
