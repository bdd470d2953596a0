package dev.identitystream.app.observability;

import dev.identitystream.topology.PendingGauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.streams.processor.TaskId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-task load of the call stage, sampled: the gauges {@code stage_task_pending{task}} and {@code
 * stage_task_in_flight{task}} (one series per task open in this instance; a task given away loses
 * its series at the next sample), and one log line per change of a task's backpressure state.
 *
 * <p>Backpressure: a task whose pending count reached {@code stage.max.pending} makes its stream
 * thread wait for answers before it admits more. When a sample first finds a task full, one INFO
 * line says so; when a later sample finds room again (or the task gone), one INFO line says how
 * long it lasted. Nothing is logged per record, and a task that stays full logs nothing more.
 *
 * <p>Threading: {@link #refresh} from one thread at a time (the metrics scheduler's); the gauges
 * are read by the scrape thread.
 */
final class TaskLoadMeters {

  static final String TASK_PENDING = "stage.task.pending";
  static final String TASK_IN_FLIGHT = "stage.task.in.flight";

  private static final Logger LOG = LoggerFactory.getLogger(TaskLoadMeters.class);

  private final Supplier<Map<TaskId, PendingGauge.TaskLoad>> loads;
  private final int maxPendingPerTask;
  private final LongSupplier nanoTime;
  private final MultiGauge pending;
  private final MultiGauge inFlight;

  /** The values the gauges read, per open task: they stay registered while the task stays open. */
  private final Map<TaskId, AtomicInteger> pendingOf = new HashMap<>();

  private final Map<TaskId, AtomicInteger> inFlightOf = new HashMap<>();

  /** Tasks found full at the last sample, with the time they were first found full. */
  private final Map<TaskId, Long> fullSince = new HashMap<>();

  TaskLoadMeters(
      MeterRegistry registry,
      Supplier<Map<TaskId, PendingGauge.TaskLoad>> loads,
      int maxPendingPerTask,
      LongSupplier nanoTime) {
    this.loads = loads;
    this.maxPendingPerTask = maxPendingPerTask;
    this.nanoTime = nanoTime;
    this.pending =
        MultiGauge.builder(TASK_PENDING)
            .description("Requests in one task's pending store (admitted, not yet answered)")
            .register(registry);
    this.inFlight =
        MultiGauge.builder(TASK_IN_FLIGHT)
            .description(
                "Plaid calls of one task holding a slot (in flight, or answered and not yet forwarded)")
            .register(registry);
  }

  /** Samples every open task: updates the gauges, logs backpressure that began or ended. */
  void refresh() {
    Map<TaskId, PendingGauge.TaskLoad> now = loads.get();
    List<MultiGauge.Row<?>> pendingRows = new ArrayList<>();
    List<MultiGauge.Row<?>> inFlightRows = new ArrayList<>();
    pendingOf.keySet().retainAll(now.keySet());
    inFlightOf.keySet().retainAll(now.keySet());
    now.forEach(
        (task, load) -> {
          Tags tags = Tags.of("task", task.toString());
          AtomicInteger pendingValue = pendingOf.computeIfAbsent(task, t -> new AtomicInteger());
          AtomicInteger inFlightValue = inFlightOf.computeIfAbsent(task, t -> new AtomicInteger());
          pendingValue.set(load.pending());
          inFlightValue.set(load.inFlight());
          pendingRows.add(MultiGauge.Row.of(tags, pendingValue, AtomicInteger::get));
          inFlightRows.add(MultiGauge.Row.of(tags, inFlightValue, AtomicInteger::get));
        });
    // rows of tasks no longer open are removed; the others keep their gauge and read the new value
    pending.register(pendingRows, false);
    inFlight.register(inFlightRows, false);
    logBackpressure(now);
  }

  private void logBackpressure(Map<TaskId, PendingGauge.TaskLoad> now) {
    long at = nanoTime.getAsLong();
    now.forEach(
        (task, load) -> {
          boolean full = load.pending() >= maxPendingPerTask;
          Long since = fullSince.get(task);
          if (full && since == null) {
            fullSince.put(task, at);
            LOG.info(
                "Backpressure on: task {} is full ({} of {} pending, {} calls in flight); its stream thread"
                    + " waits for answers before admitting more",
                task,
                load.pending(),
                maxPendingPerTask,
                load.inFlight());
          } else if (!full && since != null) {
            fullSince.remove(task);
            LOG.info(
                "Backpressure off: task {} has room again ({} of {} pending) after {}",
                task,
                load.pending(),
                maxPendingPerTask,
                Duration.ofNanos(at - since));
          }
        });
    fullSince
        .entrySet()
        .removeIf(
            entry -> {
              if (now.containsKey(entry.getKey())) {
                return false;
              }
              LOG.info(
                  "Backpressure off: task {} closed in this instance after {} full",
                  entry.getKey(),
                  Duration.ofNanos(at - entry.getValue()));
              return true;
            });
  }
}
