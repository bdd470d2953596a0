package dev.identitystream.testkit;

import dev.identitystream.app.config.AppConfig;
import dev.identitystream.app.input.RequestLines;
import dev.identitystream.event.Json;
import dev.identitystream.event.RequestValidator;
import dev.identitystream.plaid.cassette.Cassette;
import dev.identitystream.plaid.cassette.CassettePlaidClient;
import dev.identitystream.plaid.cassette.Fingerprinter;
import dev.identitystream.topology.Topics;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.test.TestRecord;

/**
 * Runs recorded requests through the job's real topology without a broker or a network, Plaid
 * answering from a cassette that {@code record} wrote (or a test wrote with {@link
 * dev.identitystream.plaid.cassette.CassetteWriter}), and returns what the job wrote to each output
 * topic. A plain API: it works from JUnit 5, TestNG or a main method.
 *
 * <pre>{@code
 * ReplayResult result = CassetteReplay.of(Path.of("src/test/resources/cassette.jsonl"))
 *     .key(System.getenv("PIS_CASSETTE_KEY"))
 *     .requests(Path.of("src/test/resources/requests.jsonl"))
 *     .run();
 * assertThat(result.misses()).isEmpty();
 * assertThat(result.items()).extracting(item -> item.value().get("status").asText()).containsOnly("OK");
 * }</pre>
 *
 * <p>As the {@code replay} command (which is built on it): the requests are read as {@code enqueue}
 * reads a file (CSV or JSON Lines, same validation and keys; a request without {@code request_id}
 * gets {@code line-<N>}) and piped in order into the bulk topic; the clock is fixed at the
 * cassette's {@code recorded_at} (or {@link #at}); Kafka Streams' {@code TopologyTestDriver} runs
 * the topology built by {@code IdentityTopology.build} with the configuration's topics and stage
 * settings, its pending store in memory. Same inputs, same cassette: the same outputs, byte for
 * byte. A request the cassette has no entry for is a {@link ReplayResult#misses() miss}: answered
 * as a transport failure, it lands on the DLQ.
 *
 * <p>Threading: a builder, not thread-safe; each {@link #run()} is independent.
 */
public final class CassetteReplay {

  private final Path cassetteFile;
  private final Cassette cassette;
  private AppConfig config;
  private String key;
  private Path requestsFile;
  private RequestLines.Format format;
  private String requestLines;
  private Instant at;
  private boolean includeInvalid;

  private CassetteReplay(Path cassetteFile, Cassette cassette) {
    this.cassetteFile = cassetteFile;
    this.cassette = cassette;
  }

  /** A replay answering from this cassette file, read when the replay is prepared. */
  public static CassetteReplay of(Path cassette) {
    return new CassetteReplay(Objects.requireNonNull(cassette, "cassette"), null);
  }

  /** A replay answering from a cassette already read (e.g. once for several replays). */
  public static CassetteReplay of(Cassette cassette) {
    return new CassetteReplay(null, Objects.requireNonNull(cassette, "cassette"));
  }

  /**
   * The key the cassette was recorded with, as {@code cassette.key} holds it (its UTF-8 bytes, at
   * least 16). Without it, {@code cassette.key} of the {@link #config configuration} is used.
   */
  public CassetteReplay key(String cassetteKey) {
    this.key = Objects.requireNonNull(cassetteKey, "cassetteKey (is PIS_CASSETTE_KEY set?)");
    return this;
  }

  /**
   * The job's settings, as in its {@code .properties} file: topic names ({@code topic.*}), stage
   * settings ({@code stage.*}, {@code plaid.max.in.flight}), {@code input.max.record.bytes}, {@code
   * cassette.key}; unset ones take their defaults, Kafka keys are ignored.
   *
   * @throws ConfigException naming an unknown setting or an invalid value
   */
  public CassetteReplay config(Map<String, ?> settings) {
    return config(new AppConfig(settings));
  }

  /** The job's configuration (default: every setting's default). */
  public CassetteReplay config(AppConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    return this;
  }

  /** A requests file as {@code enqueue} reads it, CSV or JSON Lines by its extension. */
  public CassetteReplay requests(Path file) {
    Objects.requireNonNull(file, "file");
    RequestLines.Format byName = RequestLines.formatOf(file.toString());
    if (byName == null) {
      throw new IllegalArgumentException(
          "cannot tell the format of '"
              + file
              + "' (.csv, .jsonl, .ndjson or .json): use requests(file, format)");
    }
    return requests(file, byName);
  }

  /** A requests file in this format. */
  public CassetteReplay requests(Path file, RequestLines.Format format) {
    this.requestsFile = Objects.requireNonNull(file, "file");
    this.format = Objects.requireNonNull(format, "format");
    this.requestLines = null;
    return this;
  }

  /**
   * Requests as JSON objects, one per string, as lines of a JSON Lines file (the first is line 1).
   * A string may span lines (a text block) when it is valid JSON: it is then written compactly.
   */
  public CassetteReplay requests(List<String> jsonRequests) {
    StringBuilder lines = new StringBuilder();
    for (String request : jsonRequests) {
      lines
          .append(oneLine(Objects.requireNonNull(request, "a request is null"), lines))
          .append('\n');
    }
    this.requestLines = lines.toString();
    this.requestsFile = null;
    this.format = RequestLines.Format.JSONL;
    return this;
  }

