package dev.identitystream.app.observability;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.identitystream.LogCapture;
import dev.identitystream.topology.PendingGauge.TaskLoad;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TaskLoadMetersTest {

  private static final TaskId FIRST = new TaskId(0, 0);
  private static final TaskId SECOND = new TaskId(0, 1);

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<TaskId, TaskLoad> loads = new TreeMap<>();
  private final AtomicLong nanos = new AtomicLong();
  private final TaskLoadMeters meters =
      new TaskLoadMeters(registry, () -> new TreeMap<>(loads), 10, nanos::get);

  @AfterEach
  void close() {
    registry.close();
  }

  @Test
  void shouldShowEachOpenTasksPendingAndInFlightAndForgetAClosedTask() {
    // given
    loads.put(FIRST, new TaskLoad(7, 3));
    loads.put(SECOND, new TaskLoad(2, 2));

    // when
    meters.refresh();
    String both = registry.scrape();
    loads.remove(FIRST);
    meters.refresh();
    String one = registry.scrape();

    // then
    assertThat(both)
        .contains("stage_task_pending{task=\"0_0\"} 7.0")
        .contains("stage_task_in_flight{task=\"0_0\"} 3.0")
        .contains("stage_task_pending{task=\"0_1\"} 2.0");
    assertThat(one)
        .doesNotContain("task=\"0_0\"")
        .contains("stage_task_in_flight{task=\"0_1\"} 2.0");
  }

  @Test
  void shouldLogOneLinePerBackpressureChangeNotPerSample() {
    try (LogCapture logs = LogCapture.start(TaskLoadMeters.class.getName())) {
      // given a task that fills up, stays full for three samples, then has room again
      for (int pending : List.of(5, 10, 12, 10, 9, 9)) {
        loads.put(FIRST, new TaskLoad(pending, 4));
        nanos.addAndGet(Duration.ofSeconds(1).toNanos());
        meters.refresh();
      }
      // and a second task that fills up and is then given away
      loads.put(SECOND, new TaskLoad(10, 1));
      meters.refresh();
      loads.remove(SECOND);
      nanos.addAndGet(Duration.ofSeconds(2).toNanos());
      meters.refresh();

      // then: one line on, one line off per episode
      List<String> lines =
          logs.events().stream()
              .filter(e -> e.getLoggerName().equals(TaskLoadMeters.class.getName()))
              .map(ILoggingEvent::getFormattedMessage)
              .toList();
      assertThat(lines).hasSize(4);
      assertThat(lines.get(0))
          .startsWith("Backpressure on: task 0_0 is full (10 of 10 pending, 4 calls in flight)");
      assertThat(lines.get(1))
          .startsWith("Backpressure off: task 0_0 has room again (9 of 10 pending) after PT3S");
      assertThat(lines.get(2)).startsWith("Backpressure on: task 0_1 is full");
      assertThat(lines.get(3))
          .startsWith("Backpressure off: task 0_1 closed in this instance after PT2S");
    }
  }
}
