package dev.identitystream.plaid;

/**
 * Every test of {@link HttpPlaidClientTest} on the JDK transport ({@code plaid.http.client=jdk}).
 */
class JdkTransportHttpPlaidClientTest extends HttpPlaidClientTest {

  @Override
  PlaidClientConfig.Transport transport() {
    return PlaidClientConfig.Transport.JDK;
  }

  /**
   * JDK 17's {@code sendAsync} completes its stages in the common pool, which on a machine of two
   * cores or fewer is a new unnamed thread per call (see {@link JdkTransport}).
   */
  @Override
  String completionThreads() {
    return "plaid-http-\\d+-\\d+|ForkJoinPool\\.commonPool-worker-\\d+|Thread-\\d+";
  }

  /** JDK 17's HttpClient has no close(): its selector thread ends when the client is collected. */
  @Override
  boolean outlivesClose(Thread thread) {
    return thread.getName().matches("HttpClient-\\d+-SelectorManager");
  }
}
