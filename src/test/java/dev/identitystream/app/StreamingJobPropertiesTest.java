package dev.identitystream.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
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
    assertThat(propertiesWith(Map.of("producer.batch.size", "65536"))).containsEntry("producer.batch.size", "65536");
  }

  @Test
  void shouldDefaultToExactlyOnce() {
    assertThat(propertiesWith(Map.of())).containsEntry("processing.guarantee", "exactly_once_v2");
  }
}
