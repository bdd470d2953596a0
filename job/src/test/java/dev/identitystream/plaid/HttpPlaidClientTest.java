package dev.identitystream.plaid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.identitystream.plaid.PlaidResult.ErrorAnswer;
import dev.identitystream.plaid.PlaidResult.Success;
import dev.identitystream.plaid.PlaidResult.TransportFailure;
import dev.identitystream.plaid.StubPlaidServer.Reply;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client's contract on its default transport (Apache HttpClient 5); {@link
 * JdkTransportHttpPlaidClientTest} runs every test again on the JDK transport.
 */
class HttpPlaidClientTest {

  static final String TOKEN = "access-sandbox-5ecret-t0ken";
  static final String SECRET = "s3cr3t-plaid-value";

  private final StubPlaidServer stub = StubPlaidServer.start();
  private HttpPlaidClient client = open(config(stub));

  static PlaidClientConfig.Builder config(StubPlaidServer stub) {
    return PlaidClientConfig.builder()
        .baseUrl(stub.baseUrl())
        .clientId("client-123")
        .secret(Secret.of(SECRET))
        .attemptTimeout(Duration.ofSeconds(2))
        .connectTimeout(Duration.ofSeconds(1));
  }

  /** The transport under test. */
  PlaidClientConfig.Transport transport() {
    return PlaidClientConfig.Transport.APACHE;
  }

  HttpPlaidClient open(PlaidClientConfig.Builder config) {
    return new HttpPlaidClient(config.transport(transport()).build());
  }

  static PlaidResult call(PlaidClient client, PlaidRequest request) {
    CompletableFuture<PlaidResult> future =
        client.identityDocumentsUploadsGet(request).toCompletableFuture();
    await().atMost(Duration.ofSeconds(5)).until(future::isDone);
    return future.join();
  }

  @AfterEach
  void tearDown() {
    client.close();
    stub.close();
  }

  @Test
  void shouldSendPlaidHeadersAndExactBody() {
    // when
    call(client, new PlaidRequest(TOKEN, List.of("acc-1", "acc-2"), "r1"));
    call(client, new PlaidRequest(TOKEN, List.of(), "r2"));

    // then
    List<StubPlaidServer.Received> received = stub.received();
    assertThat(received).hasSize(2);
    StubPlaidServer.Received first = received.get(0);
    assertThat(first.header("PLAID-CLIENT-ID")).isEqualTo("client-123");
    assertThat(first.header("PLAID-SECRET")).isEqualTo(SECRET);
    assertThat(first.header("Plaid-Version")).isEqualTo("2020-09-14");
    assertThat(first.header("Content-Type")).isEqualTo("application/json");
    assertThat(first.header("User-Agent")).startsWith("plaid-identity-stream/");
    assertThat(first.bodyText())
        .isEqualTo(
            "{\"access_token\":\""
                + TOKEN
                + "\",\"options\":{\"account_ids\":[\"acc-1\",\"acc-2\"]}}");
    assertThat(received.get(1).bodyText()).isEqualTo("{\"access_token\":\"" + TOKEN + "\"}");
  }

  @Test
  void shouldParseSuccessKeepingUnknownFieldsEnumValuesAndDecimals() {
    // given
    String body =
        "{\"accounts\":[{\"account_id\":\"acc-9\",\"subtype\":\"brand_new_subtype\",\"apy\":4.50,"
            + "\"balances\":{\"current\":1234.5600},\"future_field\":{\"nested\":[1,2]}}],"
            + "\"item\":{\"item_id\":\"item-9\",\"institution_id\":\"ins_9\",\"update_type\":\"new_kind\"},"
            + "\"request_id\":\"req-9\",\"top_level_extra\":true}";
    stub.script(TOKEN, Reply.ok(body));

    // when
    PlaidResult result = call(client, new PlaidRequest(TOKEN, null, "r"));

    // then
    assertThat(result).isInstanceOf(Success.class);
    Success success = (Success) result;
    assertThat(success.httpStatus()).isEqualTo(200);
    assertThat(success.attempts()).isEqualTo(1);
    assertThat(success.response().requestId()).isEqualTo("req-9");
    assertThat(success.response().itemId()).isEqualTo("item-9");
    assertThat(success.response().item().toNode().get("update_type").asText())
        .isEqualTo("new_kind");
    ObjectNode account = success.response().accounts().get(0).toNode();
    assertThat(account.get("subtype").asText()).isEqualTo("brand_new_subtype");
    assertThat(account.get("future_field").toString()).isEqualTo("{\"nested\":[1,2]}");
    assertThat(account.get("balances").get("current").decimalValue().toPlainString())
        .isEqualTo("1234.5600");
    assertThat(PlaidJson.mapper().valueToTree(account).toString()).contains("\"apy\":4.50");
  }

