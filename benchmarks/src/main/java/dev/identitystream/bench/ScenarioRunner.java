package dev.identitystream.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Runs one {@link Scenario} end to end: fresh topics, the requests (a backlog enqueued first, or
 * paced while the job runs), the job in its own JVM, a read_committed consumer on the Item topic
 * (one Item status per request), CPU and memory samples of every process, then SIGTERM.
 *
 * <p>Threading: one run at a time, on the caller's thread (plus a sampler and, when paced, a
 * producer).
 */
final class ScenarioRunner {

  static final String CLIENT_ID = "bench";
  static final String SECRET = "bench-secret";
  static final int DISTINCT_TOKENS = 500;
  private static final Pattern GC_LINE =
      Pattern.compile("(\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)");
  private static final Pattern PENDING_LINE =
      Pattern.compile("^stage_pending(?:\\{[^}]*\\})? ([0-9.Ee+]+)$", Pattern.MULTILINE);
  private static final Pattern IN_FLIGHT_LINE =
      Pattern.compile("^stage_in_flight(?:\\{[^}]*\\})? ([0-9.Ee+]+)$", Pattern.MULTILINE);
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Pattern ATTEMPT_SUM_LINE =
      Pattern.compile(
          "^plaid_attempt_duration_seconds_sum(?:\\{[^}]*\\})? ([0-9.Ee+]+)$", Pattern.MULTILINE);
  private static final Pattern ATTEMPT_COUNT_LINE =
      Pattern.compile(
          "^plaid_attempt_duration_seconds_count(?:\\{[^}]*\\})? ([0-9.Ee+]+)$", Pattern.MULTILINE);

  private final String bootstrap;
  private final Path jar;
  private final Path benchClasses;
  private final Path workDir;
  private final int partitions;
  private final Map<String, Long> otherPids;
  private final List<String> extraJvmOptions;
  private final Map<String, String> extraConfig;

  ScenarioRunner(
      String bootstrap,
      Path jar,
      Path benchClasses,
      Path workDir,
      int partitions,
      Map<String, Long> otherPids,
      List<String> extraJvmOptions,
      Map<String, String> extraConfig) {
    this.extraJvmOptions = List.copyOf(extraJvmOptions);
    this.extraConfig = Map.copyOf(extraConfig);
    this.bootstrap = bootstrap;
    this.jar = jar;
    this.benchClasses = benchClasses;
    this.workDir = workDir;
    this.partitions = partitions;
    this.otherPids = Map.copyOf(otherPids);
  }

