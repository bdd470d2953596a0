package dev.identitystream.topology;

import dev.identitystream.event.RequestValidator;
import dev.identitystream.plaid.FailureKind;
import dev.identitystream.plaid.LogContext;
import dev.identitystream.plaid.PlaidClient;
import dev.identitystream.plaid.PlaidResult;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable async call stage. Input: {@code identity-requests} records (key and value bytes).
 * Output: {@link OutputEvent}s, routed to their topics by the split that follows.
 *
 * <p>{@code process()} validates a record (bad input goes straight to the DLQ), writes it to the
 * changelogged pending store and dispatches its call when its key has no call running and a global
 * slot is free. Completions are only queued by the client's threads; this stage forwards the
 * outputs and deletes the pending entry on the stream thread (in {@code process()} and in a short
 * wall-clock punctuator), so under {@code exactly_once_v2} outputs, store and offsets commit
 * together. {@code init()} re-dispatches what a restored store holds. Records with the same key are
 * called one at a time, in offset order.
 *
 * <p>Backpressure: when the task holds {@code maxPendingPerTask} requests, {@code process()} waits
 * for completions (draining them) for at most {@code maxBlock}; after that it admits the record
 * anyway (durably, in the store) so the stream thread goes back to polling and the instance stays
 * in its group. The full tasks of one stream thread share that wait ({@link WaitRound}): a thread
 * waits about {@code maxBlock} per pass over its tasks, not {@code maxBlock} per full task.
 *
 * <p>Threading: every method runs on the task's stream thread, except the completion callback,
 * which runs on a client thread: it releases the global slot, enqueues the result and starts the
 * next ready call (of another key) with the freed slot. Outputs, the store and the per-key queues
 * are touched by the stream thread only.
 *
 * <p>Logging: nothing per record at INFO. The lines about one request carry {@code request_id} and
 * {@code item_id} in the MDC ({@link LogContext}), set on the thread that writes them (the stream
 * thread for a completion, the client's thread in the callback) and cleared right after.
 */
final class PlaidCallProcessor implements Processor<byte[], byte[], byte[], OutputEvent> {

  private static final Logger LOG = LoggerFactory.getLogger(PlaidCallProcessor.class);
  private static final long WAIT_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
  private static final int MAX_DISPATCH_PASSES = 3;

  private final StageSettings settings;
  private final PlaidClient client;
  private final InFlightLimiter limiter;
  private final InFlightLimiter.Share share;
  private final OutcomeMapper mapper;
  private final RequestValidator validator;
  private final PendingGauge gauge;
  private final ThreadLocal<WaitRound> waitRounds;
  private final StageMetrics metrics;

  private final LinkedBlockingQueue<Completion> completions = new LinkedBlockingQueue<>();
  private final Map<Object, ArrayDeque<PendingCall>> byGroup = new HashMap<>();
  /** Calls whose key has no call running, waiting for a slot: filled by the stream thread, taken by any. */
  private final ConcurrentLinkedQueue<PendingCall> ready = new ConcurrentLinkedQueue<>();
  /** Held while one thread takes slots for ready calls (a client thread or the stream thread). */
  private final AtomicBoolean dispatching = new AtomicBoolean();
  private final ArrayDeque<SourceRecord> restoredInvalid = new ArrayDeque<>();
  private ProcessorContext<byte[], OutputEvent> context;
  private KeyValueStore<Bytes, byte[]> store;
  private Cancellable punctuator;
  private int pending;
  private AtomicInteger pendingCount;
  private long overAdmitted;
  private long lastWaitRound = -1;
  private volatile boolean closed;

  private record Completion(PendingCall call, PlaidResult result, long durationNanos) {}

  PlaidCallProcessor(
      StageSettings settings, PlaidClient client, InFlightLimiter limiter, OutcomeMapper mapper) {
    this(settings, client, limiter, mapper, new PendingGauge(), WaitRound.perThread(), StageMetrics.NONE);
  }

  PlaidCallProcessor(
      StageSettings settings,
      PlaidClient client,
      InFlightLimiter limiter,
      OutcomeMapper mapper,
      PendingGauge gauge,
      ThreadLocal<WaitRound> waitRounds,
      StageMetrics metrics) {
    this.settings = settings;
    this.client = client;
    this.limiter = limiter;
    this.share = limiter.register();
    this.mapper = mapper;
    this.validator = new RequestValidator(settings.maxRecordBytes());
    this.gauge = gauge;
    this.waitRounds = waitRounds;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<byte[], OutputEvent> context) {
    this.context = context;
    this.store = context.getStateStore(StageSettings.PENDING_STORE);
    this.pendingCount = gauge.register(context.taskId());
    restore();
    dispatchReady();
    if (!restoredInvalid.isEmpty()) {
      schedulePunctuator();
    }
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    drainCompleted();
    SourceRecord source = SourceRecord.of(context.recordMetadata().orElseThrow(), record);
    RequestValidator.Result result = validator.validate(record.key(), record.value());
    if (result instanceof RequestValidator.Invalid invalid) {
      forward(
          DeadLetters.of(source, invalid.reason(), RequestValidator.class, invalid.message(), null),
          source.timestamp());
      return;
    }
    PendingCall call = PendingCall.of(source, ((RequestValidator.Valid) result).request());
    store.put(source.storeKey(), source.encode());
    admit(call);
    dispatchReady();
    awaitRoom();
  }

  @Override
  public void close() {
    closed = true;
    limiter.markWaiting(share, false);
    if (punctuator != null) {
      punctuator.cancel();
      punctuator = null;
    }
    if (pendingCount != null) {
      gauge.unregister(context.taskId(), pendingCount);
    }
    // Calls in flight keep their slots until they complete; their results are dropped here and
    // the requests stay in the store, so whoever owns the task next calls again.
  }

  /** Pending requests of this task (for tests and metrics). */
  int pending() {
    return pending;
  }

  private void restore() {
    int restored = 0;
    try (KeyValueIterator<Bytes, byte[]> entries = store.all()) {
      while (entries.hasNext()) {
        KeyValue<Bytes, byte[]> entry = entries.next();
        SourceRecord source = SourceRecord.decode(entry.value);
        RequestValidator.Result result = validator.validate(source.key(), source.value());
        if (result instanceof RequestValidator.Valid valid) {
          admit(PendingCall.of(source, valid.request()));
          restored++;
        } else {
          restoredInvalid.add(source); // forwarding is not allowed in init(): see drainCompleted()
        }
      }
    }
    if (restored > 0) {
      LOG.info("Task {} restored {} pending requests; calling again", context.taskId(), restored);
    }
  }

  /**
   * The drain punctuator runs only while the task has pending requests: an idle task does not
   * mark itself for commit every few milliseconds.
   */
  private void schedulePunctuator() {
    if (punctuator == null) {
      punctuator =
          context.schedule(settings.drainInterval(), PunctuationType.WALL_CLOCK_TIME, now -> drain());
    }
  }

  private void cancelPunctuatorIfIdle() {
    if (pending == 0 && restoredInvalid.isEmpty() && punctuator != null) {
      punctuator.cancel();
      punctuator = null;
    }
  }

  private void admit(PendingCall call) {
    schedulePunctuator();
    pending++;
    gauge.update(pendingCount, pending);
    ArrayDeque<PendingCall> queue = byGroup.computeIfAbsent(call.group(), g -> new ArrayDeque<>());
    queue.add(call);
    if (queue.size() == 1) {
      ready.add(call);
    }
  }

  /** Stream thread: calls what the free slots allow, and tells the limiter whether the task waits. */
  private void dispatchReady() {
    dispatchAvailable();
    limiter.markWaiting(share, !ready.isEmpty());
  }

  /**
   * Takes free slots for ready calls. Runs on the stream thread and, when a call completes, on the
   * client's thread: a freed slot goes straight to the next ready call instead of waiting for the
   * stream thread (which may be committing or polling). A thread that finds another one dispatching
   * leaves it to that one (or to the next drain); a completion that is synchronous (a call answered
   * on the calling thread) cannot recurse into here.
   */
  private void dispatchAvailable() {
    // A slot released while another thread held the flag would stay idle until the next drain
    // (10 ms or more when the stream thread commits): look again after letting go, a few times.
    for (int pass = 0; pass < MAX_DISPATCH_PASSES; pass++) {
      if (!dispatching.compareAndSet(false, true)) {
        return;
      }
      try {
        while (!closed && !ready.isEmpty() && limiter.tryAcquire(share)) {
          PendingCall next = ready.poll();
          if (next == null) {
            limiter.release(share);
            break;
          }
          call(next);
        }
      } finally {
        dispatching.set(false);
      }
      if (closed || ready.isEmpty() || limiter.available() == 0) {
        return;
      }
    }
  }

  private void call(PendingCall call) {
    CompletionStage<PlaidResult> stage;
    long started = System.nanoTime();
    try {
      stage = client.identityDocumentsUploadsGet(call.plaidRequest());
    } catch (RuntimeException e) {
      stage = CompletableFuture.failedFuture(e);
    }
    stage.whenComplete(
        (result, error) -> {
          limiter.release(share);
          if (closed) {
            return;
          }
          PlaidResult outcome = result;
          if (outcome == null) {
            try (LogContext ignored = LogContext.of(call.requestId(), call.request().itemId())) {
              LOG.error(
                  "Plaid client failed unexpectedly for request {}: {}",
                  call.requestId(),
                  error == null ? "null result" : error.getClass().getName());
            }
            outcome =
                new PlaidResult.TransportFailure(
                    FailureKind.CONNECTION, 0, "client failed unexpectedly", 1);
          }
          completions.add(new Completion(call, outcome, System.nanoTime() - started));
          dispatchAvailable();
        });
  }

  private void drain() {
    drainCompleted();
    dispatchReady();
  }

  private void drainCompleted() {
    while (!restoredInvalid.isEmpty()) {
      rejectRestored(restoredInvalid.poll());
    }
    Completion completion;
    while ((completion = completions.poll()) != null) {
      complete(completion);
    }
  }

  private void complete(Completion completion) {
    PendingCall call = completion.call();
    List<OutputEvent> outputs = mapper.map(call, completion.result());
    if (LOG.isDebugEnabled()) {
      try (LogContext ignored = LogContext.of(call.requestId(), call.request().itemId())) {
        LOG.debug(
            "Request completed: {} after {} attempts; {} outputs",
            describe(completion.result()),
            completion.result().attempts(),
            outputs.size());
      }
    }
    metrics.onCallCompleted(completion.result(), completion.durationNanos());
    for (OutputEvent output : outputs) {
      forward(output, call.source().timestamp());
    }
    store.delete(call.source().storeKey());
    pending--;
    gauge.update(pendingCount, pending);
    ArrayDeque<PendingCall> queue = byGroup.get(call.group());
    queue.poll();
    if (queue.isEmpty()) {
      byGroup.remove(call.group());
    } else {
      ready.add(queue.peek());
    }
    cancelPunctuatorIfIdle();
  }

  /** A restored entry that a newer validator refuses: to the DLQ, out of the store. */
  private void rejectRestored(SourceRecord source) {
    RequestValidator.Result result = validator.validate(source.key(), source.value());
    RequestValidator.Invalid invalid = (RequestValidator.Invalid) result;
    forward(
        DeadLetters.of(source, invalid.reason(), RequestValidator.class, invalid.message(), null),
        source.timestamp());
    store.delete(source.storeKey());
  }

  /**
   * Backpressure: waits, draining completions, until the task has room or the stream thread's
   * current wait round ends (at most maxBlock).
   */
  private void awaitRoom() {
    if (pending < settings.maxPendingPerTask()) {
      return;
    }
    WaitRound waitRound = waitRounds.get();
    lastWaitRound = waitRound.join(lastWaitRound, System.nanoTime(), settings.maxBlock().toNanos());
    long deadline = waitRound.deadlineNanos();
    while (pending >= settings.maxPendingPerTask()) {
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        overAdmitted++;
        if (Long.bitCount(overAdmitted) == 1) {
          LOG.warn(
              "Task {} is full ({} pending) and its stream thread waited {}; admitted anyway ({} times so far)",
              context.taskId(),
              pending,
              settings.maxBlock(),
              overAdmitted);
        }
        return;
      }
      Completion completion;
      try {
        completion = completions.poll(Math.min(remaining, WAIT_SLICE_NANOS), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (completion != null) {
        complete(completion);
        drainCompleted();
      }
      dispatchReady();
    }
  }

  /** A token-free summary of a result for the logs. */
  private static String describe(PlaidResult result) {
    if (result instanceof PlaidResult.Exhausted exhausted) {
      return "retries exhausted, last " + describe(exhausted.last());
    }
    if (result instanceof PlaidResult.ErrorAnswer answer) {
      return "HTTP " + answer.httpStatus() + " " + answer.error().errorType() + "/" + answer.error().errorCode();
    }
    if (result instanceof PlaidResult.TransportFailure failure) {
      return failure.kind() + " (HTTP " + failure.httpStatus() + ")";
    }
    return "HTTP " + ((PlaidResult.Success) result).httpStatus();
  }

  private void forward(OutputEvent output, long timestamp) {
    Record<byte[], OutputEvent> record =
        output instanceof OutputEvent.DeadLetter dead
            ? new Record<>(output.key(), output, timestamp, dead.headers())
            : new Record<>(output.key(), output, timestamp);
    context.forward(record);
    metrics.onRecordOut(topicOf(output));
  }

  private String topicOf(OutputEvent output) {
    Topics topics = settings.topics();
    if (output instanceof OutputEvent.Account) {
      return topics.accounts();
    } else if (output instanceof OutputEvent.ItemStatus) {
      return topics.items();
    } else if (output instanceof OutputEvent.ItemError) {
      return topics.itemErrors();
    }
    return topics.dlq();
  }

}