  @Test
  void shouldMapPlaidErrorBodiesToErrorAnswers() {
    // given
    stub.script("t-item", Reply.plaidError(400, "ITEM_ERROR", "ITEM_LOGIN_REQUIRED"));
    stub.script("t-rate", Reply.plaidError(429, "RATE_LIMIT_EXCEEDED", "RATE_LIMIT"));
    stub.script("t-api", Reply.plaidError(500, "API_ERROR", "INTERNAL_SERVER_ERROR"));
    stub.script("t-inst", Reply.plaidError(400, "INSTITUTION_ERROR", "INSTITUTION_DOWN"));

    // when / then
    assertErrorAnswer(call(client, request("t-item")), 400, "ITEM_ERROR", "ITEM_LOGIN_REQUIRED");
    assertErrorAnswer(call(client, request("t-rate")), 429, "RATE_LIMIT_EXCEEDED", "RATE_LIMIT");
    assertErrorAnswer(call(client, request("t-api")), 500, "API_ERROR", "INTERNAL_SERVER_ERROR");
    assertErrorAnswer(
        call(client, request("t-inst")), 400, "INSTITUTION_ERROR", "INSTITUTION_DOWN");
  }

  @Test
  void shouldReportHttpStatusWhenAnErrorHasNoPlaidBody() {
    // given
    stub.script("t-503", Reply.status(503));
    stub.script("t-502", Reply.raw(502, "text/html", "<html>bad gateway</html>"));
    stub.script("t-json", Reply.raw(500, "application/json", "{\"message\":\"oops\"}"));

    // when / then
    assertFailure(call(client, request("t-503")), FailureKind.HTTP_STATUS, 503);
    assertFailure(call(client, request("t-502")), FailureKind.HTTP_STATUS, 502);
    assertFailure(call(client, request("t-json")), FailureKind.HTTP_STATUS, 500);
  }

  @Test
  void shouldCallEveryOtherAnswerWithoutAPlaidBodyARefusal() {
    // given answers that are not Plaid's and that no retry can heal
    stub.script("t-404", Reply.raw(404, "text/html", "<html>no such path</html>"));
    stub.script("t-403", Reply.raw(403, "text/html", "<html>proxy says no</html>"));
    stub.script("t-401", Reply.status(401));
    stub.script("t-301", Reply.status(301));
    stub.script("t-json", Reply.raw(400, "application/json", "{\"error\":\"forbidden\"}"));
    stub.script("t-408", Reply.status(408));
    stub.script("t-429", Reply.raw(429, "text/plain", "slow down"));

    // when / then
    assertFailure(call(client, request("t-404")), FailureKind.REFUSED, 404);
    assertFailure(call(client, request("t-403")), FailureKind.REFUSED, 403);
    assertFailure(call(client, request("t-401")), FailureKind.REFUSED, 401);
    assertFailure(call(client, request("t-301")), FailureKind.REFUSED, 301);
    assertFailure(call(client, request("t-json")), FailureKind.REFUSED, 400);
    assertFailure(call(client, request("t-408")), FailureKind.HTTP_STATUS, 408);
    assertFailure(call(client, request("t-429")), FailureKind.HTTP_STATUS, 429);
  }

