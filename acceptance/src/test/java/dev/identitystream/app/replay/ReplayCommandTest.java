package dev.identitystream.app.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.identitystream.app.CliTestSupport;
import dev.identitystream.app.ExitCodes;
import dev.identitystream.app.config.AppConfig;
import dev.identitystream.plaid.FailureKind;
import dev.identitystream.plaid.IdentityDocumentsResponse;
import dev.identitystream.plaid.PlaidError;
import dev.identitystream.plaid.PlaidRequest;
import dev.identitystream.plaid.PlaidResult;
import dev.identitystream.plaid.cassette.Cassette;
import dev.identitystream.plaid.cassette.CassetteWriter;
import dev.identitystream.plaid.cassette.Fingerprinter;
import dev.identitystream.testkit.OutputRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real {@code replay} command, in-process, on a cassette written here: no broker anywhere. */
class ReplayCommandTest {

  private static final String KEY = "replay-test-key-0123456789";
  private static final Instant RECORDED_AT = Instant.parse("2026-11-25T12:00:00.250Z");
  private static final List<String> TOPICS =
      List.of("identity-accounts", "identity-items", "identity-item-errors", "identity-dlq");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private Path config;
  private Path cassette;
  private Path requests;

  @BeforeEach
  void setUp() throws Exception {
    // no bootstrap.servers, no Plaid credentials: only the key
    config = CliTestSupport.configFile(dir, Map.of(AppConfig.CASSETTE_KEY_CONFIG, KEY));
    Fingerprinter fingerprinter = Fingerprinter.withKey(KEY.getBytes(StandardCharsets.UTF_8));
    cassette = dir.resolve("cassette.jsonl");
    try (CassetteWriter writer =
        CassetteWriter.startNew(cassette, Cassette.Header.of(RECORDED_AT, fingerprinter))) {
      writer.write(fingerprinter.of(request("access-sandbox-ok1")), success("item-1"));
      writer.write(
          fingerprinter.of(request("access-sandbox-err2")),
          new PlaidResult.ErrorAnswer(
              400, PlaidError.of("ITEM_ERROR", "ITEM_LOGIN_REQUIRED", "login changed"), 1));
      writer.write(
          fingerprinter.of(request("access-sandbox-big3")),
          new PlaidResult.TransportFailure(
              FailureKind.BODY_TOO_LARGE, 200, "body over the cap", 1));
      writer.write(
          fingerprinter.of(new PlaidRequest("access-sandbox-ex4", List.of("a", "b"), "x")),
          new PlaidResult.Exhausted(
              new PlaidResult.TransportFailure(FailureKind.TIMEOUT, 0, "no answer in 10 s", 1), 3));
    }
    requests = dir.resolve("requests.jsonl");
    Files.writeString(
        requests,
        String.join(
                "\n",
                "{\"access_token\":\"access-sandbox-ok1\",\"item_id\":\"item-1\",\"request_id\":\"req-1\",\"attributes\":{\"tenant\":\"acme\"}}",
                "{\"access_token\":\"access-sandbox-err2\",\"item_id\":\"item-2\"}",
                "{\"access_token\":\"access-sandbox-big3\",\"request_id\":\"req-3\"}",
                "{\"access_token\":\"access-sandbox-ex4\",\"request_id\":\"req-4\",\"account_ids\":[\"b\",\"a\"]}",
                "{\"item_id\":\"no-token\"}",
                "{\"access_token\":\"access-sandbox-ok1\",\"item_id\":\"item-1\",\"request_id\":\"req-6\"}")
            + "\n");
  }

