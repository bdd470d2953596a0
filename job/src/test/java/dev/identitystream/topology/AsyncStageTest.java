package dev.identitystream.topology;

import static dev.identitystream.topology.TopologyHarness.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.identitystream.event.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-key order, overlap of keys, the in-flight cap and backpressure of the call stage. */
class AsyncStageTest {

  @TempDir Path stateDir;
  private TopologyHarness harness;

  @AfterEach
  void stop() {
    if (harness != null) {
      harness.close();
    }
  }

  private static String request(String requestId) {
    return "{\"access_token\":\"access-sandbox-t1\",\"request_id\":\"" + requestId + "\"}";
  }

  @Test
  void shouldCallOneAtATimePerKeyAndEmitInOffsetOrderWhenCallsCompleteInReverse() {
    // given
    harness = new TopologyHarness(TopologyHarness.settings(), new FakePlaidClient(), stateDir);
    for (int i = 0; i < 3; i++) {
      harness.send("A", request("A" + i));
      harness.send("B", request("B" + i));
    }
    // then: one call per key is open, both keys at once
    assertThat(harness.client.openRequestIds()).containsExactlyInAnyOrder("A0", "B0");
    // when: complete in reverse order, round after round
    List<String> order = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      List<String> open = harness.client.openRequestIds();
      assertThat(open).hasSize(2);
      Collections.reverse(open);
      for (String id : open) {
        harness.client.complete(id, Answers.success("item-" + id, 1));
      }
      harness.drain();
      harness.items().forEach(r -> order.add(requestIdOf(r)));
    }
    // then: each key's outputs in offset order
    assertThat(order.stream().filter(id -> id.startsWith("A"))).containsExactly("A0", "A1", "A2");
    assertThat(order.stream().filter(id -> id.startsWith("B"))).containsExactly("B0", "B1", "B2");
    assertThat(harness.client.calledRequestIds()).hasSize(6);
  }

  @Test
  void shouldNotStartTheNextCallOfAKeyBeforeTheFirstIsAnswered() {
    harness = new TopologyHarness(TopologyHarness.settings(), new FakePlaidClient(), stateDir);
    harness.send("A", request("A0"));
    harness.send("A", request("A1"));
    harness.drain();
    assertThat(harness.client.calledRequestIds()).containsExactly("A0");
    harness.client.complete("A0", Answers.error(400, "ITEM_ERROR", "ITEM_LOGIN_REQUIRED"));
    harness.drain();
    assertThat(harness.client.calledRequestIds()).containsExactly("A0", "A1");
  }

  @Test
  void shouldNeverExceedTheInFlightCap() {
    // given: 4 slots, 60 requests on 60 keys, answered in random order
    harness =
        new TopologyHarness(
            TopologyHarness.settings().withMaxInFlight(4), new FakePlaidClient(), stateDir);
    for (int i = 0; i < 60; i++) {
      harness.send("k" + i, request("r" + i));
    }
    Random random = new Random(42);
    int answered = 0;
    // when
    while (answered < 60) {
      List<String> open = harness.client.openRequestIds();
      assertThat(open).hasSizeLessThanOrEqualTo(4).isNotEmpty();
      String id = open.get(random.nextInt(open.size()));
      harness.client.complete(id, Answers.success("item-" + id, 1));
      answered++;
      harness.drain();
    }
    // then
    assertThat(harness.client.maxInFlight()).isEqualTo(4);
    assertThat(harness.items()).hasSize(60);
    assertThat(harness.client.calledRequestIds()).doesNotHaveDuplicates().hasSize(60);
  }

  @Test
  void shouldWaitForRoomWhileCallsCompleteOnOtherThreads() {
    // given: room for 2 pending requests; open calls answered every 20 ms on another thread
    ScheduledExecutorService http = Executors.newSingleThreadScheduledExecutor();
    try {
      FakePlaidClient client = new FakePlaidClient();
      harness =
          new TopologyHarness(
              TopologyHarness.settings()
                  .withMaxPendingPerTask(2)
                  .withMaxBlock(Duration.ofSeconds(10)),
              client,
              stateDir);
      http.scheduleAtFixedRate(
          () ->
              client
                  .openRequestIds()
                  .forEach(id -> client.complete(id, Answers.success("item-" + id, 1))),
          20,
          20,
          TimeUnit.MILLISECONDS);
      // when
      List<TestRecord<byte[], byte[]>> items = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        harness.send("k" + i, request("r" + i));
        // then: process() returned only once the task had room again
        assertThat(client.openRequestIds()).hasSizeLessThanOrEqualTo(2);
        items.addAll(harness.items());
      }
      await()
          .pollInSameThread()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                harness.drain();
                items.addAll(harness.items());
                assertThat(items).hasSize(10);
              });
      assertThat(client.maxInFlight()).isLessThanOrEqualTo(2);
    } finally {
      http.shutdownNow();
    }
  }

  @Test
  void shouldAdmitAfterTheBoundedWaitSoTheThreadNeverHangs() {
    // given: room for 1 pending request, nothing answers, the wait is bounded to 50 ms
    harness =
        new TopologyHarness(
            TopologyHarness.settings().withMaxPendingPerTask(1), new FakePlaidClient(), stateDir);
    // when
    for (int i = 0; i < 3; i++) {
      harness.send("A", request("r" + i));
    }
    // then: all three are durable and are called in turn once Plaid answers
    for (int i = 0; i < 3; i++) {
      harness.client.complete("r" + i, Answers.success("item-r" + i, 1));
      harness.drain();
    }
    assertThat(harness.items())
        .extracting(AsyncStageTest::requestIdOf)
        .containsExactly("r0", "r1", "r2");
  }

  @Test
  void shouldTreatRecordsWithoutKeyAsUnordered() {
    harness = new TopologyHarness(TopologyHarness.settings(), new FakePlaidClient(), stateDir);
    harness.send((String) null, request("n0"));
    harness.send((String) null, request("n1"));
    assertThat(harness.client.openRequestIds()).containsExactly("n0", "n1");
    harness.client.complete("n1", Answers.error(400, "ITEM_ERROR", "NO_ACCOUNTS"));
    harness.drain();
    assertThat(harness.itemErrors()).singleElement().satisfies(e -> assertThat(e.key()).isNull());
  }

  static String requestIdOf(TestRecord<byte[], byte[]> record) {
    try {
      JsonNode value = Json.mapper().readTree(record.value());
      return value.get("request_id").asText();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String keyOf(TestRecord<byte[], byte[]> record) {
    return text(record.key());
  }
}