  @Test
  void shouldReportAnUnusableBodyWhenPlaidsAnswerCannotBePassedOnExactly() {
    // given a 200 and a Plaid error in UTF-16, and a proxy's page in UTF-16
    stub.script(
        "t-utf16",
        new Reply.Fixed(
            200,
            "application/json",
            StubPlaidServer.successBody("i", "a")
                .getBytes(java.nio.charset.StandardCharsets.UTF_16)));
    stub.script(
        "t-err16",
        new Reply.Fixed(
            400,
            "application/json",
            "{\"error_type\":\"ITEM_ERROR\",\"error_code\":\"ITEM_LOGIN_REQUIRED\"}"
                .getBytes(java.nio.charset.StandardCharsets.UTF_16)));
    stub.script(
        "t-page16",
        new Reply.Fixed(
            403,
            "text/html",
            "<html>no</html>".getBytes(java.nio.charset.StandardCharsets.UTF_16)));
    stub.script(
        "t-api16",
        new Reply.Fixed(
            503,
            "application/json",
            "{\"error_type\":\"API_ERROR\",\"error_code\":\"PLANNED_MAINTENANCE\"}"
                .getBytes(java.nio.charset.StandardCharsets.UTF_16)));

    // when / then
    assertThat(
            assertFailure(call(client, request("t-utf16")), FailureKind.UNUSABLE_BODY, 200)
                .detail())
        .contains("UTF-16");
    assertFailure(call(client, request("t-err16")), FailureKind.UNUSABLE_BODY, 400);
    assertFailure(call(client, request("t-page16")), FailureKind.REFUSED, 403);
    assertFailure(call(client, request("t-api16")), FailureKind.HTTP_STATUS, 503);
    assertThat(FailureKind.UNUSABLE_BODY.isTransient()).isFalse();
    assertThat(FailureKind.REFUSED.isTransient()).isFalse();
  }

  @Test
  void shouldReportMalformedBodyWhenSuccessIsNotJsonOrBreaksTheContract() {
    // given
    stub.script("t-html", Reply.raw(200, "text/html", "<html>maintenance</html>"));
    stub.script("t-truncated", Reply.ok("{\"accounts\":[{\"account_id\":\"a\""));
    stub.script("t-contract", Reply.ok("{\"accounts\":[],\"request_id\":\"r\"}"));
    stub.script("t-empty", Reply.status(200));

    // when / then
    assertFailure(call(client, request("t-html")), FailureKind.MALFORMED_BODY, 200);
    assertFailure(call(client, request("t-truncated")), FailureKind.MALFORMED_BODY, 200);
    TransportFailure contract =
        assertFailure(call(client, request("t-contract")), FailureKind.MALFORMED_BODY, 200);
    assertThat(contract.detail()).contains("item");
    assertFailure(call(client, request("t-empty")), FailureKind.MALFORMED_BODY, 200);
  }

  @Test
  void shouldRefuseAnOversizeBodyWithoutReadingItAll() {
    // given a 64 KiB cap and bodies of 64 MiB, one with Content-Length, one chunked
    client.close();
    client = open(config(stub).maxResponseBytes(64 * 1024));
    long size = 64L * 1024 * 1024;
    stub.script("t-declared", Reply.oversize(size, true));
    stub.script("t-chunked", Reply.oversize(size, false));

    // when
    PlaidResult declared = call(client, request("t-declared"));
    PlaidResult chunked = call(client, request("t-chunked"));

    // then
    assertFailure(declared, FailureKind.BODY_TOO_LARGE, 200);
    assertFailure(chunked, FailureKind.BODY_TOO_LARGE, 200);
    await().atMost(Duration.ofSeconds(5)).until(() -> stub.oversizeBytesSent() < 2 * size);
    assertThat(stub.oversizeBytesSent()).isLessThan(size / 2);
  }

  @Test
  void shouldAcceptABodyJustUnderTheCap() {
    // given
    String body = StubPlaidServer.successBody("item-1", "acc-1");
    client.close();
    client = open(config(stub).maxResponseBytes(body.length()));
    stub.script(
        TOKEN,
        Reply.raw(200, "application/json", body),
        Reply.raw(200, "application/json", body + " "));

    // when / then
    assertThat(call(client, request(TOKEN))).isInstanceOf(Success.class);
    assertFailure(call(client, request(TOKEN)), FailureKind.BODY_TOO_LARGE, 200);
  }

