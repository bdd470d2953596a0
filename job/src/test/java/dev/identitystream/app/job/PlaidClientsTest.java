package dev.identitystream.app.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.identitystream.app.config.ConfigLoader;
import dev.identitystream.plaid.PlaidClientConfig;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** The HTTP client settings the job derives from its configuration. */
class PlaidClientsTest {

  private static final Map<String, String> CREDENTIALS =
      Map.of("PLAID_CLIENT_ID", "id-1", "PLAID_SECRET", "s3cr3t");

  @Test
  void shouldUseApacheWithAConnectionPerCallInFlightByDefault() {
    // when
    PlaidClientConfig http =
        PlaidClients.httpConfig(
            ConfigLoader.load(null, CREDENTIALS, Map.of("plaid.max.in.flight", "300")));

    // then
    assertThat(http.transport()).isEqualTo(PlaidClientConfig.Transport.APACHE);
    assertThat(http.maxConnections()).isEqualTo(300);
    assertThat(http.ioThreads()).isEqualTo(2);
  }

  @Test
  void shouldSelectTheJdkClientByName() {
    // when
    PlaidClientConfig http =
        PlaidClients.httpConfig(
            ConfigLoader.load(null, CREDENTIALS, Map.of("plaid.http.client", "jdk")));

    // then
    assertThat(http.transport()).isEqualTo(PlaidClientConfig.Transport.JDK);
  }

  @Test
  void shouldRefuseAnUnknownClientNamingTheKey() {
    assertThatThrownBy(
            () -> ConfigLoader.load(null, CREDENTIALS, Map.of("plaid.http.client", "netty")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("plaid.http.client");
  }

  @Test
  void shouldGiveTheHttpClientTheConfiguredIoThreads() {
    // when
    PlaidClientConfig http =
        PlaidClients.httpConfig(
            ConfigLoader.load(null, CREDENTIALS, Map.of("plaid.http.io.threads", "3")));

    // then
    assertThat(http.ioThreads()).isEqualTo(3);
  }

  @Test
  void shouldRefuseZeroIoThreadsNamingTheKey() {
    assertThatThrownBy(
            () -> ConfigLoader.load(null, CREDENTIALS, Map.of("plaid.http.io.threads", "0")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("plaid.http.io.threads");
  }
}