  /** Requests as JSON objects, one per string: {@link #requests(List)}. */
  public CassetteReplay requests(String... jsonRequests) {
    return requests(List.of(jsonRequests));
  }

  /** The fixed clock (default: the cassette's {@code recorded_at}). */
  public CassetteReplay at(Instant clock) {
    this.at = Objects.requireNonNull(clock, "clock");
    return this;
  }

  /**
   * Also sends the invalid requests to the topology, as they are, as a producer other than {@code
   * enqueue} could: the job puts them on its DLQ with their reason. By default they are skipped (as
   * {@code enqueue} and the {@code replay} command skip them); either way they are listed in {@link
   * ReplayResult#invalid()}.
   */
  public CassetteReplay includeInvalid() {
    this.includeInvalid = true;
    return this;
  }

  /** Prepares and runs the replay: {@code prepare().run()}. */
  public ReplayResult run() throws IOException {
    return prepare().run();
  }

  /**
   * Reads the cassette and the requests, checks the key, and finds the misses, without running
   * anything yet.
   *
   * @throws ConfigException when {@code cassette.key} is missing, too short, or not the key the
   *     cassette was recorded with (never quoting it)
   * @throws IOException when the cassette ({@link Cassette.FormatException}) or the requests cannot
   *     be read
   */
  public Prepared prepare() throws IOException {
    if (requestsFile == null && requestLines == null) {
      throw new IllegalStateException("no requests: call requests(...)");
    }
    AppConfig settings = config != null ? config : new AppConfig(Map.of());
    Fingerprinter fingerprinter =
        key != null ? CassetteKeys.fingerprinter(key) : CassetteKeys.fingerprinter(settings);
    Cassette tape = cassette != null ? cassette : Cassette.read(cassetteFile);
    if (!fingerprinter.hasKeyId(tape.header().keyId())) {
      throw new ConfigException(
          AppConfig.CASSETTE_KEY_CONFIG + " is not the key " + tape.file() + " was recorded with");
    }
    RequestValidator validator =
        new RequestValidator(settings.getInt(AppConfig.INPUT_MAX_RECORD_BYTES_CONFIG));
    ReplayRequests.Result input;
    try (Reader reader =
        requestsFile != null
            ? Files.newBufferedReader(requestsFile, StandardCharsets.UTF_8)
            : new StringReader(requestLines)) {
      input = ReplayRequests.read(reader, format, validator, includeInvalid);
    }
    List<ReplayResult.Miss> misses = new ArrayList<>();
    for (ReplayRequests.Event event : input.events()) {
      if (event.plaidRequest() != null && !tape.contains(fingerprinter.of(event.plaidRequest()))) {
        misses.add(new ReplayResult.Miss(event.line(), event.requestId()));
      }
    }
    return new Prepared(
        settings, tape, fingerprinter, input, misses, at != null ? at : tape.header().recordedAt());
  }

  /**
   * A replay whose inputs are read and checked, ready to {@link #run()}: a caller can look at the
   * misses and invalid lines first (the {@code replay} command refuses misses unless told).
   *
   * <p>Threading: immutable; each {@link #run()} is independent (a fresh topology and store).
   */
  public static final class Prepared {

    private final AppConfig config;
    private final Cassette cassette;
    private final Fingerprinter fingerprinter;
    private final ReplayRequests.Result input;
    private final List<ReplayResult.Miss> misses;
    private final Instant clock;

    private Prepared(
        AppConfig config,
        Cassette cassette,
        Fingerprinter fingerprinter,
        ReplayRequests.Result input,
        List<ReplayResult.Miss> misses,
        Instant clock) {
      this.config = config;
      this.cassette = cassette;
      this.fingerprinter = fingerprinter;
      this.input = input;
      this.misses = List.copyOf(misses);
      this.clock = clock;
    }

    /** How many requests will be sent to the topology. */
    public int requests() {
      return input.events().size();
    }

    /** Requests the cassette has no answer for, in request order. */
    public List<ReplayResult.Miss> misses() {
      return misses;
    }

    /** Invalid request lines, in request order. */
    public List<ReplayResult.Invalid> invalid() {
      return input.invalid();
    }

    /** The fixed clock the replay runs at. */
    public Instant clock() {
      return clock;
    }

    /** Runs the requests through the topology; returns what it wrote. */
    public ReplayResult run() throws IOException {
      Topics topics = config.topics();
      Map<String, List<TestRecord<byte[], byte[]>>> written =
          new OfflineReplay(config.stageSettings(), clock)
              .run(input.events(), new CassettePlaidClient(cassette, fingerprinter));
      Map<String, List<OutputRecord>> outputs = new LinkedHashMap<>();
      written.forEach(
          (topic, records) ->
              outputs.put(
                  topic,
                  records.stream()
                      .map(record -> OutputRecord.of(topic, record, topic.equals(topics.dlq())))
                      .toList()));
      return new ReplayResult(
          topics, clock, input.events().size(), outputs, misses, input.invalid());
    }
  }

  /** The request as one line: as it is, or compacted when it spans lines. */
  private static String oneLine(String request, StringBuilder before) {
    String stripped = request.strip();
    if (stripped.indexOf('\n') < 0 && stripped.indexOf('\r') < 0) {
      return stripped;
    }
    long line = before.chars().filter(c -> c == '\n').count() + 1;
    try {
      return Json.mapper().writeValueAsString(Json.mapper().readTree(stripped));
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "request " + line + " spans lines and is not valid JSON: give it on one line");
    }
  }
}
