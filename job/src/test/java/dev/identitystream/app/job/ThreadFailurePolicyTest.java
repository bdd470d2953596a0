package dev.identitystream.app.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TransactionAbortableException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

class ThreadFailurePolicyTest {

  private final List<Throwable> fatal = new ArrayList<>();

  @Test
  void shouldReplaceAThreadKilledByATransactionTheProducerGaveUpOn() {
    ThreadFailurePolicy policy = new ThreadFailurePolicy(fatal::add);
    StreamsException error =
        new StreamsException(
            "Error encountered sending record to topic items",
            new TransactionAbortableException(
                "Transaction Request was aborted after exhausting retries.",
                new TimeoutException("Topic accounts not present in metadata after 5000 ms.")));

    assertThat(policy.handle(error)).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
    assertThat(policy.replaced()).isEqualTo(1);
    assertThat(fatal).isEmpty();
  }

  @Test
  void shouldReplaceAThreadKilledByAnyRetriableKafkaError() {
    ThreadFailurePolicy policy = new ThreadFailurePolicy(fatal::add);

    assertThat(policy.handle(new StreamsException(new NotLeaderOrFollowerException("moved"))))
        .isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
  }

  @Test
  void shouldReplaceAThreadWhoseProducerCannotBeginAfterAnAbortThatTimedOut() {
    ThreadFailurePolicy policy = new ThreadFailurePolicy(fatal::add);
    StreamsException error =
        new StreamsException(
            "Exception caught in process. taskId=0_0",
            new IllegalStateException(
                "Cannot attempt operation `beginTransaction` because the previous call to"
                    + " `abortTransaction` timed out and must be retried"));

    assertThat(policy.handle(error)).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
  }

  @Test
  void shouldShutDownOnAnErrorThatIsNotTransient() {
    ThreadFailurePolicy policy = new ThreadFailurePolicy(fatal::add);
    StreamsException error =
        new StreamsException("bug", new IllegalStateException("a bug of ours"));

    assertThat(policy.handle(error)).isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
    assertThat(fatal).containsExactly(error);
    assertThat(policy.replaced()).isZero();
  }

  @Test
  void shouldShutDownWhenTransientErrorsKeepKillingThreads() {
    ThreadFailurePolicy policy = new ThreadFailurePolicy(fatal::add, 2, Duration.ofMinutes(10));
    StreamsException error = new StreamsException(new TimeoutException("again"));

    assertThat(policy.handle(error)).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
    assertThat(policy.handle(error)).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
    assertThat(policy.handle(error)).isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
    assertThat(fatal).containsExactly(error);
  }

  @Test
  void shouldNotLoopOnACauseChainThatRefersToItself() {
    ThreadFailurePolicy policy = new ThreadFailurePolicy(fatal::add);
    IllegalStateException loop = new IllegalStateException("a");
    RuntimeException outer = new RuntimeException("b", loop);
    loop.initCause(outer);

    assertThat(policy.handle(outer)).isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
  }
}
