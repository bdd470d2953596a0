package dev.identitystream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.identitystream.event.IdentityRequest;
import dev.identitystream.plaid.PlaidClient;
import dev.identitystream.plaid.PlaidRequest;
import dev.identitystream.plaid.PlaidResult;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Races the dispatch and slot code: client threads answer in random order and at random times while
 * one stream thread admits live and bulk calls, dispatches, takes, calls again later, and ends task
 * lives (close, then a new dispatcher re-admitting what is left, as a revival does). After every
 * step: slots never above the cap nor below zero; one call per key at a time within a life (live
 * and bulk together); no bulk call starts while a live call is ready; each key's calls of one lane
 * end in admission order; at the end no slot leaked and every request ended exactly once. It must
 * also catch deliberately broken variants.
 */
class CallDispatcherStressTest {

  private static final int CAP = 8;
  private static final int KEYS = 16;
  private static final int REQUESTS = 3_000;

  /** Answers on its own threads after a random short delay; checks one call per key at a time. */
  private static final class RacingClient implements PlaidClient {
    private final ScheduledExecutorService http;
    private final Map<String, AtomicInteger> perKey = new ConcurrentHashMap<>();
    private final StressRun run;
    private final KeyOrder order;

    RacingClient(ScheduledExecutorService http, StressRun run, KeyOrder order) {
      this.http = http;
      this.run = run;
      this.order = order;
    }

    @Override
    public CompletionStage<PlaidResult> identityDocumentsUploadsGet(PlaidRequest request) {
      if (request.bulk()
          && order.hasReady(Lane.LIVE)) { // called on the stream thread, in dispatch()
        run.violation("a bulk call started while a live call was ready: " + request.requestId());
      }
      String key = request.requestId().substring(0, request.requestId().indexOf(':'));
      AtomicInteger calls = perKey.computeIfAbsent(key, k -> new AtomicInteger());
      if (calls.incrementAndGet() > 1) {
        run.violation("two calls at once for key " + key);
      }
      CompletableFuture<PlaidResult> future = new CompletableFuture<>();
      http.schedule(
          () -> {
            calls.decrementAndGet();
            future.complete(Answers.success("item-" + key, 1));
          },
          ThreadLocalRandom.current().nextInt(500),
          TimeUnit.MICROSECONDS);
      return future;
    }
  }

  /** One run of the harness; the first violation seen, if any. */
  private static final class StressRun {
    private volatile String violation;

    void violation(String what) {
      if (violation == null) {
        violation = what;
      }
    }
  }

  /** Every third call is bulk; keys are shared by both lanes. */
  private static PendingCall call(int n) {
    String key = "k" + (n % KEYS);
    Lane lane = n % 3 == 0 ? Lane.BULK : Lane.LIVE;
    SourceRecord source =
        new SourceRecord(
            lane == Lane.BULK ? "identity-backfill-requests" : "identity-requests",
            0,
            n,
            0L,
            key.getBytes(StandardCharsets.UTF_8),
            new byte[] {'{', '}'},
            null);
    IdentityRequest request =
        new IdentityRequest("access-sandbox-x", key + ":" + n, null, List.of(), Map.of());
    return PendingCall.of(source, request, lane);
  }

