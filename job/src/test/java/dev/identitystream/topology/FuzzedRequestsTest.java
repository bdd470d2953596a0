package dev.identitystream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitystream.event.DlqHeaders;
import dev.identitystream.event.DlqReason;
import dev.identitystream.event.Schemas;
import dev.identitystream.plaid.FailureKind;
import dev.identitystream.plaid.PlaidResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thousands of fuzzed requests (valid ones, mutated bytes, truncations, wrong types, odd unicode,
 * oversize values, odd keys and headers) through the whole topology with a client that answers
 * successes, errors and exhaustion: every input ends in exactly one outcome (outputs or a DLQ
 * record with a known reason), every output is valid against its schema, no access token reaches an
 * output other than the DLQ's original bytes, and the stage never throws.
 */
class FuzzedRequestsTest {

  private static final int INPUTS = 3_000;
  private static final int MAX_RECORD_BYTES = 8 * 1024;
  private static final String[] FRAGMENTS = {
    "{",
    "}",
    "[",
    "]",
    "\"",
    ":",
    ",",
    "null",
    "true",
    "1e400",
    "-0.0",
    "\\u0000",
    "\\ud83d",
    "😀",
    "שלום",
    "\"access_token\"",
    "\"request_id\"",
    "\"item_id\"",
    "\"account_ids\"",
    "\"attributes\"",
    "\u0000",
    "\uFEFF"
  };

  @TempDir Path stateDir;

  @Test
  void shouldEndEveryFuzzedRequestInOneOutcomeWithSchemaValidOutputsAndNoTokenOutsideTheDlq() {
    Random random = new Random(20261128);
    FakePlaidClient client =
        new FakePlaidClient().answeringWith(request -> answer(request.requestId()));
    List<String> tokens = new ArrayList<>();
    try (TopologyHarness harness =
        new TopologyHarness(
            TopologyHarness.settings().withMaxRecordBytes(MAX_RECORD_BYTES), client, stateDir)) {
      for (int i = 0; i < INPUTS; i++) {
        String token = "access-sandbox-fz" + Integer.toHexString(random.nextInt()) + "x" + i;
        tokens.add(token);
        byte[] value = mutate(template(i, token, random), random);
        byte[] key =
            random.nextInt(10) == 0
                ? null
                : ("k" + random.nextInt(50)).getBytes(StandardCharsets.UTF_8);
        RecordHeaders headers = new RecordHeaders();
        if (random.nextInt(20) == 0) {
          headers.add("trace", new byte[random.nextInt(300)]);
        }
        harness.send(key, value, headers);
        if (i % 50 == 0) {
          harness.drain();
        }
      }
      harness.drain();
      harness.drain();

      List<TestRecord<byte[], byte[]>> items = harness.items();
      List<TestRecord<byte[], byte[]>> itemErrors = harness.itemErrors();
      List<TestRecord<byte[], byte[]>> accounts = harness.accounts();
      List<TestRecord<byte[], byte[]>> dlq = harness.dlq();

      // every input ends in exactly one outcome
      long okItems =
          items.stream().filter(r -> text(r.value()).contains("\"status\":\"OK\"")).count();
      assertThat(okItems + itemErrors.size() + dlq.size())
          .as("outcomes for %d inputs", INPUTS)
          .isEqualTo(INPUTS);
      Set<String> reasons =
          EnumSet.allOf(DlqReason.class).stream().map(Enum::name).collect(Collectors.toSet());
      assertThat(dlq)
          .allSatisfy(
              r -> assertThat(reasons).contains(TopologyHarness.header(r, DlqHeaders.REASON)));
      // the fuzz reached both sides
      assertThat(dlq.size()).isBetween(INPUTS / 10, INPUTS * 9 / 10);

      // every output is valid against its schema
      items.forEach(r -> Schemas.assertValid(Schemas.ITEMS, r.value()));
      itemErrors.forEach(r -> Schemas.assertValid(Schemas.ITEM_ERRORS, r.value()));
      accounts.forEach(r -> Schemas.assertValid(Schemas.ACCOUNTS, r.value()));

      // no token outside the DLQ's original bytes
      List<String> outside = new ArrayList<>();
      for (List<TestRecord<byte[], byte[]>> topic : List.of(items, itemErrors, accounts)) {
        topic.forEach(r -> outside.add(text(r.key()) + " " + text(r.value())));
      }
      dlq.forEach(r -> r.headers().forEach(h -> outside.add(text(h.value()))));
      Set<String> leaked =
          tokens.stream()
              .filter(
                  token -> outside.stream().anyMatch(text -> text != null && text.contains(token)))
              .collect(Collectors.toSet());
      assertThat(leaked).isEmpty();
    }
  }