  @Test
  void shouldTimeOutWhenNoResponseArrivesOrTheBodyHangs() {
    // given
    client.close();
    client = open(config(stub).attemptTimeout(Duration.ofMillis(300)));
    stub.script("t-slow", Reply.delayed(Duration.ofSeconds(30), Reply.ok()));
    stub.script("t-hung", Reply.hungBody());

    // when / then
    assertFailure(call(client, request("t-slow")), FailureKind.TIMEOUT, 0);
    assertFailure(call(client, request("t-hung")), FailureKind.TIMEOUT, 0);
  }

  @Test
  void shouldReportConnectionFailureWhenNothingListens() throws IOException {
    // given a port that was just free
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    client.close();
    client = open(config(stub).baseUrl("http://127.0.0.1:" + port));

    // when
    PlaidResult result = call(client, request(TOKEN));

    // then
    assertFailure(result, FailureKind.CONNECTION, 0);
  }

  @Test
  void shouldNeverExposeTheTokenOrSecretInResultsOrToString() throws IOException {
    // given replies that echo the token in places a careless client would copy into a message
    String echo = "<html>" + TOKEN + " " + SECRET + "</html>";
    stub.script(
        TOKEN,
        Reply.raw(200, "text/html", echo),
        Reply.raw(502, "text/html", echo),
        Reply.ok("{\"accounts\":[{\"account_id\":\"" + TOKEN + "\"}],\"request_id\":\"r\"}"),
        Reply.delayed(Duration.ofSeconds(30), Reply.ok()));
    client.close();
    client = open(config(stub).attemptTimeout(Duration.ofMillis(300)));
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    PlaidClientConfig refusedConfig =
        config(stub).baseUrl("http://127.0.0.1:" + port).transport(transport()).build();
    PlaidRequest request = request(TOKEN);

    // when
    List<PlaidResult> results = new java.util.ArrayList<>();
    for (int i = 0; i < 4; i++) {
      results.add(call(client, request));
    }
    try (HttpPlaidClient refused = new HttpPlaidClient(refusedConfig)) {
      results.add(call(refused, request));
    }

    // then
    assertThat(results)
        .extracting(r -> r.getClass().getSimpleName())
        .containsOnly("TransportFailure");
    List<String> texts = new java.util.ArrayList<>();
    results.forEach(r -> texts.add(r.toString()));
    texts.add(request.toString());
    texts.add(refusedConfig.toString());
    texts.add(client.toString());
    texts.add(Secret.of(SECRET).toString());
    assertThat(texts)
        .allSatisfy(text -> assertThat(text).doesNotContain(TOKEN).doesNotContain(SECRET));
    assertThat(refusedConfig.toString()).contains("secret=[hidden]");
  }