  Result run(Scenario scenario, int runIndex, String emulatorUrl) throws Exception {
    String id = "bench-" + System.currentTimeMillis() + "-" + runIndex;
    Path dir = Files.createDirectories(workDir.resolve(id));
    List<String> topics =
        List.of(
            id + "-requests",
            id + "-accounts",
            id + "-items",
            id + "-item-errors",
            id + "-dlq",
            id + "-backfill-requests");
    createTopics(topics);
    if (scenario.paceRate() == 0) {
      produce(topics.get(0), scenario, 0, new AtomicBoolean(false));
    }
    int metricsPort = scenario.naive() ? -1 : freePort();
    Path config = writeConfig(dir, id, topics, scenario, emulatorUrl, metricsPort);
    List<String> jvm = new ArrayList<>(scenario.jvmOptions());
    jvm.addAll(extraJvmOptions);
    Path gcLog = dir.resolve("gc.log");
    jvm.add("-Xlog:gc:file=" + gcLog);
    List<String> main =
        scenario.naive()
            ? List.of(
                "-cp",
                benchClasses + java.io.File.pathSeparator + jar,
                NaiveJob.class.getName(),
                config.toString())
            : List.of(
                "-jar",
                jar.toString(),
                scenario.backfill() ? "backfill" : "run",
                "--config",
                config.toString());
    Map<String, String> env =
        Map.of("PLAID_CLIENT_ID", CLIENT_ID, "PLAID_SECRET", SECRET, "PIS_LOG_LEVEL", "WARN");
    Map<String, Long> pids = new LinkedHashMap<>(otherPids);
    pids.put("harness", ProcessHandle.current().pid());
    long started = System.nanoTime();
    try (ChildJvm job = ChildJvm.start("job", jvm, main, env, dir.resolve("job.log"))) {
      pids.put("job", job.pid());
      try (ProcessSampler sampler = new ProcessSampler(pids, 250);
          Consumption consumption = new Consumption(topics.get(2), scenario.requests())) {
        Thread pacer = null;
        AtomicBoolean stop = new AtomicBoolean(false);
        if (scenario.paceRate() > 0) {
          // Pace only once the job serves (else its start-up would be measured as queueing
          // latency).
          awaitReady(metricsPort, job);
          pacer =
              new Thread(
                  () -> produce(topics.get(0), scenario, scenario.paceRate(), stop), "bench-pacer");
          pacer.start();
        }
        double pendingPeak = 0;
        double inFlightSum = 0;
        int inFlightSamples = 0;
        long timeoutNanos =
            Duration.ofSeconds(90).toNanos()
                + (long) (scenario.requests() / Math.min(scenario.bound(), 4000) * 4e9);
        long lastScrape = 0;
        long lastReport = System.nanoTime();
        int lastCount = 0;
        while (!consumption.done()) {
          consumption.poll();
          if (System.nanoTime() - lastReport > 5_000_000_000L) {
            System.out.printf(
                "    %d of %d done, %.0f req/s over the last %.0f s%n",
                consumption.count,
                scenario.requests(),
                (consumption.count - lastCount) / ((System.nanoTime() - lastReport) / 1e9),
                (System.nanoTime() - lastReport) / 1e9);
            lastReport = System.nanoTime();
            lastCount = consumption.count;
          }
          if (System.nanoTime() - started > timeoutNanos) {
            throw new IllegalStateException(
                scenario.name()
                    + ": only "
                    + consumption.count
                    + " of "
                    + scenario.requests()
                    + " completed in time; job log tail:\n"
                    + job.tail());
          }
          if (!job.isAlive() && !scenario.backfill()) {
            throw new IllegalStateException(scenario.name() + ": the job exited:\n" + job.tail());
          }
          if (metricsPort > 0 && System.nanoTime() - lastScrape > 1_000_000_000L && job.isAlive()) {
            String metrics = scrape(metricsPort);
            pendingPeak = Math.max(pendingPeak, sum(PENDING_LINE, metrics));
            if (consumption.count > 0 && !consumption.done()) {
              inFlightSum += sum(IN_FLIGHT_LINE, metrics);
              inFlightSamples++;
            }
            lastScrape = System.nanoTime();
          }
        }
        stop.set(true);
        if (pacer != null) {
          pacer.join();
        }
        sampler.sampleNow();
        double meanCallMs = Double.NaN;
        if (metricsPort > 0 && job.isAlive()) {
          String metrics = scrape(metricsPort);
          meanCallMs = 1000 * sum(ATTEMPT_SUM_LINE, metrics) / sum(ATTEMPT_COUNT_LINE, metrics);
        }
        Map<String, Double> threads = ProcessSampler.threadCpuSeconds(job.pid());
        Files.writeString(
            dir.resolve("job-threads.txt"),
            threads.entrySet().stream()
                .map(
                    e ->
                        String.format(
                            java.util.Locale.ROOT, "%8.2f s  %s", e.getValue(), e.getKey()))
                .collect(Collectors.joining("\n", "", "\n")));
        int exit = 0;
        if (scenario.backfill()) {
          exit = job.waitFor(Duration.ofMinutes(2));
        }
        Result result =
            Result.of(
                scenario,
                runIndex,
                consumption,
                sampler,
                parseGcPeakMb(gcLog),
                exit,
                pendingPeak,
                inFlightSamples == 0 ? Double.NaN : inFlightSum / inFlightSamples,
                meanCallMs);
        job.close();
        deleteTopics(topics);
        return result;
      }
    }
  }