  /** Mostly successes; some Plaid errors and exhausted retries, chosen by the request id. */
  private static PlaidResult answer(String requestId) {
    int pick = Math.floorMod(requestId.hashCode(), 10);
    if (pick == 0) {
      return Answers.error(400, "ITEM_ERROR", "ITEM_LOGIN_REQUIRED");
    }
    if (pick == 1) {
      return new PlaidResult.Exhausted(
          new PlaidResult.TransportFailure(FailureKind.TIMEOUT, 0, "timeout", 1), 3);
    }
    return Answers.success(
        "item-" + Math.floorMod(requestId.hashCode(), 97),
        1 + Math.floorMod(requestId.hashCode(), 3));
  }

  private static String template(int i, String token, Random random) {
    StringBuilder json = new StringBuilder("{\"access_token\":\"").append(token).append('"');
    if (random.nextBoolean()) {
      json.append(",\"request_id\":\"fz-").append(i).append('"');
    }
    if (random.nextInt(3) == 0) {
      json.append(",\"item_id\":\"item-").append(random.nextInt(1000)).append('"');
    }
    if (random.nextInt(4) == 0) {
      json.append(",\"account_ids\":[\"a").append(random.nextInt(9)).append("\"]");
    }
    if (random.nextInt(4) == 0) {
      json.append(",\"attributes\":{\"tenant\":\"t")
          .append(random.nextInt(9))
          .append("\",\"note\":\"")
          .append(FRAGMENTS[random.nextInt(FRAGMENTS.length)].replace("\"", "'").replace("\\", "/"))
          .append("\"}");
    }
    if (random.nextInt(5) == 0) {
      json.append(",\"unknown\":{\"deep\":[1,2,{\"x\":null}]}");
    }
    return json.append('}').toString();
  }

  private static byte[] mutate(String json, Random random) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    switch (random.nextInt(10)) {
      case 0 -> { // flip a few bytes
        for (int n = 0; n < 1 + random.nextInt(3); n++) {
          bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
        }
        return bytes;
      }
      case 1 -> {
        return Arrays.copyOf(bytes, random.nextInt(bytes.length));
      }
      case 2 -> { // insert a fragment
        int at = random.nextInt(json.length());
        return (json.substring(0, at)
                + FRAGMENTS[random.nextInt(FRAGMENTS.length)]
                + json.substring(at))
            .getBytes(StandardCharsets.UTF_8);
      }
      case 3 -> { // oversize
        return (json.substring(0, json.length() - 1)
                + ",\"pad\":\""
                + "p".repeat(MAX_RECORD_BYTES)
                + "\"}")
            .getBytes(StandardCharsets.UTF_8);
      }
      case 4 -> { // a field of the wrong type
        String[] wrong = {
          "\"request_id\":7",
          "\"item_id\":[]",
          "\"account_ids\":\"a\"",
          "\"attributes\":{\"n\":1}",
          "\"account_ids\":[\"\"]",
          "\"item_id\":\"\"",
          "\"request_id\":null"
        };
        return (json.substring(0, json.length() - 1)
                + ","
                + wrong[random.nextInt(wrong.length)]
                + "}")
            .getBytes(StandardCharsets.UTF_8);
      }
      default -> {
        return bytes; // valid (most inputs)
      }
    }
  }

  private static String text(byte[] bytes) {
    return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
  }
}
