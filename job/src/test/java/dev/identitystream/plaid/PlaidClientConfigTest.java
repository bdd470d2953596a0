package dev.identitystream.plaid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PlaidClientConfigTest {

  private static PlaidClientConfig.Builder valid() {
    return PlaidClientConfig.builder().clientId("client").secret(Secret.of("secret-value"));
  }

  @Test
  void shouldDefaultToSandboxWithDocumentedDefaults() {
    // when
    PlaidClientConfig config = valid().build();

    // then
    assertThat(config.baseUrl()).isEqualTo(URI.create("https://sandbox.plaid.com"));
    assertThat(config.endpoint())
        .isEqualTo(URI.create("https://sandbox.plaid.com/identity/documents/uploads/get"));
    assertThat(config.attemptTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.maxResponseBytes()).isEqualTo(2 * 1024 * 1024);
    assertThat(config.plaidVersion()).isEqualTo("2020-09-14");
    assertThat(config.transport()).isEqualTo(PlaidClientConfig.Transport.APACHE);
    assertThat(config.maxConnections()).isEqualTo(256);
  }

  @Test
  void shouldLetAnExplicitBaseUrlOverrideTheEnvironment() {
    // when
    PlaidClientConfig production =
        valid().environment(PlaidEnvironment.fromName("Production")).build();
    PlaidClientConfig emulator =
        valid().environment(PlaidEnvironment.PRODUCTION).baseUrl("http://localhost:8080/").build();

    // then
    assertThat(production.baseUrl()).isEqualTo(URI.create("https://production.plaid.com"));
    assertThat(emulator.endpoint())
        .isEqualTo(URI.create("http://localhost:8080/identity/documents/uploads/get"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://127.0.0.1:1234",
        "http://localhost",
        "http://[::1]:9000",
        "http://127.0.0.2"
      })
  void shouldAllowPlainHttpToLoopback(String url) {
    assertThat(valid().baseUrl(url).build().baseUrl()).isEqualTo(URI.create(url));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://sandbox.plaid.com",
        "http://10.0.0.1:8080",
        "http://localhost.example.com"
      })
  void shouldRefusePlainHttpElsewhere(String url) {
    assertThatThrownBy(() -> valid().baseUrl(url).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("loopback");
  }

  @Test
  void shouldRefuseBadSettingsWithClearMessages() {
    assertThatThrownBy(() -> valid().baseUrl("ftp://host").build())
        .hasMessageContaining("https://");
    assertThatThrownBy(() -> valid().baseUrl("https://u:p@host").build())
        .hasMessageContaining("user info");
    assertThatThrownBy(() -> valid().clientId(" ").build()).hasMessageContaining("clientId");
    assertThatThrownBy(() -> valid().secret(null).build()).hasMessageContaining("secret");
    assertThatThrownBy(() -> valid().secret(Secret.of("abc\n")).build())
        .hasMessageContaining("control")
        .hasMessageNotContaining("abc");
    assertThatThrownBy(() -> valid().attemptTimeout(Duration.ZERO).build())
        .hasMessageContaining("attemptTimeout");
    assertThatThrownBy(() -> valid().maxResponseBytes(0).build())
        .hasMessageContaining("maxResponseBytes");
    assertThatThrownBy(() -> valid().maxConnections(0).build())
        .hasMessageContaining("maxConnections");
    assertThatThrownBy(() -> valid().transport(null).build()).hasMessageContaining("transport");
    assertThatThrownBy(() -> PlaidEnvironment.fromName("development"))
        .hasMessageContaining("sandbox");
    assertThatThrownBy(() -> Secret.of("")).hasMessageContaining("empty");
  }
}