  private static int freePort() throws IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private void createTopics(List<String> topics) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      // the Item topic compacted, as the job requires of the topics it does not create itself
      admin
          .createTopics(
              topics.stream()
                  .map(
                      t ->
                          new NewTopic(t, partitions, (short) 1)
                              .configs(
                                  t.endsWith("-items")
                                      ? Map.of("cleanup.policy", "compact")
                                      : Map.of()))
                  .toList())
          .all()
          .get();
      dev.identitystream.kafka.TopicReadiness.awaitLeaders(admin, topics, Duration.ofSeconds(60));
    }
  }

  private void deleteTopics(List<String> topics) {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      admin.deleteTopics(topics).all().get();
    } catch (Exception e) {
      System.err.println("warning: could not delete " + topics + ": " + e);
    }
  }

  /** Produces the scenario's requests: all at once (rate 0) or at {@code rate} per second. */
  private void produce(String topic, Scenario scenario, int rate, AtomicBoolean stop) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    p.put(ProducerConfig.LINGER_MS_CONFIG, rate == 0 ? 20 : 1);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    long start = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      for (int i = 0; i < scenario.requests() && !stop.get(); i++) {
        if (rate > 0) {
          long due = start + (long) (i * 1e9 / rate);
          long wait = due - System.nanoTime();
          if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
          }
        }
        String itemId = "item-" + i;
        // Tokens repeat every DISTINCT_TOKENS requests so the emulator answers from its fixture
        // cache: Plaid's
        // CPU is not on the job's machine in production, so the emulator's should be as small as it
        // can be here.
        String value =
            "{\"access_token\":\"access-sandbox-accounts"
                + scenario.accounts()
                + "-bench"
                + (i % DISTINCT_TOKENS)
                + "\",\"request_id\":\"req-"
                + i
                + "\"}";
        producer.send(
            new ProducerRecord<>(
                topic,
                itemId.getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8)));
      }
      producer.flush();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Path writeConfig(
      Path dir,
      String id,
      List<String> topics,
      Scenario scenario,
      String emulatorUrl,
      int metricsPort)
      throws IOException {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("bootstrap.servers", bootstrap);
    c.put("application.id", id);
    c.put("state.dir", dir.resolve("state").toString());
    c.put("processing.guarantee", scenario.guarantee());
    c.put("plaid.base.url", emulatorUrl);
    c.put("plaid.max.in.flight", Integer.toString(scenario.inFlight()));
    c.put("plaid.requests.per.minute", "0");
    c.put("topic.requests", topics.get(0));
    c.put("topic.accounts", topics.get(1));
    c.put("topic.items", topics.get(2));
    c.put("topic.item-errors", topics.get(3));
    c.put("topic.dlq", topics.get(4));
    c.put("topic.backfill-requests", topics.get(5));
    c.put("topics.create", "false");
    c.put("metrics.port", Integer.toString(metricsPort));
    c.putAll(extraConfig);
    Path file = dir.resolve("job.properties");
    Files.writeString(
        file,
        c.entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining("\n", "", "\n")));
    return file;
  }

  /** The largest heap in use before a collection, from the job's {@code -Xlog:gc} file, in MiB. */
  static double parseGcPeakMb(Path gcLog) throws IOException {
    if (!Files.exists(gcLog)) {
      return 0;
    }
    double peak = 0;
    for (String line : Files.readAllLines(gcLog)) {
      Matcher m = GC_LINE.matcher(line);
      if (m.find()) {
        peak = Math.max(peak, mb(m.group(1), m.group(2)));
      }
    }
    return peak;
  }

  private static double mb(String value, String unit) {
    double v = Double.parseDouble(value);
    return switch (unit) {
      case "K" -> v / 1024;
      case "G" -> v * 1024;
      default -> v;
    };
  }

  private static String scrape(int port) {
    try {
      return HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  private static void awaitReady(int port, ChildJvm job) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline && job.isAlive()) {
      try {
        int status =
            HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                        .build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode();
        if (status == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("the job did not become ready:\n" + job.tail());
  }

  private static double sum(Pattern line, String metrics) {
    Matcher m = line.matcher(metrics);
    double sum = 0;
    while (m.find()) {
      sum += Double.parseDouble(m.group(1));
    }
    return sum;
  }

  /** Reads the Item topic (read_committed) from the beginning: one record per finished request. */
  final class Consumption implements AutoCloseable {
    final int expected;
    final KafkaConsumer<byte[], byte[]> consumer;
    int count;
    long firstNanos;
    long lastNanos;
    long steadyFromNanos;
    final long[] latencies;

    Consumption(String topic, int expected) {
      this.expected = expected;
      this.latencies = new long[expected];
      Properties p = new Properties();
      p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
      p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
      p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20);
      consumer = new KafkaConsumer<>(p);
      List<TopicPartition> parts = new ArrayList<>();
      for (int i = 0; i < partitions; i++) {
        parts.add(new TopicPartition(topic, i));
      }
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
    }

    boolean done() {
      return count >= expected;
    }

    void poll() {
      var records = consumer.poll(Duration.ofMillis(50));
      long now = System.nanoTime();
      long wall = System.currentTimeMillis();
      for (ConsumerRecord<byte[], byte[]> r : records) {
        if (count < expected) {
          latencies[count] = wall - r.timestamp();
        }
        count++;
        if (count == 1) {
          firstNanos = now;
        }
        if (count == Math.max(1, expected / 5)) {
          steadyFromNanos = now;
        }
        lastNanos = now;
      }
    }

    /**
     * A latency percentile of the requests after the first 20% (the job's JIT warm-up left out).
     */
    long percentile(double q) {
      long[] sorted =
          Arrays.copyOfRange(latencies, Math.min(count, expected / 5), Math.min(count, expected));
      Arrays.sort(sorted);
      return sorted.length == 0
          ? 0
          : sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    }

    @Override
    public void close() {
      consumer.close();
    }
  }
}
