package dev.identitystream.topology;

import dev.identitystream.event.DlqHeaders;
import dev.identitystream.event.DlqReason;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;

/** Builds {@code identity-dlq} records: the original bytes plus KIP-1034 headers and our reason. */
final class DeadLetters {

  private DeadLetters() {}

  /**
   * @param failedBy the class that refused the record (its name goes to the exception header)
   * @param message precise and free of secrets
   * @param requestId the request id when known, else null
   */
  static OutputEvent.DeadLetter of(
      SourceRecord source, DlqReason reason, Class<?> failedBy, String message, String requestId) {
    Headers headers = source.copyHeaders();
    add(headers, DlqHeaders.EXCEPTION, failedBy.getName());
    add(headers, DlqHeaders.MESSAGE, message);
    add(headers, DlqHeaders.TOPIC, source.topic());
    add(headers, DlqHeaders.PARTITION, Integer.toString(source.partition()));
    add(headers, DlqHeaders.OFFSET, Long.toString(source.offset()));
    add(headers, DlqHeaders.REASON, reason.name());
    if (requestId != null) {
      add(headers, DlqHeaders.REQUEST_ID, requestId);
    }
    return new OutputEvent.DeadLetter(source.key(), source.value(), headers);
  }

  private static void add(Headers headers, String name, String value) {
    headers.add(name, value.getBytes(StandardCharsets.UTF_8));
  }
}
