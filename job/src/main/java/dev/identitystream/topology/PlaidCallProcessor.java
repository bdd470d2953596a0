package dev.identitystream.topology;

import dev.identitystream.event.DlqReason;
import dev.identitystream.event.RequestValidator;
import dev.identitystream.plaid.LogContext;
import dev.identitystream.plaid.PlaidClient;
import dev.identitystream.plaid.PlaidResult;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable async call stage. Input: {@code identity-requests} and {@code
 * identity-backfill-requests} records (key and value bytes; the topic gives the {@link Lane}).
 * Output: {@link StageOutput}s, serialized and size-checked, forwarded as key and value bytes to
 * the sink of their topic ({@link StageOutput.Kind#sink()}).
 *
 * <p>Its parts: {@link PendingStore} (the changelogged pending requests, restored at init), {@link
 * CallDispatcher} (per-key order, in-flight slots, answers), {@link WaitBudget} (backpressure),
 * {@link OutcomeMapper} and {@link OutputEncoder} (what an answer becomes). The guarantees:
 *
 * <ol>
 *   <li><b>Durable.</b> {@code process()} writes a valid request to the pending store before its
 *       call starts; its outputs are forwarded and the entry deleted together on the stream thread,
 *       so under {@code exactly_once_v2} outputs, store and input offsets commit atomically: after
 *       a crash, a rebalance or a revival every request yields its outputs exactly once. Plaid may
 *       be called again for a request whose outputs were not committed (the endpoint is a read).
 *   <li><b>Threads.</b> {@code init}, {@code process}, the punctuator and {@code close} run on the
 *       task's stream thread, which alone forwards, touches the store, the per-key queues and
 *       starts calls. Client threads only record an answer and queue it ({@link InFlightCall}).
 *   <li><b>Lives.</b> Kafka Streams may {@code close()} this object and {@code init()} it again (a
 *       task revived after {@code TaskCorruptedException}, a suspended task resumed). Each {@code
 *       init()} starts a new life from the store alone: new queues, a new dispatcher and limiter
 *       share, a new gauge counter; nothing of the earlier life is kept. An answer of an earlier
 *       life goes to that life's dispatcher and is never forwarded. A life may begin from a store
 *       <em>ahead</em> of the input offsets (under {@code at_least_once} after a crash; under
 *       {@code exactly_once_v2} when Kafka Streams commits the thread's transaction for the other
 *       tasks while reviving this one): a record delivered again while its request is pending is
 *       not called twice, and one delivered again below the parked ones is read back before them
 *       ({@link Parking}), never left in the store.
 *   <li><b>Close.</b> {@code close()} abandons the life's calls: their slots are released at once
 *       and the calls cancelled (no more retries, no more waiting on an open breaker); the requests
 *       stay in the store for whoever runs the task next.
 *   <li><b>Transactions.</b> Each life tells its thread's {@link TransactionGuard} what it consumed
 *       ({@code process}) and wrote ({@code forward}) since the last commit, and that it ended
 *       ({@code close}); under {@code exactly_once_v2} the guard refuses the commits by which Kafka
 *       Streams would lose or duplicate that work when it revives some of the thread's tasks, and
 *       the job replaces the thread instead.
 *   <li><b>Per-key order.</b> Records with the same key are called one at a time; within each input
 *       topic in offset order, and their outputs appear in that order; different keys run
 *       concurrently. Across the two topics a key's live requests go before its bulk requests that
 *       have not started ({@link KeyOrder}).
 *   <li><b>Live before bulk.</b> Live requests are dispatched first whenever both wait ({@link
 *       CallDispatcher}, {@link InFlightLimiter}). Bulk requests hold at most half of the task's
 *       in-memory cap and never make the stream thread wait: beyond it they park at once, so a
 *       backfill's backlog is copied to the pending store at read speed and live records behind it
 *       in the same poll are not delayed.
 *   <li><b>Bounded calls and answers.</b> At most {@code maxInFlight} calls per instance hold a
 *       slot, from dispatch until the stream thread takes their answer: answers waiting for a busy
 *       stream thread count against the cap, so they never exceed it (heap: about cap × the largest
 *       response).
 *   <li><b>Backpressure.</b> When the task holds {@code maxPendingPerTask} requests in memory (and
 *       live ones parked), {@code process()} of a live record waits for answers (forwarding them),
 *       from a budget of {@code maxBlock} per stream thread between two polls ({@link WaitBudget});
 *       once it is spent the record is admitted anyway (it is durable, parked), so the thread
 *       returns to {@code poll()} in time.
 *   <li><b>Parking.</b> Records beyond the in-memory caps wait in the store only ({@link Parking})
 *       and are read back per lane and partition in offset order, live first, as room frees up.
 *   <li><b>Fleet share.</b> {@code init()} and {@code close()} tell the {@link FleetShare} which
 *       tasks this instance runs, from which its part of the application's Plaid budget follows.
 *   <li><b>Poison.</b> An answer whose outputs cannot be written (larger than the topic accepts, or
 *       not serializable) goes to the DLQ ({@code OUTPUT_TOO_LARGE}, {@code OUTPUT_INVALID}); so
 *       does a request whose pending-store entry is too large for the changelog; a DLQ record that
 *       is itself too large is truncated ({@link OutputEncoder#deadLetter}). Nothing it forwards
 *       can be refused for its size, so no answer can stop the task.
 *   <li><b>Client failures.</b> A call that fails with an exception instead of a result (a client
 *       closing, a bug) is called again after {@link #CALL_AGAIN_DELAY_NANOS}; the request stays
 *       pending and is never sent to the DLQ for it.
 * </ol>
 *
 * <p>Logging: nothing per record at INFO. The lines about one request carry {@code request_id} and
 * {@code item_id} in the MDC ({@link LogContext}), set on the thread that writes them.
 */
final class PlaidCallProcessor implements Processor<byte[], byte[], byte[], byte[]> {

  private static final Logger LOG = LoggerFactory.getLogger(PlaidCallProcessor.class);
  private static final long WAIT_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
  static final long CALL_AGAIN_DELAY_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final StageSettings settings;
  private final PlaidClient client;
  private final InFlightLimiter limiter;
  private final OutcomeMapper mapper;
  private final OutputEncoder encoder;
  private final RequestValidator validator;
  private final PendingGauge gauge;
  private final ThreadLocal<WaitBudget> waitBudgets;
  private final StageMetrics metrics;
  private final FleetShare fleet;
  private final TransactionGuard transactions;

  // One life, from init() to close(): all of it is replaced by the next init().
  private ProcessorContext<byte[], byte[]> context;
  private PendingStore store;
  private CallDispatcher calls;
  private ArrayDeque<PendingStore.Stored> restoredInvalid;
  private Parking parking;
  private AtomicInteger pendingCount;
  private Cancellable punctuator;
  private TransactionGuard.Participant participant;
  private Completion unfinished;
  private int pendingEntryLimit;
  private long overAdmitted;
  private long clientFailures;
  private long redelivered;

  PlaidCallProcessor(
      StageSettings settings, PlaidClient client, InFlightLimiter limiter, OutcomeMapper mapper) {
    this(
        settings,
        client,
        limiter,
        mapper,
        new PendingGauge(),
        WaitBudget.perThread(),
        StageMetrics.NONE,
        new FleetShare(),
        new TransactionGuard());
  }

  PlaidCallProcessor(
      StageSettings settings,
      PlaidClient client,
      InFlightLimiter limiter,
      OutcomeMapper mapper,
      PendingGauge gauge,
      ThreadLocal<WaitBudget> waitBudgets,
      StageMetrics metrics,
      FleetShare fleet,
      TransactionGuard transactions) {
    this.settings = settings;
    this.client = client;
    this.limiter = limiter;
    this.mapper = mapper;
    this.encoder = new OutputEncoder(settings.topics(), settings.outputLimits());
    this.validator = new RequestValidator(settings.maxRecordBytes());
    this.gauge = gauge;
    this.waitBudgets = waitBudgets;
    this.metrics = metrics;
    this.fleet = fleet;
    this.transactions = transactions;
  }

  @Override
  public void init(ProcessorContext<byte[], byte[]> context) {
    if (calls != null) {
      close(); // init without close: end the earlier life first
    }
    this.context = context;
    this.participant =
        transactions.join(
            context.taskId(),
            StreamsConfig.EXACTLY_ONCE_V2.equals(
                String.valueOf(
                    context.appConfigs().get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG))));
    this.store = new PendingStore(context.getStateStore(StageSettings.PENDING_STORE));
    this.calls = new CallDispatcher(client, limiter);
    this.restoredInvalid = new ArrayDeque<>();
    this.pendingCount = gauge.register(context.taskId());
    this.punctuator = null;
    this.unfinished = null;
    this.overAdmitted = 0;
    this.clientFailures = 0;
    this.redelivered = 0;
    this.pendingEntryLimit =
        settings.outputLimits().limitFor(StageSettings.changelogTopic(context.applicationId()));
    PendingStore.Restored restored =
        store.restore(
            validator,
            (lane, live, bulk) ->
                lane == Lane.LIVE
                    ? live + bulk < settings.maxPendingPerTask()
                    : bulk < settings.maxBulkInMemoryPerTask()
                        && live + bulk < settings.maxPendingPerTask());
    restored.calls().forEach(calls::admit);
    restoredInvalid.addAll(restored.invalid()); // forwarding is not allowed in init(): see drain()
    parking = new Parking(restored);
    fleet.opened(context.taskId());
    updateGauge();
    if (!restored.calls().isEmpty()) {
      LOG.info(
          "Task {} restored {} pending requests ({} of them parked in the store until there is room);"
              + " calling again",
          context.taskId(),
          restored.calls().size() + parking.total(),
          parking.total());
    }
    calls.dispatch();
    scheduleOrCancelPunctuator();
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    SourceRecord source = SourceRecord.of(context.recordMetadata().orElseThrow(), record);
    participant.consumed(source.topic(), source.partition(), source.offset());
    try {
      process(record, source);
    } catch (RuntimeException e) {
      // Kafka Streams drops the record and may keep this task running (a signal about another
      // task): the guard stops the thread's next commit from moving past it
      participant.dropped(source.topic(), source.partition(), source.offset());
      throw e;
    }
  }

  private void process(Record<byte[], byte[]> record, SourceRecord source) {
    drain();
    RequestValidator.Result result = validator.validate(record.key(), record.value());
    if (result instanceof RequestValidator.Invalid invalid) {
      deadLetter(source, invalid.reason(), RequestValidator.class, invalid.message(), null);
      return;
    }
    Lane lane = Lane.of(source.topic(), settings.topics());
    PendingCall call = PendingCall.of(source, ((RequestValidator.Valid) result).request(), lane);
    Bytes key = PendingStore.keyOf(lane, source.partition(), source.offset());
    if (parking.redelivery(lane, source.partition(), source.offset()) && store.contains(key)) {
      redelivered(source); // pending already: restored, in memory or parked
      return;
    }
    byte[] entry = source.encode();
    long entrySize = OutputLimits.sizeOf(key.get(), entry);
    if (entrySize > pendingEntryLimit) {
      String message =
          "the request's pending-store entry of about "
              + entrySize
              + " bytes exceeds the "
              + pendingEntryLimit
              + "-byte limit of the changelog topic (max.request.size or its max.message.bytes)";
      deadLetter(source, DlqReason.OUTPUT_TOO_LARGE, PendingStore.class, message, call.requestId());
      return;
    }
    store.add(key, entry);
    if (parking.holds(lane, source.partition()) || roomFor(lane) <= 0) {
      parking.park(lane, source.partition(), source.offset()); // behind what is parked already
    } else {
      calls.admit(call);
    }
    updateGauge();
    calls.dispatch();
    scheduleOrCancelPunctuator();
    if (lane == Lane.LIVE) {
      awaitRoom(); // bulk records never wait: see the class comment
    }
  }

  /**
   * A record delivered again while its request is pending (the life began from a store ahead of the
   * input offsets): it is not stored or called a second time.
   */
  private void redelivered(SourceRecord source) {
    redelivered++;
    if (Long.bitCount(redelivered) == 1) {
      LOG.info(
          "Task {} was handed {} at offset {} again while its request is pending (the pending store"
              + " is ahead of the committed input offsets); called once ({} such records so far)",
          context.taskId(),
          source.topic() + "-" + source.partition(),
          source.offset(),
          redelivered);
    }
  }

  /** How many more requests of a lane this task may hold in memory now. */
  private int roomFor(Lane lane) {
    int room = settings.maxPendingPerTask() - calls.pending();
    return lane == Lane.LIVE
        ? room
        : Math.min(room, settings.maxBulkInMemoryPerTask() - calls.pending(Lane.BULK));
  }

  /** Whether a live record must wait: memory is full, or live requests are parked already. */
  private boolean fullForLive() {
    return calls.pending() + parking.count(Lane.LIVE) >= settings.maxPendingPerTask();
  }

  @Override
  public void close() {
    if (participant != null) {
      participant.leave(); // also after an init() that failed half-way; leaving twice is nothing
    }
    if (calls == null) {
      return;
    }
    calls.close();
    calls = null;
    if (punctuator != null) {
      punctuator.cancel();
      punctuator = null;
    }
    gauge.unregister(context.taskId(), pendingCount);
    fleet.closed(context.taskId());
    restoredInvalid = null;
    parking = null;
    store = null;
  }

  /** Pending requests of this life, in memory and parked (for tests and metrics); 0 when closed. */
  int pending() {
    return calls == null ? 0 : calls.pending() + parking.total();
  }

  /** Forwards what is ready: refused restored entries, answered calls; then dispatches. */
  private void drain() {
    while (!restoredInvalid.isEmpty()) {
      rejectRestored(restoredInvalid.poll());
    }
    if (unfinished != null) {
      complete(unfinished); // interrupted by a signal about another task (see punctuate())
    }
    InFlightCall answered;
    while ((answered = takeAnswer(0)) != null) {
      complete(new Completion(answered));
    }
    calls.releaseDue(System.nanoTime());
    refill();
    calls.dispatch();
    scheduleOrCancelPunctuator();
  }

  /** Reads parked requests back from the store as room frees up: live first, then bulk. */
  private void refill() {
    int batch = settings.maxPendingPerTask() / 16;
    for (Lane lane : Lane.values()) {
      parking.refill(
          store,
          lane,
          () -> roomFor(lane),
          batch,
          source -> {
            RequestValidator.Result result = validator.validate(source.key(), source.value());
            if (result instanceof RequestValidator.Valid valid) {
              calls.admit(PendingCall.of(source, valid.request(), lane));
            } else {
              rejectRestored(new PendingStore.Stored(source, lane));
            }
          });
    }
    updateGauge();
  }

  private InFlightCall takeAnswer(long timeoutNanos) {
    try {
      return calls.take(timeoutNanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /**
   * An answer taken from the dispatcher, on its way out: its outputs once built, and how many of
   * them are forwarded already.
   */
  private static final class Completion {
    final InFlightCall answered;
    List<StageOutput> outputs;
    int forwarded;

    Completion(InFlightCall answered) {
      this.answered = answered;
    }
  }

  /**
   * Forwards an answer's outputs and ends its call. Until it has, the completion is kept as {@code
   * unfinished}: if Kafka Streams throws out of a forward and keeps this task running, the next
   * drain finishes it (without forwarding again what was forwarded), so the call never stays
   * current of its key for ever.
   */
  private void complete(Completion completion) {
    unfinished = completion;
    InFlightCall answered = completion.answered;
    PendingCall call = answered.call;
    PlaidResult result = answered.result();
    if (result == null) {
      unfinished = null;
      callAgainLater(call, answered.error());
      return;
    }
    if (completion.outputs == null) {
      completion.outputs = outputsOf(call, result);
      logAndCount(answered, completion.outputs);
    }
    List<StageOutput> outputs = completion.outputs;
    while (completion.forwarded < outputs.size()) {
      forward(outputs.get(completion.forwarded), call.source().timestamp());
      completion.forwarded++;
    }
    unfinished = null;
    store.remove(call.source(), call.lane());
    calls.ended(call);
    updateGauge();
  }

  private void logAndCount(InFlightCall answered, List<StageOutput> outputs) {
    PendingCall call = answered.call;
    PlaidResult result = answered.result();
    if (LOG.isDebugEnabled()) {
      try (LogContext ignored = LogContext.of(call.requestId(), call.request().itemId())) {
        LOG.debug(
            "Request completed: {} after {} attempts; {} outputs",
            result.describe(),
            result.attempts(),
            outputs.size());
      }
    }
    metrics.onCallCompleted(result, System.nanoTime() - answered.startedNanos);
  }

  /** The outputs of a result; a DLQ record instead when they cannot be written. */
  private List<StageOutput> outputsOf(PendingCall call, PlaidResult result) {
    DlqReason reason;
    String message;
    try {
      return encoder.encode(mapper.map(call, result));
    } catch (OutputEncoder.TooLarge e) {
      reason = DlqReason.OUTPUT_TOO_LARGE;
      message = e.getMessage();
    } catch (StreamsException e) {
      throw e; // Kafka Streams' own signals (a task to revive or migrate) are not about the answer
    } catch (RuntimeException e) {
      reason = DlqReason.OUTPUT_INVALID;
      message =
          "Plaid's answer ("
              + result.describe()
              + ") could not be written as output records: "
              + e.getClass().getSimpleName();
    }
    try (LogContext ignored = LogContext.of(call.requestId(), call.request().itemId())) {
      LOG.warn("Request {} goes to the DLQ ({}): {}", call.requestId(), reason, message);
    }
    return List.of(
        encoder.deadLetter(
            DeadLetters.of(call.source(), reason, OutputEncoder.class, message, call.requestId())));
  }

  /** A call that failed without a result: the request stays pending and is called again. */
  private void callAgainLater(PendingCall call, Throwable error) {
    clientFailures++;
    if (Long.bitCount(clientFailures) == 1) {
      try (LogContext ignored = LogContext.of(call.requestId(), call.request().itemId())) {
        LOG.warn(
            "Plaid client failed for request {} without a result ({}); it stays pending and is"
                + " called again in {} ms ({} such failures in task {} so far)",
            call.requestId(),
            error == null ? "no result" : error.getClass().getName(),
            TimeUnit.NANOSECONDS.toMillis(CALL_AGAIN_DELAY_NANOS),
            clientFailures,
            context.taskId());
      }
    }
    calls.callAgainLater(call, CALL_AGAIN_DELAY_NANOS);
  }

  /** A restored entry that a newer validator refuses: to the DLQ, out of the store. */
  private void rejectRestored(PendingStore.Stored stored) {
    SourceRecord source = stored.source();
    RequestValidator.Invalid invalid =
        (RequestValidator.Invalid) validator.validate(source.key(), source.value());
    deadLetter(source, invalid.reason(), RequestValidator.class, invalid.message(), null);
    store.remove(source, stored.lane());
  }

  /**
   * Backpressure for live records: while the task is full, waits for answers (forwarding them) from
   * the stream thread's budget for this pass; when it is spent, returns and the record stays
   * admitted.
   */
  private void awaitRoom() {
    if (!fullForLive()) {
      return;
    }
    WaitBudget budget = waitBudgets.get();
    long maxBlock = settings.maxBlock().toNanos();
    while (fullForLive()) {
      long start = System.nanoTime();
      long left = budget.remainingNanos(PollSignal.pollsOfThisThread(), start, maxBlock);
      if (left <= 0) {
        overAdmitted++;
        if (Long.bitCount(overAdmitted) == 1) {
          LOG.warn(
              "Task {} is full ({} pending) and its stream thread spent its wait of {} since the last"
                  + " poll; admitted anyway ({} times so far)",
              context.taskId(),
              pending(),
              settings.maxBlock(),
              overAdmitted);
        }
        return;
      }
      InFlightCall answered = takeAnswer(Math.min(left, WAIT_SLICE_NANOS));
      long end = System.nanoTime();
      budget.spend(end - start, end);
      if (Thread.currentThread().isInterrupted()) {
        return;
      }
      if (answered != null) {
        if (unfinished != null) {
          complete(unfinished); // first the one a signal about another task interrupted
        }
        complete(new Completion(answered));
      }
      drain();
    }
  }

  /**
   * The punctuator's work. Kafka Streams may throw out of it a signal about <em>another</em> task
   * and keep this one running: under {@code exactly_once_v2} a thread's tasks share one producer,
   * and a failed send of one task surfaces in the next send of any task as a {@code
   * TaskCorruptedException} naming the first. Kafka Streams also drops a schedule whose punctuator
   * threw. So the schedule is renewed before the signal goes on, and the answer being forwarded is
   * finished at the next drain ({@link #complete}); if this task is the one to revive, {@code
   * close()} cancels the new schedule.
   */
  private void punctuate() {
    try {
      drain();
    } catch (RuntimeException e) {
      Cancellable dropped = punctuator; // Kafka Streams does not run it again
      punctuator = null;
      if (dropped != null) {
        dropped.cancel();
      }
      scheduleOrCancelPunctuator();
      throw e;
    }
  }

  /** The punctuator runs only while there is something to drain: an idle task does not wake up. */
  private void scheduleOrCancelPunctuator() {
    boolean needed = pending() > 0 || !restoredInvalid.isEmpty();
    if (needed && punctuator == null) {
      punctuator =
          context.schedule(
              settings.drainInterval(), PunctuationType.WALL_CLOCK_TIME, now -> punctuate());
    } else if (!needed && punctuator != null) {
      punctuator.cancel();
      punctuator = null;
    }
  }

  private void updateGauge() {
    gauge.update(pendingCount, pending(), calls.pending(), calls.holding());
  }

  /** Forwards a DLQ record for the source (truncated if the DLQ topic cannot hold it whole). */
  private void deadLetter(
      SourceRecord source, DlqReason reason, Class<?> failedBy, String message, String requestId) {
    forward(
        encoder.deadLetter(DeadLetters.of(source, reason, failedBy, message, requestId)),
        source.timestamp());
  }

  private void forward(StageOutput output, long timestamp) {
    Record<byte[], byte[]> record =
        output.headers() != null
            ? new Record<>(output.key(), output.value(), timestamp, output.headers())
            : new Record<>(output.key(), output.value(), timestamp);
    participant.wrote(); // before the send: a send that throws may still be in the transaction
    context.forward(record, output.kind().sink());
    metrics.onRecordOut(output.kind().topic(settings.topics()));
  }
}
