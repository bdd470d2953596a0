package dev.identitystream.app.replay;

import dev.identitystream.testkit.OutputRecord;
import dev.identitystream.testkit.ReplayResult;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a replay's output topics as JSON Lines, {@code <dir>/<topic>.jsonl} for every output topic
 * (an empty file for a topic nothing was written to), one line per record in the order the topology
 * wrote them, each {@link OutputRecord#toJsonLine()}:
 *
 * <pre>{"key": "...", "value": {...}, "headers": {"name": "value", ...}}</pre>
 *
 * <p>the value exactly as the job serialized it, except on the DLQ topic, whose values are the
 * original requests: there {@code access_token} is replaced by {@value OutputRecord#REDACTED}.
 *
 * <p>Lines end with {@code \n}; the files are UTF-8. Threading: stateless.
 */
final class ReplayOutput {

  private ReplayOutput() {}

  /** Writes every topic's file; returns the records written per topic, in the result's order. */
  static Map<String, Integer> write(Path dir, ReplayResult result) throws IOException {
    Files.createDirectories(dir);
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (Map.Entry<String, List<OutputRecord>> topic : result.outputs().entrySet()) {
      try (BufferedWriter out =
          Files.newBufferedWriter(dir.resolve(topic.getKey() + ".jsonl"), StandardCharsets.UTF_8)) {
        for (OutputRecord record : topic.getValue()) {
          out.write(record.toJsonLine());
          out.write('\n');
        }
      }
      counts.put(topic.getKey(), topic.getValue().size());
    }
    return counts;
  }
}