  @Test
  void shouldWriteEveryOutputTopicAsJsonLinesIdenticallyOnEveryRunWithoutABroker()
      throws Exception {
    // when
    CliTestSupport.Run first = replay(dir.resolve("out1"));
    CliTestSupport.Run second = replay(dir.resolve("out2"));

    // then
    assertThat(first.exitCode()).as(first.err()).isEqualTo(ExitCodes.OK);
    assertThat(second.exitCode()).as(second.err()).isEqualTo(ExitCodes.OK);
    for (String topic : TOPICS) {
      assertThat(
              Files.mismatch(
                  dir.resolve("out1/" + topic + ".jsonl"), dir.resolve("out2/" + topic + ".jsonl")))
          .as(topic)
          .isEqualTo(-1L);
    }
    assertThat(first.out())
        .contains("Replayed 5 request(s)")
        .contains("skipped 1 invalid line(s)")
        .containsPattern("identity-accounts +4\n")
        .containsPattern("identity-dlq +2\n");
    assertThat(first.err()).contains("line 5: MISSING_ACCESS_TOKEN");
    List<JsonNode> accounts = lines(dir.resolve("out1/identity-accounts.jsonl"));
    assertThat(accounts)
        .extracting(line -> line.get("key").asText())
        .containsExactly("acc-1", "acc-2", "acc-1", "acc-2");
    assertThat(accounts.get(0).get("value").get("fetched_at").asText())
        .isEqualTo("2026-11-25T12:00:00.250Z");
    assertThat(accounts.get(0).get("value").get("attributes"))
        .isEqualTo(JSON.readTree("{\"tenant\":\"acme\"}"));
    assertThat(Files.readAllLines(dir.resolve("out1/identity-accounts.jsonl")).get(0))
        .contains("\"current\":12.50");
    List<JsonNode> items = lines(dir.resolve("out1/identity-items.jsonl"));
    assertThat(items)
        .extracting(
            line ->
                line.get("key").asText()
                    + " "
                    + line.get("value").get("status").asText()
                    + " "
                    + line.get("value").get("request_id").asText())
        .containsExactly("item-1 OK req-1", "item-2 ERROR line-2", "item-1 OK req-6");
    assertThat(lines(dir.resolve("out1/identity-item-errors.jsonl")))
        .singleElement()
        .satisfies(
            line ->
                assertThat(line.get("value").get("error_code").asText())
                    .isEqualTo("ITEM_LOGIN_REQUIRED"));
    List<JsonNode> dlq = lines(dir.resolve("out1/identity-dlq.jsonl"));
    assertThat(dlq)
        .extracting(line -> line.get("headers").get("__streams.errors.reason").asText())
        .containsExactly("RESPONSE_TOO_LARGE", "RETRIES_EXHAUSTED");
    assertThat(dlq.get(1).get("value").get("access_token").asText())
        .isEqualTo(OutputRecord.REDACTED);
    assertThat(dlq.get(1).get("headers").get("__streams.errors.message").asText())
        .contains("TIMEOUT");
    assertThat(allOutput(dir.resolve("out1"))).doesNotContain("access-sandbox");
  }

  @Test
  void shouldUseTheClockGivenWithAt() throws Exception {
    // when
    CliTestSupport.Run run =
        CliTestSupport.run(
            "replay",
            "-c",
            config.toString(),
            "--requests",
            requests.toString(),
            "--cassette",
            cassette.toString(),
            "--out",
            dir.resolve("out").toString(),
            "--at",
            "2030-01-02T03:04:05Z");

    // then
    assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
    assertThat(
            lines(dir.resolve("out/identity-items.jsonl"))
                .get(0)
                .get("value")
                .get("observed_at")
                .asText())
        .isEqualTo("2030-01-02T03:04:05Z");
  }

  @Test
  void shouldRefuseARequestTheCassetteLacksNamingItsLineAndRequestIdButNotItsToken()
      throws Exception {
    // given
    Files.writeString(
        requests,
        "{\"access_token\":\"access-sandbox-UNRECORDED\",\"request_id\":\"req-7\"}\n",
        java.nio.file.StandardOpenOption.APPEND);

    // when
    CliTestSupport.Run run = replay(dir.resolve("out"));

    // then
    assertThat(run.exitCode()).isEqualTo(ExitCodes.INPUT);
    assertThat(run.err())
        .contains("line 7 (request_id req-7): no cassette entry")
        .contains("--missing=dlq")
        .doesNotContain("UNRECORDED");
    assertThat(dir.resolve("out")).doesNotExist();
  }

