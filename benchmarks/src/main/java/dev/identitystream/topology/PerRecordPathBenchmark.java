package dev.identitystream.topology;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.identitystream.event.EventSerdes;
import dev.identitystream.event.ItemStatusRecord;
import dev.identitystream.event.Json;
import dev.identitystream.event.RawJson;
import dev.identitystream.event.RequestValidator;
import dev.identitystream.plaid.IdentityDocumentsResponse;
import dev.identitystream.plaid.PlaidError;
import dev.identitystream.plaid.PlaidJson;
import dev.identitystream.plaid.PlaidResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The job's CPU work per Plaid answer, minus Kafka and HTTP, on one core: from the 200 body's bytes
 * to the serialized value of every output record.
 *
 * <ul>
 *   <li>{@code parse}: bytes to {@link IdentityDocumentsResponse} (what {@code
 *       HttpPlaidClient.toResult} does with a body);
 *   <li>{@code parseIndented}: the same bodies indented the way Plaid's API sends them (two spaces
 *       per level, a line per member, {@code "name": value}), which the parse compacts;
 *   <li>{@code parseAndSplit}: parse, {@link OutcomeMapper#map} (one account record per account
 *       plus one Item status), then every key and value serialized with the serde its sink uses;
 *   <li>{@code treeBaseline}: the same records the way the job made them before accounts became raw
 *       JSON: the body read as a tree, each account an {@code ObjectNode} written field by field.
 * </ul>
 *
 * <p>Scores are responses per second; {@code parseAndSplit} and {@code treeBaseline} also report a
 * secondary {@code records} score, output records per second (accounts + 1 per response), which is
 * the "records per second per core" figure. Bodies come from the Plaid emulator ({@link
 * EmulatorBodies}); several distinct bodies are cycled so no answer is served hot from the cache of
 * the previous invocation. Run with {@code bench/jmh.sh}.
 *
 * <p>Threading: JMH gives each benchmark thread its own state; {@code @Threads(1)} keeps the figure
 * per core.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class PerRecordPathBenchmark {

  /** Distinct bodies per account count (a power of two: the cycle is a mask). */
  private static final int BODIES = 8;

  /** Accounts per response: 10 is the figure; 1 and 50 bound the response-size sweep. */
  @Param({"1", "10", "50"})
  public int accounts;

  private byte[][] bodies;
  private byte[][] indentedBodies;
  private int next;
  private PendingCall call;
  private OutcomeMapper mapper;
  private TreePath treePath;

  /** Output records per second, as a secondary score ({@code records}). */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class OutputRecords {
    /** Output records produced in this iteration; JMH divides by the iteration's time. */
    public long records;

    @Setup(Level.Iteration)
    public void reset() {
      records = 0;
    }
  }

  @Setup(Level.Trial)
  public void setUp() throws IOException, InterruptedException {
    bodies = EmulatorBodies.fetch(accounts, BODIES).toArray(byte[][]::new);
    indentedBodies = new byte[BODIES][];
    for (int i = 0; i < BODIES; i++) {
      indentedBodies[i] = indented(bodies[i]);
      if (!IdentityDocumentsResponse.parse(indentedBodies[i], 0, indentedBodies[i].length)
          .equals(IdentityDocumentsResponse.parse(bodies[i], 0, bodies[i].length))) {
        throw new IllegalStateException("an indented body does not parse to the same response");
      }
    }
    call = requestCall();
    Clock clock = Clock.systemUTC();
    mapper = new OutcomeMapper(clock);
    treePath = new TreePath(clock);
    for (byte[] body : bodies) {
      IdentityDocumentsResponse response = IdentityDocumentsResponse.parse(body, 0, body.length);
      int records = mapper.map(call, new PlaidResult.Success(200, response, 1)).size();
      if (response.accounts().size() != accounts || records != accounts + 1) {
        throw new IllegalStateException(
            "a body gives " + response.accounts().size() + " accounts and " + records + " records");
      }
    }
  }

  @Benchmark
  public IdentityDocumentsResponse parse() throws IOException {
    byte[] body = nextBody();
    return IdentityDocumentsResponse.parse(body, 0, body.length);
  }

  @Benchmark
  public IdentityDocumentsResponse parseIndented() throws IOException {
    byte[] body = indentedBodies[next++ & (BODIES - 1)];
    return IdentityDocumentsResponse.parse(body, 0, body.length);
  }

  @Benchmark
  public void parseAndSplit(OutputRecords out, Blackhole blackhole) throws IOException {
    byte[] body = nextBody();
    PlaidResult result =
        new PlaidResult.Success(200, IdentityDocumentsResponse.parse(body, 0, body.length), 1);
    List<OutputEvent> events = mapper.map(call, result);
    for (OutputEvent event : events) {
      blackhole.consume(event.key());
      blackhole.consume(serialize(event));
    }
    out.records += events.size();
  }

  @Benchmark
  public void treeBaseline(OutputRecords out, Blackhole blackhole) throws IOException {
    out.records += treePath.run(call, nextBody(), blackhole);
  }

  private byte[] nextBody() {
    return bodies[next++ & (BODIES - 1)];
  }

  /** Compact JSON indented like Plaid's answers: two spaces a level, one member a line, ": ". */
  static byte[] indented(byte[] compact) {
    String json = new String(compact, StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder(json.length() * 2);
    int depth = 0;
    boolean inString = false;
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      if (inString) {
        out.append(c);
        if (c == '\\') {
          out.append(json.charAt(++i));
        } else if (c == '"') {
          inString = false;
        }
        continue;
      }
      switch (c) {
        case '"' -> {
          inString = true;
          out.append(c);
        }
        case '{', '[' -> {
          char close = c == '{' ? '}' : ']';
          if (json.charAt(i + 1) == close) { // empty: {} or []
            out.append(c).append(close);
            i++;
          } else {
            out.append(c).append('\n').append("  ".repeat(++depth));
          }
        }
        case '}', ']' -> out.append('\n').append("  ".repeat(--depth)).append(c);
        case ',' -> out.append(",\n").append("  ".repeat(depth));
        case ':' -> out.append(": ");
        default -> out.append(c);
      }
    }
    return out.append('\n').toString().getBytes(StandardCharsets.UTF_8);
  }

  /** What the stage does with a value: the serializer of its kind ({@link StageOutput.Kind}). */
  private static byte[] serialize(OutputEvent event) {
    StageOutput.Kind kind = StageOutput.Kind.of(event);
    if (kind == StageOutput.Kind.DLQ) {
      throw new IllegalStateException("a 200 gave a dead letter");
    }
    return kind.serialize(event);
  }

  /** A validated request as the call stage holds it (validation is per request, not measured). */
  private static PendingCall requestCall() {
    byte[] key = "customer-42".getBytes(StandardCharsets.UTF_8);
    byte[] value =
        ("{\"access_token\":\"access-sandbox-bench\",\"request_id\":\"req-000042\","
                + "\"attributes\":{\"tenant\":\"acme\",\"source\":\"nightly-refresh\"}}")
            .getBytes(StandardCharsets.UTF_8);
    RequestValidator.Result result = new RequestValidator(1 << 20).validate(key, value);
    if (!(result instanceof RequestValidator.Valid valid)) {
      throw new IllegalStateException("the benchmark request is invalid: " + result);
    }
    SourceRecord source =
        new SourceRecord(Topics.DEFAULTS.requests(), 0, 42L, 1_700_000_000_000L, key, value, null);
    return PendingCall.of(source, valid.request());
  }

  /**
   * The account record as it was before {@code RawJson}: the account held as a tree and written
   * node by node.
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record TreeAccountRecord(
      int schemaVersion,
      String requestId,
      String plaidRequestId,
      String itemId,
      String institutionId,
      String institutionName,
      String fetchedAt,
      Map<String, String> attributes,
      ObjectNode account) {}

  /**
   * The previous per-response path: the whole body as a tree, the contract checks of the old {@code
   * IdentityDocumentsResponse.fromJson}, one {@link TreeAccountRecord} per account and one Item
   * status, each written with {@link Json#mapper()}.
   */
  static final class TreePath {
    private final Clock clock;

    TreePath(Clock clock) {
      this.clock = clock;
    }

    /** Returns the number of output records (accounts + 1). */
    int run(PendingCall call, byte[] body, Blackhole blackhole) throws IOException {
      JsonNode root = PlaidJson.treeReader().readTree(body);
      JsonNode accountsNode = root.get("accounts");
      JsonNode item = root.get("item");
      JsonNode plaidRequestId = root.get("request_id");
      if (accountsNode == null
          || !accountsNode.isArray()
          || !isObjectWithText(item, "item_id")
          || plaidRequestId == null
          || !plaidRequestId.isTextual()) {
        throw new IllegalStateException("a body breaks the response contract");
      }
      String now = DateTimeFormatter.ISO_INSTANT.format(clock.instant());
      String itemId = item.get("item_id").asText();
      String institutionId = textOrNull(item.get("institution_id"));
      String institutionName = textOrNull(item.get("institution_name"));
      Map<String, String> attributes = call.request().attributes();
      for (JsonNode account : accountsNode) {
        if (!isObjectWithText(account, "account_id")) {
          throw new IllegalStateException("an account has no textual account_id");
        }
        TreeAccountRecord record =
            new TreeAccountRecord(
                EventSerdes.SCHEMA_VERSION,
                call.requestId(),
                plaidRequestId.asText(),
                itemId,
                institutionId,
                institutionName,
                now,
                attributes,
                (ObjectNode) account);
        blackhole.consume(account.get("account_id").asText().getBytes(StandardCharsets.UTF_8));
        blackhole.consume(Json.mapper().writeValueAsBytes(record));
      }
      Optional<PlaidError> itemError = PlaidError.fromJson(item.get("error"));
      if (itemError.isPresent()) {
        throw new IllegalStateException("an Item error is not modelled by the baseline");
      }
      ItemStatusRecord status =
          new ItemStatusRecord(
              EventSerdes.SCHEMA_VERSION,
              itemId,
              ItemStatusRecord.OK,
              new RawJson(Json.mapper().writeValueAsString(item)),
              null,
              call.requestId(),
              plaidRequestId.asText(),
              now,
              attributes);
      blackhole.consume(itemId.getBytes(StandardCharsets.UTF_8));
      blackhole.consume(Json.mapper().writeValueAsBytes(status));
      return accountsNode.size() + 1;
    }

    private static boolean isObjectWithText(JsonNode node, String field) {
      return node != null
          && node.isObject()
          && node.get(field) != null
          && node.get(field).isTextual();
    }

    private static String textOrNull(JsonNode node) {
      return node != null && node.isTextual() ? node.asText() : null;
    }
  }
}
