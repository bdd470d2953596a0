package dev.identitystream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitystream.event.IdentityRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The priority dispatcher: {@link CallDispatcher} over {@link KeyOrder}, live before bulk. */
class PriorityDispatchTest {

  private final FakePlaidClient client = new FakePlaidClient();
  private long offset;

  private PendingCall call(Lane lane, String key, String requestId) {
    SourceRecord source =
        new SourceRecord(
            lane == Lane.BULK ? "identity-backfill-requests" : "identity-requests",
            0,
            offset++,
            0L,
            key.getBytes(StandardCharsets.UTF_8),
            new byte[] {'{', '}'},
            null);
    return PendingCall.of(
        source,
        new IdentityRequest("access-sandbox-x", requestId, null, List.of(), Map.of()),
        lane);
  }

  /** Takes the answer of one open call, ends it and dispatches again. */
  private void answer(CallDispatcher calls, String requestId) throws InterruptedException {
    client.complete(requestId, Answers.success("item", 1));
    InFlightCall answered = calls.take(1_000_000_000L);
    calls.ended(answered.call);
    calls.dispatch();
  }

  @Test
  void shouldDispatchLiveRequestsBeforeBulkOnesWhenBothWait() throws InterruptedException {
    // given: one slot, three bulk requests waiting, then two live ones
    CallDispatcher calls = new CallDispatcher(client, new InFlightLimiter(1));
    calls.admit(call(Lane.BULK, "a", "bulk-1"));
    calls.admit(call(Lane.BULK, "b", "bulk-2"));
    calls.admit(call(Lane.BULK, "c", "bulk-3"));
    calls.admit(call(Lane.LIVE, "d", "live-1"));
    calls.admit(call(Lane.LIVE, "e", "live-2"));
    // when
    calls.dispatch();
    answer(calls, client.openRequestIds().get(0));
    answer(calls, client.openRequestIds().get(0));
    answer(calls, client.openRequestIds().get(0));
    // then: the live requests went as soon as a slot was free, the bulk ones in their order after
    assertThat(client.calledRequestIds()).containsExactly("live-1", "live-2", "bulk-1", "bulk-2");
  }

  @Test
  void shouldLetALiveRequestOvertakeABulkRequestOfItsKeyThatHasNotStarted()
      throws InterruptedException {
    // given: no slot free; key k has a bulk request waiting, then a live one arrives
    InFlightLimiter limiter = new InFlightLimiter(1);
    CallDispatcher calls = new CallDispatcher(client, limiter);
    calls.admit(call(Lane.LIVE, "other", "busy"));
    calls.dispatch();
    calls.admit(call(Lane.BULK, "k", "k-bulk"));
    calls.admit(call(Lane.LIVE, "k", "k-live"));
    calls.dispatch();
    // when
    answer(calls, "busy");
    // then: the key's live request goes first, its bulk request after it (never both at once)
    assertThat(client.openRequestIds()).containsExactly("k-live");
    answer(calls, "k-live");
    assertThat(client.openRequestIds()).containsExactly("k-bulk");
  }

  @Test
  void shouldMakeALiveRequestWaitForAtMostTheBulkCallOfItsKeyOnTheWire()
      throws InterruptedException {
    // given: key k's bulk request is on the wire, with two more bulk requests of k behind it
    CallDispatcher calls = new CallDispatcher(client, new InFlightLimiter(4));
    calls.admit(call(Lane.BULK, "k", "k-bulk-1"));
    calls.admit(call(Lane.BULK, "k", "k-bulk-2"));
    calls.admit(call(Lane.BULK, "k", "k-bulk-3"));
    calls.dispatch();
    // when: a live request of k arrives
    calls.admit(call(Lane.LIVE, "k", "k-live"));
    calls.dispatch();
    // then: one call of k at a time; the live one right after the bulk call on the wire
    assertThat(client.openRequestIds()).containsExactly("k-bulk-1");
    answer(calls, "k-bulk-1");
    assertThat(client.openRequestIds()).containsExactly("k-live");
    answer(calls, "k-live");
    answer(calls, "k-bulk-2");
    assertThat(client.calledRequestIds())
        .containsExactly("k-bulk-1", "k-live", "k-bulk-2", "k-bulk-3");
  }

  @Test
  void shouldKeepOffsetOrderWithinEachLaneOfAKey() throws InterruptedException {
    // given
    CallDispatcher calls = new CallDispatcher(client, new InFlightLimiter(8));
    calls.admit(call(Lane.BULK, "k", "b1"));
    calls.admit(call(Lane.LIVE, "k", "l1"));
    calls.admit(call(Lane.BULK, "k", "b2"));
    calls.admit(call(Lane.LIVE, "k", "l2"));
    calls.dispatch();
    // when: every call answered as it comes
    for (int i = 0; i < 4; i++) {
      answer(calls, client.openRequestIds().get(0));
    }
    // then: live first (l1 overtook b1, which had not started), each lane in its order
    assertThat(client.calledRequestIds()).containsExactly("l1", "l2", "b1", "b2");
    assertThat(calls.pending()).isZero();
  }

  @Test
  void shouldCallAFailedBulkRequestAgainOnlyAfterTheLiveRequestsOfItsKey()
      throws InterruptedException {
    // given: a bulk call of k failed without an answer while a live request of k arrived
    CallDispatcher calls = new CallDispatcher(client, new InFlightLimiter(4));
    calls.admit(call(Lane.BULK, "k", "k-bulk"));
    calls.dispatch();
    calls.admit(call(Lane.LIVE, "k", "k-live"));
    client.complete("k-bulk", null);
    InFlightCall failed = calls.take(1_000_000_000L);
    // when: it is to be called again
    calls.callAgainLater(failed.call, 0);
    calls.releaseDue(System.nanoTime());
    calls.dispatch();
    // then
    assertThat(client.openRequestIds()).containsExactly("k-live");
    answer(calls, "k-live");
    assertThat(client.openRequestIds()).containsExactly("k-bulk");
  }

  @Test
  void shouldLeaveTheLiveReserveOfSlotsToLiveRequests() {
    // given: 10 slots, 20% kept for live requests, a bulk backlog
    InFlightLimiter limiter = new InFlightLimiter(10, 0.8);
    CallDispatcher calls = new CallDispatcher(client, limiter);
    for (int i = 0; i < 20; i++) {
      calls.admit(call(Lane.BULK, "b" + i, "bulk-" + i));
    }
    calls.dispatch();
    assertThat(client.openRequestIds()).hasSize(8);
    // when: live requests arrive
    for (int i = 0; i < 3; i++) {
      calls.admit(call(Lane.LIVE, "l" + i, "live-" + i));
    }
    calls.dispatch();
    // then: two start at once, on the reserved slots
    assertThat(client.openRequestIds()).hasSize(10).contains("live-0", "live-1");
  }
}
