package dev.identitystream.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Latency must not hold threads: hundreds of delayed answers are in flight at once. */
class EmulatorConcurrencyTest {

  @ParameterizedTest
  @ValueSource(ints = {0, 2})
  void shouldKeepHundredsOfDelayedAnswersInFlightWithFewThreads(int handlerThreads) {
    // given: 200 ms latency, 0 (the dispatcher) or 2 handler threads and 1 writer thread
    EmulatorOptions options =
        EmulatorClient.options().latency(Duration.ofMillis(200)).threads(handlerThreads, 1).build();
    try (PlaidEmulator emulator = PlaidEmulator.start(options)) {
      EmulatorClient client = new EmulatorClient(emulator);

      // when: 500 requests at once
      long start = System.nanoTime();
      List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        calls.add(
            client.postAsync(EmulatorClient.body("access-sandbox-c-" + i), Duration.ofSeconds(30)));
      }
      List<Integer> statuses = calls.stream().map(c -> c.join().statusCode()).toList();
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

      // then: a thread-per-wait server would need 500 x 200 ms / 2 = 50 s and hold 2 at most
      assertThat(statuses).hasSize(500).containsOnly(200);
      assertThat(emulator.stats().maxConcurrent()).isGreaterThan(50);
      assertThat(elapsed).isLessThan(Duration.ofSeconds(5)); // generous: ~0.2 s + connection setup
    }
  }
}
