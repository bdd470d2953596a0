package dev.identitystream.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitystream.app.CliTestSupport;
import dev.identitystream.app.ExitCodes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * validate-config refuses every configuration run would refuse, naming the key, before connecting.
 */
class ValidateConfigCommandTest {

  @TempDir Path dir;

  private static Map<String, String> valid() {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("bootstrap.servers", "127.0.0.1:9092");
    settings.put(AppConfig.PLAID_BASE_URL_CONFIG, "http://127.0.0.1:8089");
    settings.put(AppConfig.PLAID_CLIENT_ID_CONFIG, "client");
    settings.put(AppConfig.PLAID_SECRET_CONFIG, "s3cret-value");
    return settings;
  }

  private CliTestSupport.Run validate(Map<String, String> settings, String... extra)
      throws IOException {
    Path file = CliTestSupport.configFile(dir, settings);
    String[] args = new String[extra.length + 3];
    args[0] = "validate-config";
    args[1] = "-c";
    args[2] = file.toString();
    System.arraycopy(extra, 0, args, 3, extra.length);
    return CliTestSupport.run(args);
  }

  @Test
  void shouldAcceptAValidConfigurationAndMaskItsSecret() throws IOException {
    CliTestSupport.Run run = validate(valid());
    assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
    assertThat(run.out())
        .contains("plaid.secret=[hidden]")
        .contains("# configuration is valid")
        .doesNotContain("s3cret-value");
  }

  @Test
  void shouldRefuseMissingCredentialsAndNeverReportAnUnsetSecretAsSet() throws IOException {
    // given
    Map<String, String> settings = valid();
    settings.remove(AppConfig.PLAID_CLIENT_ID_CONFIG);
    settings.remove(AppConfig.PLAID_SECRET_CONFIG);

    // when
    CliTestSupport.Run run = validate(settings);

    // then
    assertThat(run.exitCode()).isEqualTo(ExitCodes.CONFIG);
    assertThat(run.err())
        .contains("plaid.client.id: not set")
        .contains("PLAID_CLIENT_ID")
        .contains("plaid.secret: not set")
        .contains("PLAID_SECRET");
    assertThat(run.out()).doesNotContain("plaid.secret=[hidden]");
    assertThat(
            ValidateConfigCommand.masked(
                "plaid.secret", new org.apache.kafka.common.config.types.Password("")))
        .isEmpty();
  }

  @Test
  void shouldRefusePlainHttpToAnotherHostAndOtherSchemes() throws IOException {
    for (String url :
        new String[] {"http://plaid.example.com", "ftp://127.0.0.1/plaid", "not a url"}) {
      Map<String, String> settings = valid();
      settings.put(AppConfig.PLAID_BASE_URL_CONFIG, url);
      CliTestSupport.Run run = validate(settings);
      assertThat(run.exitCode()).as(url).isEqualTo(ExitCodes.CONFIG);
      assertThat(run.err()).as(url).contains("plaid.base.url:");
    }
  }

  @Test
  void shouldRefuseAMalformedOrUnresolvableBootstrapServers() throws IOException {
    Map<String, String> messages =
        Map.of(
            "127.0.0.1", "is not host:port",
            "PLAINTEXT://broker:9092", "is not host:port",
            "broker-1:9092,,localhost:99999", "outside 1..65535",
            "kafka.invalid:9092", "does not resolve");
    for (Map.Entry<String, String> bad : messages.entrySet()) {
      Map<String, String> settings = valid();
      settings.put("bootstrap.servers", bad.getKey());
      CliTestSupport.Run run = validate(settings);
      assertThat(run.exitCode()).as(bad.getKey()).isEqualTo(ExitCodes.CONFIG);
      assertThat(run.err())
          .as(bad.getKey())
          .contains("bootstrap.servers:")
          .contains(bad.getValue());
    }
    Map<String, String> unset = valid();
    unset.remove("bootstrap.servers");
    assertThat(validate(unset).err()).contains("bootstrap.servers: not set");
  }

  @Test
  void shouldSkipTheDnsCheckOnlyWhenAsked() throws IOException {
    Map<String, String> settings = valid();
    settings.put("bootstrap.servers", "kafka.invalid:9092");
    assertThat(validate(settings, "--no-dns").exitCode()).isEqualTo(ExitCodes.OK);
  }