  @Test
  void shouldCloseTheConnectionWhenTheCallerCancels() throws IOException {
    // given a call whose body never ends, through a relay that counts open connections
    stub.script("t-hung", Reply.hungBody());
    try (CountingTcpProxy proxy = CountingTcpProxy.to(stub.baseUrl().getPort())) {
      client.close();
      client = open(config(stub).baseUrl(proxy.baseUrl()).attemptTimeout(Duration.ofSeconds(30)));
      CompletableFuture<PlaidResult> hung =
          client.identityDocumentsUploadsGet(request("t-hung")).toCompletableFuture();
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> proxy.openConnections() == 1 && proxy.bytesToClient() > 0);

      // when the caller gives up (as ResilientPlaidClient does)
      hung.cancel(false);

      // then the exchange is dropped with its connection, long before the attempt's timeout
      await().atMost(Duration.ofSeconds(5)).until(() -> proxy.openConnections() == 0);
    }
  }

  @Test
  void shouldRunOnNamedDaemonThreadsAndStopThemOnClose() {
    // given threads that existed before the client
    client.close();
    java.util.Set<Thread> before = Thread.getAllStackTraces().keySet();
    client = open(config(stub));
    java.util.concurrent.atomic.AtomicReference<String> completedOn =
        new java.util.concurrent.atomic.AtomicReference<>();

    // when a call completes (a little later, so that the callback is registered before)
    stub.script(TOKEN, Reply.delayed(Duration.ofMillis(200), Reply.ok()));
    CompletableFuture<PlaidResult> done =
        client.identityDocumentsUploadsGet(request(TOKEN)).toCompletableFuture();
    done.whenComplete((r, e) -> completedOn.compareAndSet(null, Thread.currentThread().getName()));
    await().atMost(Duration.ofSeconds(5)).until(done::isDone);
    List<Thread> started =
        Thread.getAllStackTraces().keySet().stream()
            .filter(
                t ->
                    !before.contains(t)
                        && !t.getName().startsWith("stub-plaid")
                        && !t.getName().startsWith("awaitility"))
            .toList();

    // then it completed on one of the client's threads, all daemon, all gone after close
    await().atMost(Duration.ofSeconds(5)).until(() -> completedOn.get() != null);
    assertThat(completedOn.get()).matches(completionThreads());
    assertThat(started)
        .isNotEmpty()
        .allSatisfy(t -> assertThat(t.isDaemon()).as(t.getName()).isTrue());
    client.close();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> started.stream().filter(t -> !outlivesClose(t)).noneMatch(Thread::isAlive));
  }

  /** Names of the threads the client's stages complete on. */
  String completionThreads() {
    return "plaid-http-\\d+-\\d+";
  }

  /** A thread of the client that {@link HttpPlaidClient#close()} cannot stop. */
  boolean outlivesClose(Thread thread) {
    return false;
  }

  @Test
  void shouldRefuseAServerWhoseCertificateIsNotTrusted() throws Exception {
    // given an https server with a self-signed certificate (not in the JVM's trust store)
    try (SelfSignedHttpsServer server = SelfSignedHttpsServer.start()) {
      client.close();
      client = open(config(stub).baseUrl(server.baseUrl()));

      // when
      PlaidResult result = call(client, request(TOKEN));

      // then no answer was taken from it
      assertFailure(result, FailureKind.CONNECTION, 0);
      assertThat(server.requestsServed()).isZero();
    }
  }

  @Test
  void shouldReportAGarbledAnswerAsAConnectionFailure() throws Exception {
    // given a server that answers with bytes that are not HTTP
    try (ServerSocket garbler = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread answer =
          new Thread(
              () -> {
                try (java.net.Socket socket = garbler.accept()) {
                  socket.getInputStream().read(new byte[4096]);
                  socket
                      .getOutputStream()
                      .write(
                          "HTTP/1.1 two hundred\r\nno header here\r\n\r\n"
                              .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                  socket.getOutputStream().flush();
                } catch (IOException e) {
                  // the client hung up first
                }
              },
              "garbler");
      answer.setDaemon(true);
      answer.start();
      client.close();
      client = open(config(stub).baseUrl("http://127.0.0.1:" + garbler.getLocalPort()));

      // when
      PlaidResult result = call(client, request(TOKEN));

      // then a value, not an exceptional stage
      assertFailure(result, FailureKind.CONNECTION, 0);
    }
  }

  static PlaidRequest request(String token) {
    return new PlaidRequest(token, List.of(), "our-request-id");
  }

  static void assertErrorAnswer(PlaidResult result, int status, String type, String code) {
    assertThat(result).isInstanceOf(ErrorAnswer.class);
    ErrorAnswer answer = (ErrorAnswer) result;
    assertThat(answer.httpStatus()).isEqualTo(status);
    assertThat(answer.error().errorType()).isEqualTo(type);
    assertThat(answer.error().errorCode()).isEqualTo(code);
    assertThat(answer.error().requestId()).isEqualTo("req-err");
    assertThat(answer.attempts()).isEqualTo(1);
  }

  static TransportFailure assertFailure(PlaidResult result, FailureKind kind, int status) {
    assertThat(result).isInstanceOf(TransportFailure.class);
    TransportFailure failure = (TransportFailure) result;
    assertThat(failure.kind()).as(failure.detail()).isEqualTo(kind);
    assertThat(failure.httpStatus()).isEqualTo(status);
    assertThat(failure.attempts()).isEqualTo(1);
    return failure;
  }
}
