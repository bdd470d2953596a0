package dev.identitystream.bench;

import dev.identitystream.plaid.BenchTransports;
import dev.identitystream.plaid.HttpPlaidClient;
import dev.identitystream.plaid.PlaidClientConfig;
import dev.identitystream.plaid.PlaidRequest;
import dev.identitystream.plaid.PlaidResult;
import dev.identitystream.plaid.Secret;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One run of the HTTP client comparison (issue #13, {@code bench/http-clients.sh}): {@code C} calls
 * kept in flight against a fake Plaid through {@link HttpPlaidClient} on one candidate transport,
 * so each call does the job's work (the same JSON body and headers, the body read as bytes under
 * the size cap, parsed by {@code IdentityDocumentsResponse}). After a warm-up it measures calls/s,
 * the CPU time of this whole JVM per call, p50/p99 latency, and the TCP connections this JVM opened
 * to the fake (sockets seen in {@code /proc/net/tcp*} every 100 ms).
 *
 * <p>usage: {@code HttpClientBench TRANSPORT BASE_URL C WARMUP_S MEASURE_S OUT_TSV}; appends one
 * line to OUT_TSV and prints it.
 *
 * <p>Threading: the main thread starts the calls and samples; every later call is started by the
 * completion of the previous one, on the transport's threads.
 */
public final class HttpClientBench {

  private static final int BUCKET_US = 100; // latency histogram: 0.1 ms buckets up to 10 s
  private static final int BUCKETS = 100_000;

  private final HttpPlaidClient client;
  private final PlaidRequest request =
      new PlaidRequest("access-sandbox-8f2c7d3e-5b1a-4c9e-9f00-0123456789ab", List.of(), "bench");
  private final AtomicLong completed = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLongArray histogram = new AtomicLongArray(BUCKETS);
  private volatile boolean measuring;
  private volatile boolean stopping;

  private HttpClientBench(HttpPlaidClient client) {
    this.client = client;
  }

  public static void main(String[] args) throws Exception {
    String transport = args[0];
    String baseUrl = args[1];
    int inFlight = Integer.parseInt(args[2]);
    int warmupS = Integer.parseInt(args[3]);
    int measureS = Integer.parseInt(args[4]);
    Path out = Path.of(args[5]);
    int port = java.net.URI.create(baseUrl).getPort();
    PlaidClientConfig config =
        PlaidClientConfig.builder()
            .baseUrl(baseUrl)
            .clientId("bench-client-id")
            .secret(Secret.of("bench-secret-value"))
            .attemptTimeout(Duration.ofSeconds(10))
            .maxConnections(inFlight)
            .build();
    Set<Long> sockets = new HashSet<>();
    try (HttpPlaidClient client = BenchTransports.client(transport, config)) {
      HttpClientBench bench = new HttpClientBench(client);
      for (int i = 0; i < inFlight; i++) {
        bench.next();
      }
      sleepSampling(warmupS * 1000L, port, sockets);
      long calls0 = bench.completed.get();
      long failed0 = bench.failed.get();
      long cpu0 = processCpuNanos();
      long t0 = System.nanoTime();
      bench.measuring = true;
      sleepSampling(measureS * 1000L, port, sockets);
      bench.measuring = false;
      long t1 = System.nanoTime();
      long cpu1 = processCpuNanos();
      long calls = bench.completed.get() - calls0;
      long failures = bench.failed.get() - failed0;
      bench.stopping = true;
      double seconds = (t1 - t0) / 1e9;
      String line =
          String.format(
              Locale.ROOT,
              "%s\t%d\t%.0f\t%.3f\t%.1f\t%.1f\t%d\t%d\t%.0f",
              transport,
              inFlight,
              calls / seconds,
              (cpu1 - cpu0) / 1e6 / Math.max(1, calls),
              bench.percentile(0.50),
              bench.percentile(0.99),
              sockets.size(),
              failures,
              100.0 * (cpu1 - cpu0) / (t1 - t0));
      System.out.println(line);
      Files.writeString(
          out,
          line + "\n",
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
    }
    System.exit(0); // some candidates leave non-daemon threads behind
  }

  private void next() {
    if (stopping) {
      return;
    }
    long start = System.nanoTime();
    client
        .identityDocumentsUploadsGet(request)
        .whenComplete(
            (result, error) -> {
              long micros = (System.nanoTime() - start) / 1000;
              if (measuring) {
                histogram.incrementAndGet((int) Math.min(BUCKETS - 1, micros / BUCKET_US));
              }
              if (!(result instanceof PlaidResult.Success)) {
                if (failed.incrementAndGet() <= 3) {
                  System.err.println("failed: " + (error != null ? error : result));
                }
              }
              completed.incrementAndGet();
              next();
            });
  }

  private double percentile(double q) {
    long total = 0;
    for (int i = 0; i < BUCKETS; i++) {
      total += histogram.get(i);
    }
    long rank = (long) Math.ceil(q * total);
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += histogram.get(i);
      if (seen >= rank && seen > 0) {
        return (i + 1) * BUCKET_US / 1000.0; // upper edge of the bucket, in ms
      }
    }
    return Double.NaN;
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** Sleeps, adding every client socket to the fake's port (by inode) seen every 100 ms. */
  private static void sleepSampling(long millis, int port, Set<Long> sockets)
      throws InterruptedException, IOException {
    long end = System.nanoTime() + millis * 1_000_000;
    String remote = String.format(Locale.ROOT, ":%04X", port);
    while (System.nanoTime() < end) {
      for (String file : List.of("/proc/self/net/tcp", "/proc/self/net/tcp6")) {
        for (String row : Files.readAllLines(Path.of(file))) {
          String[] f = row.trim().split("\\s+");
          if (f.length > 9 && f[2].endsWith(remote) && !f[9].equals("0")) {
            sockets.add(Long.parseLong(f[9]));
          }
        }
      }
      Thread.sleep(100);
    }
  }
}