  @Test
  void shouldRefuseUnknownKafkaKeysWithTheNearestKnownKey() throws IOException {
    // given typos of a Kafka key, of one of ours under Kafka Streams' topic. prefix, and of a
    // prefixed key
    Map<String, String> settings = valid();
    settings.put("bootstrap.server", "127.0.0.1:9092");
    settings.put("topic.acounts", "accounts");
    settings.put("producer.bach.size", "1000");
    settings.put("some.other.tool.key", "x");

    // when
    CliTestSupport.Run run = validate(settings);

    // then
    assertThat(run.exitCode()).isEqualTo(ExitCodes.CONFIG);
    assertThat(run.err())
        .contains("4 problem(s)")
        .contains(
            "bootstrap.server: not a setting of this job nor of Kafka; did you mean bootstrap.servers?")
        .contains(
            "topic.acounts: not a setting of this job nor of Kafka; did you mean topic.accounts?")
        .contains(
            "producer.bach.size: not a setting of this job nor of Kafka; did you mean producer.batch.size?")
        .contains("some.other.tool.key: not a setting of this job nor of Kafka\n");
  }

  @Test
  void shouldAcceptKafkaKeysThatShareOurPrefixesAndPrefixedKafkaKeys() throws IOException {
    Map<String, String> settings = valid();
    settings.put("metrics.recording.level", "DEBUG");
    settings.put("topic.segment.bytes", "1048576");
    settings.put("main.consumer.max.poll.records", "100");
    settings.put("client.tag.zone", "eu-1");
    CliTestSupport.Run run = validate(settings);
    assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
    assertThat(run.out()).contains("metrics.recording.level=DEBUG");
  }

  @Test
  void shouldRefuseClientSettingsThatKafkaRefusesWhenTheJobBuildsItsClients() throws IOException {
    Map<String, String> messages =
        Map.of(
            "acks", "Invalid value 2 for configuration acks",
            "producer.acks", "Invalid value banana for configuration acks",
            "consumer.max.poll.records", "Invalid value 0 for configuration max.poll.records",
            "main.consumer.auto.offset.reset",
                "Invalid value sideways for configuration auto.offset.reset");
    Map<String, String> values =
        Map.of(
            "acks", "2",
            "producer.acks", "banana",
            "consumer.max.poll.records", "0",
            "main.consumer.auto.offset.reset", "sideways");
    for (Map.Entry<String, String> bad : values.entrySet()) {
      // given a value StreamsConfig lets through but the consumer or producer refuses
      Map<String, String> settings = valid();
      settings.put(bad.getKey(), bad.getValue());

      // when
      CliTestSupport.Run run = validate(settings);

      // then
      assertThat(run.exitCode()).as(bad.getKey()).isEqualTo(ExitCodes.CONFIG);
      assertThat(run.err())
          .as(bad.getKey())
          .contains("1 problem(s)")
          .contains(messages.get(bad.getKey()));
    }
  }

  @Test
  void shouldRefuseASecurityProtocolWhoseSetupCannotBeBuiltUnlessAskedNotTo() throws IOException {
    // given SASL without a JAAS entry (run would fail creating its admin client)
    Map<String, String> settings = valid();
    settings.put("security.protocol", "SASL_PLAINTEXT");

    // when
    CliTestSupport.Run run = validate(settings);

    // then
    assertThat(run.exitCode()).isEqualTo(ExitCodes.CONFIG);
    assertThat(run.err())
        .contains("security.protocol: the main consumer cannot set up SASL_PLAINTEXT")
        .contains("JAAS")
        .doesNotContain("KafkaAdminClient")
        .doesNotContain("Exception");
    assertThat(validate(settings, "--no-dns").exitCode()).isEqualTo(ExitCodes.OK);
  }

  @Test
  void shouldRefuseAnUnknownAppKeyWithTheNearestOne() throws IOException {
    Map<String, String> settings = valid();
    settings.put("plaid.max.inflight", "5");
    CliTestSupport.Run run = validate(settings);
    assertThat(run.exitCode()).isEqualTo(ExitCodes.CONFIG);
    assertThat(run.err())
        .contains("plaid.max.inflight")
        .contains("did you mean plaid.max.in.flight?");
  }

  @Test
  void shouldRefuseAStageWaitLongerThanKafkaAllowsAsTheJobWould() throws IOException {
    Map<String, String> settings = valid();
    settings.put(AppConfig.STAGE_MAX_BLOCK_MS_CONFIG, "100000");
    CliTestSupport.Run run = validate(settings);
    assertThat(run.exitCode()).isEqualTo(ExitCodes.CONFIG);
    assertThat(run.err())
        .contains("stage.max.block.ms=100000 must be at most a quarter of max.poll.interval.ms");
  }

  @Test
  void shouldListEveryProblemAtOnce() throws IOException {
    Map<String, String> settings = valid();
    settings.remove(AppConfig.PLAID_SECRET_CONFIG);
    settings.put(AppConfig.PLAID_BASE_URL_CONFIG, "http://plaid.example.com");
    settings.put("bootstrap.servers", "nonsense");
    CliTestSupport.Run run = validate(settings);
    assertThat(run.err())
        .contains("3 problem(s)")
        .contains("plaid.secret")
        .contains("plaid.base.url")
        .contains("bootstrap.servers");
  }
}