  @Test
  void shouldReplayARequestTheCassetteLacksAsATransportFailureWhenAsked() throws Exception {
    // given
    Files.writeString(
        requests,
        "{\"access_token\":\"access-sandbox-UNRECORDED\",\"request_id\":\"req-7\"}\n",
        java.nio.file.StandardOpenOption.APPEND);

    // when
    CliTestSupport.Run run =
        CliTestSupport.run(
            "replay",
            "-c",
            config.toString(),
            "--requests",
            requests.toString(),
            "--cassette",
            cassette.toString(),
            "--out",
            dir.resolve("out").toString(),
            "--missing",
            "dlq");

    // then
    assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
    assertThat(run.out()).contains("1 without a cassette entry");
    JsonNode last = lines(dir.resolve("out/identity-dlq.jsonl")).get(2);
    assertThat(last.get("headers").get("__streams.errors.request_id").asText()).isEqualTo("req-7");
    assertThat(last.get("headers").get("__streams.errors.message").asText())
        .contains("no cassette entry");
  }

  @Test
  void shouldExitWithConfigWhenTheKeyIsMissingWrongOrGivenAsAFlag() throws Exception {
    // given
    Path noKey =
        CliTestSupport.configFile(
            Files.createDirectory(dir.resolve("nokey-dir")),
            Map.of("topic.requests", "identity-requests"));
    Path otherKey =
        CliTestSupport.configFile(
            Files.createDirectory(dir.resolve("other-dir")),
            Map.of(AppConfig.CASSETTE_KEY_CONFIG, "some-other-key-0123456789"));

    // when
    CliTestSupport.Run missing = replayWith(noKey);
    CliTestSupport.Run wrong = replayWith(otherKey);
    CliTestSupport.Run flag =
        CliTestSupport.run(
            "replay",
            "-c",
            noKey.toString(),
            "--set",
            "cassette.key=" + KEY,
            "--requests",
            requests.toString(),
            "--cassette",
            cassette.toString(),
            "--out",
            dir.resolve("out").toString());

    // then
    assertThat(missing.exitCode()).isEqualTo(ExitCodes.CONFIG);
    assertThat(missing.err()).contains("cassette.key is missing").contains("PIS_CASSETTE_KEY");
    assertThat(wrong.exitCode()).isEqualTo(ExitCodes.CONFIG);
    assertThat(wrong.err()).contains("cassette.key is not the key");
    assertThat(flag.exitCode()).isEqualTo(ExitCodes.CONFIG);
    assertThat(flag.err()).contains("not accepted on the command line").doesNotContain(KEY);
  }

  private CliTestSupport.Run replay(Path out) {
    return CliTestSupport.run(
        "replay",
        "-c",
        config.toString(),
        "--requests",
        requests.toString(),
        "--cassette",
        cassette.toString(),
        "--out",
        out.toString());
  }

  private CliTestSupport.Run replayWith(Path configFile) {
    return CliTestSupport.run(
        "replay",
        "-c",
        configFile.toString(),
        "--requests",
        requests.toString(),
        "--cassette",
        cassette.toString(),
        "--out",
        dir.resolve("out").toString());
  }

  private static PlaidRequest request(String token) {
    return new PlaidRequest(token, List.of(), "x");
  }

  private static PlaidResult success(String itemId) throws Exception {
    JsonNode body =
        dev.identitystream.plaid.PlaidJson.treeReader()
            .readTree(
                """
        {"accounts":[{"account_id":"acc-1","balances":{"current":12.50}},{"account_id":"acc-2"}],
         "item":{"item_id":"%s","institution_id":"ins_1","institution_name":"Bank","error":null},
         "request_id":"plaid-1"}"""
                    .formatted(itemId));
    return new PlaidResult.Success(200, IdentityDocumentsResponse.fromJson(body), 1);
  }

  private static List<JsonNode> lines(Path file) throws Exception {
    return Files.readAllLines(file).stream()
        .map(
            line -> {
              try {
                return JSON.readTree(line);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            })
        .toList();
  }

  private static String allOutput(Path out) throws Exception {
    StringBuilder text = new StringBuilder();
    try (Stream<Path> files = Files.list(out)) {
      for (Path file : files.sorted().toList()) {
        text.append(Files.readString(file));
      }
    }
    return text.toString();
  }
}
