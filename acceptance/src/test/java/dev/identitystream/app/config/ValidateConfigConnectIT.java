package dev.identitystream.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitystream.app.CliTestSupport;
import dev.identitystream.app.ExitCodes;
import dev.identitystream.app.JobTestSupport;
import dev.identitystream.local.KafkaBrokerExtension;
import dev.identitystream.local.TestClients;
import dev.identitystream.topology.Topics;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * validate-config --connect: the cluster answers, and the job's topics exist or will be created.
 */
class ValidateConfigConnectIT {

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  @TempDir Path dir;

  @Test
  void shouldReportTheTopicsAndRefuseMissingOnesThatRunMayNotCreate() throws Exception {
    // given topics of which only the input exists
    Topics topics = JobTestSupport.uniqueTopics("validate");
    KAFKA.broker().createTopic(topics.requests(), 3);
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("bootstrap.servers", KAFKA.bootstrapServers());
    settings.put(AppConfig.TOPIC_REQUESTS_CONFIG, topics.requests());
    settings.put(AppConfig.TOPIC_ACCOUNTS_CONFIG, topics.accounts());
    settings.put(AppConfig.TOPIC_ITEMS_CONFIG, topics.items());
    settings.put(AppConfig.TOPIC_ITEM_ERRORS_CONFIG, topics.itemErrors());
    settings.put(AppConfig.TOPIC_DLQ_CONFIG, topics.dlq());
    settings.put(AppConfig.PLAID_CLIENT_ID_CONFIG, "client");
    settings.put(AppConfig.PLAID_SECRET_CONFIG, TestClients.uniqueName("secret"));
    Path config = CliTestSupport.configFile(dir, settings);

    // when
    CliTestSupport.Run creatable =
        CliTestSupport.run("validate-config", "-c", config.toString(), "--connect");
    CliTestSupport.Run notCreatable =
        CliTestSupport.run(
            "validate-config",
            "-c",
            config.toString(),
            "--connect",
            "--set",
            "topics.create=false");

    // then
    assertThat(creatable.exitCode()).as(creatable.err()).isEqualTo(ExitCodes.OK);
    assertThat(creatable.out())
        .contains("# Kafka answered at " + KAFKA.bootstrapServers())
        .contains("topic " + topics.requests() + ": exists, 3 partition(s)")
        .contains("topic " + topics.items() + ": missing; run creates it (topics.create=true)");
    assertThat(notCreatable.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(notCreatable.err())
        .contains("missing topics")
        .contains(topics.dlq())
        .contains("topics.create=false");
  }
}
