package dev.identitystream.plaid;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitystream.plaid.PlaidResult.TransportFailure;
import java.io.IOException;
import java.net.http.HttpConnectTimeoutException;
import java.time.Duration;
import java.util.List;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.core5.http.ProtocolException;
import org.junit.jupiter.api.Test;

/**
 * How the Apache transport's failures reach {@link Failures} (the rest: {@link
 * HttpPlaidClientTest}).
 */
class ApacheTransportTest {

  private final PlaidClientConfig config =
      PlaidClientConfig.builder()
          .baseUrl("https://sandbox.plaid.com")
          .clientId("client-1")
          .secret(Secret.of("s3cret"))
          .connectTimeout(Duration.ofSeconds(3))
          .build();
  private final PlaidRequest request = new PlaidRequest("access-sandbox-t0ken", List.of(), "r");

  @Test
  void shouldReportAConnectTimeoutAsTheJdkTransportDoes() {
    // when
    Throwable understood =
        ApacheTransport.understood(
            new ConnectTimeoutException("Connect to sandbox.plaid.com timed out"));
    TransportFailure failure = Failures.fromException(understood, request, config);

    // then
    assertThat(understood).isInstanceOf(HttpConnectTimeoutException.class);
    assertThat(failure.kind()).isEqualTo(FailureKind.CONNECTION);
    assertThat(failure.detail()).isEqualTo("connect timed out after PT3S");
  }

  @Test
  void shouldReportASocketTimeoutAsATimeout() {
    // when
    TransportFailure failure =
        Failures.fromException(
            ApacheTransport.understood(new java.net.SocketTimeoutException("5 SECONDS")),
            request,
            config);

    // then
    assertThat(failure.kind()).isEqualTo(FailureKind.TIMEOUT);
  }

  @Test
  void shouldReportAProtocolViolationAsAnIoFailureWithoutItsMessage() {
    // when
    Throwable understood =
        ApacheTransport.understood(new ProtocolException("Invalid header: s3cret"));
    TransportFailure failure = Failures.fromException(understood, request, config);

    // then
    assertThat(understood).isInstanceOf(IOException.class);
    assertThat(failure.kind()).isEqualTo(FailureKind.CONNECTION);
    assertThat(failure.detail()).doesNotContain("s3cret");
  }
}