  private static Optional<String> race(
      InFlightLimiter limiter, Supplier<KeyOrder> orders, long seed) throws InterruptedException {
    StressRun run = new StressRun();
    ScheduledExecutorService http = Executors.newScheduledThreadPool(4);
    Random random = new Random(seed);
    Map<String, PendingCall> open = new LinkedHashMap<>(); // admitted, not ended, in offset order
    Map<String, Integer> ended = new ConcurrentHashMap<>();
    Map<String, Long> lastEnded = new HashMap<>(); // per key and lane: the offset that ended last
    KeyOrder order = orders.get();
    CallDispatcher calls = new CallDispatcher(new RacingClient(http, run, order), limiter, order);
    int next = 0;
    long step = 0;
    try {
      while (ended.size() < REQUESTS && run.violation == null) {
        step++;
        if (next < REQUESTS && calls.pending() < 200 && random.nextInt(10) < 4) {
          PendingCall call = call(next++);
          open.put(call.requestId(), call);
          calls.admit(call);
        }
        calls.dispatch();
        InFlightCall answered = calls.take(random.nextInt(3) == 0 ? 200_000 : 0);
        if (answered != null) {
          if (random.nextInt(20) == 0) {
            calls.callAgainLater(answered.call, 0);
          } else {
            calls.ended(answered.call);
            open.remove(answered.call.requestId());
            ended.merge(answered.call.requestId(), 1, Integer::sum);
            String keyLane =
                new String(answered.call.source().key(), StandardCharsets.UTF_8)
                    + answered.call.lane();
            Long before = lastEnded.put(keyLane, answered.call.source().offset());
            if (before != null && before > answered.call.source().offset()) {
              run.violation(
                  "calls of "
                      + keyLane
                      + " ended out of order: "
                      + before
                      + " then "
                      + answered.call.source().offset());
            }
          }
        }
        calls.releaseDue(System.nanoTime());
        check(run, limiter, calls);
        if (step % 500 == 0) { // the task's life ends; the next one starts from what is left
          calls.close();
          check(run, limiter, calls);
          order = orders.get();
          calls = new CallDispatcher(new RacingClient(http, run, order), limiter, order);
          open.values().forEach(calls::admit);
        }
      }
      calls.close();
    } catch (RuntimeException e) {
      run.violation(e.toString());
    } finally {
      http.shutdown();
      http.awaitTermination(10, TimeUnit.SECONDS);
    }
    if (limiter.inFlight() != 0 || limiter.available() != CAP) {
      run.violation(
          "slots leaked: "
              + limiter.inFlight()
              + " in flight, "
              + limiter.available()
              + " free at the end");
    }
    if (run.violation == null
        && (ended.size() != REQUESTS || ended.values().stream().anyMatch(n -> n != 1))) {
      run.violation("not every request ended exactly once: " + ended.size() + " ended");
    }
    return Optional.ofNullable(run.violation);
  }

  private static void check(StressRun run, InFlightLimiter limiter, CallDispatcher calls) {
    int inFlight = limiter.inFlight();
    if (inFlight < 0 || inFlight > CAP || calls.holding() > CAP) {
      run.violation(
          "slots out of bounds: " + inFlight + " in flight, " + calls.holding() + " held");
    }
    int free = limiter.available();
    if (free < 0 || free > CAP) {
      run.violation("free slots out of bounds: " + free);
    }
  }

  @Test
  void shouldKeepEveryInvariantUnderRandomRaces() throws InterruptedException {
    for (long seed = 1; seed <= 3; seed++) {
      assertThat(race(new InFlightLimiter(CAP), KeyOrder::new, seed)).as("seed " + seed).isEmpty();
    }
  }

  @Test
  void shouldCatchAKeyOrderThatLetsTwoCallsOfAKeyRun() throws InterruptedException {
    Supplier<KeyOrder> broken =
        () ->
            new KeyOrder() {
              @Override
              void add(PendingCall call) {
                super.add(call);
                retry(call); // ready at once, behind its key's running call or not
              }
            };
    assertThat(race(new InFlightLimiter(CAP), broken, 1)).isPresent();
  }

  @Test
  void shouldCatchAKeyOrderThatServesBulkBeforeLive() throws InterruptedException {
    Supplier<KeyOrder> broken =
        () ->
            new KeyOrder() {
              @Override
              PendingCall pollReady(Lane lane) {
                return super.pollReady(lane == Lane.LIVE && hasReady(Lane.BULK) ? Lane.BULK : lane);
              }
            };
    assertThat(race(new InFlightLimiter(CAP), broken, 1))
        .hasValueSatisfying(v -> assertThat(v).contains("bulk"));
  }

  @Test
  void shouldCatchAKeyOrderThatReordersALane() throws InterruptedException {
    Supplier<KeyOrder> broken =
        () ->
            new KeyOrder() {
              private PendingCall held;

              @Override
              void add(PendingCall call) {
                if (call.lane() == Lane.BULK && held == null) {
                  held = call; // admitted after the key's next bulk call
                  return;
                }
                super.add(call);
                if (held != null && held.group().equals(call.group()) && call.lane() == Lane.BULK) {
                  super.add(held);
                  held = null;
                }
              }
            };
    assertThat(race(new InFlightLimiter(CAP), broken, 1))
        .hasValueSatisfying(v -> assertThat(v).contains("out of order"));
  }

  @Test
  void shouldCatchALimiterThatReleasesTwice() throws InterruptedException {
    InFlightLimiter broken =
        new InFlightLimiter(CAP) {
          @Override
          void release(Share share, Lane lane) {
            super.release(share, lane);
            super.release(share, lane);
          }
        };
    assertThat(race(broken, KeyOrder::new, 1))
        .hasValueSatisfying(v -> assertThat(v).contains("bounds"));
  }
}
