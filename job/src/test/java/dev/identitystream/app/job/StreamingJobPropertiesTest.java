package dev.identitystream.app.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.identitystream.app.config.AppConfig;
import dev.identitystream.topology.PollSignal;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class StreamingJobPropertiesTest {

  private static Properties propertiesWith(Map<String, String> extra) {
    Map<String, String> settings = new HashMap<>();
    settings.put("bootstrap.servers", "127.0.0.1:9092");
    settings.put(AppConfig.PLAID_CLIENT_ID_CONFIG, "id");
    settings.put(AppConfig.PLAID_SECRET_CONFIG, "secret");
    settings.putAll(extra);
    return StreamingJob.streamsProperties(new AppConfig(settings));
  }

  @Test
  void shouldUseLargeProducerBatchesByDefault() {
    assertThat(propertiesWith(Map.of())).containsEntry("producer.batch.size", 131072);
  }

  @Test
  void shouldLeaveTheBatchSizeToTheUserWhenTheySetOne() {
    // a prefixed default would win over the user's plain batch.size inside Kafka Streams
    assertThat(propertiesWith(Map.of("batch.size", "32768")))
        .containsEntry("batch.size", "32768")
        .doesNotContainKey("producer.batch.size");
    assertThat(propertiesWith(Map.of("producer.batch.size", "65536")))
        .containsEntry("producer.batch.size", "65536");
  }

  @Test
  void shouldNotIdleTasksForAnEmptyInputPartitionUnlessTheUserAsks() {
    assertThat(propertiesWith(Map.of())).containsEntry("max.task.idle.ms", -1L);
    assertThat(propertiesWith(Map.of("max.task.idle.ms", "500")))
        .containsEntry("max.task.idle.ms", "500");
  }

  @Test
  void shouldDefaultToExactlyOnce() {
    assertThat(propertiesWith(Map.of())).containsEntry("processing.guarantee", "exactly_once_v2");
  }

  @Test
  void shouldLetTheJobWriteWhateverItAcceptsByDefault() {
    // the largest answer (2 MiB) or input (1 MiB), plus room for the fields around it
    Properties properties = propertiesWith(Map.of());
    assertThat(properties).containsEntry("producer.max.request.size", 2 * 1024 * 1024 + 64 * 1024);
    assertThat(properties).containsEntry("topic.max.message.bytes", 2 * 1024 * 1024 + 64 * 1024);
    assertThat(propertiesWith(Map.of(AppConfig.PLAID_MAX_RESPONSE_BYTES_CONFIG, "5000000")))
        .containsEntry("producer.max.request.size", 5_000_000 + 64 * 1024);
    assertThat(propertiesWith(Map.of("max.request.size", "1048576")))
        .containsEntry("max.request.size", "1048576")
        .doesNotContainKey("producer.max.request.size");
  }

  @Test
  void shouldInstallThePollSignalAfterTheUsersInterceptors() {
    assertThat(propertiesWith(Map.of()))
        .containsEntry("main.consumer.interceptor.classes", PollSignal.class.getName());
    assertThat(
            propertiesWith(
                Map.of("consumer.interceptor.classes", "com.example.Audit, com.example.Trace")))
        .containsEntry(
            "main.consumer.interceptor.classes",
            "com.example.Audit,com.example.Trace," + PollSignal.class.getName());
    assertThat(
            propertiesWith(Map.of("main.consumer.interceptor.classes", PollSignal.class.getName())))
        .containsEntry("main.consumer.interceptor.classes", PollSignal.class.getName());
  }

  @Test
  void shouldRefuseAWaitBudgetNotWellUnderThePollIntervalOrTheTransactionTimeout() {
    // fine by default (1 s against 300 s and 10 s)
    assertThatCode(() -> check(Map.of())).doesNotThrowAnyException();
    // too close to max.poll.interval.ms
    assertThatThrownBy(() -> check(Map.of("max.poll.interval.ms", "3000")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("stage.max.block.ms=1000")
        .hasMessageContaining("max.poll.interval.ms (3000)");
    // too close to the transaction timeout under exactly-once, fine under at-least-once
    assertThatThrownBy(() -> check(Map.of("stage.max.block.ms", "5000")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("transaction.timeout.ms (10000");
    assertThatCode(
            () ->
                check(
                    Map.of("stage.max.block.ms", "5000", "processing.guarantee", "at_least_once")))
        .doesNotThrowAnyException();
    assertThatCode(
            () ->
                check(
                    Map.of(
                        "stage.max.block.ms", "5000", "producer.transaction.timeout.ms", "60000")))
        .doesNotThrowAnyException();
    // zero would turn backpressure off
    assertThatThrownBy(() -> check(Map.of("stage.max.block.ms", "0")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("stage.max.block.ms");
  }

  private static void check(Map<String, String> extra) {
    Map<String, String> settings = new HashMap<>();
    settings.put("bootstrap.servers", "127.0.0.1:9092");
    settings.putAll(extra);
    AppConfig config = new AppConfig(settings);
    StreamingJob.checkStageTimings(config, StreamingJob.streamsProperties(config));
  }
}
