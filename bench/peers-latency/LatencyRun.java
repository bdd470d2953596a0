package bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Latency mode of the peer bench, in place of bench.Watch (same arguments): waits until the peer is ready, loads
 * `requests` at a fixed rate with {@link PacedLoad}, follows `accounts` with {@link OutputTracker} until every
 * request has all its account records (or the timeout), then prints one RESULT line.
 *
 * <p>Latency of request i = (time its last account record appeared) − (CreateTime of its request record), two ways:
 * <ul>
 * <li>{@code app_*}: the last record's LogAppendTime (broker clock at append; for a transactional peer this is
 *     before its commit, so the wait for the commit is not in it);
 * <li>{@code vis_*}: the wall clock at which a live read_committed reader received it (the commit included, plus the
 *     reader's own delay, which the non-transactional peers show as vis − app).
 * </ul>
 * Each over all requests and over the steady part (requests produced at least skip.s after the first).
 *
 * <p>usage: LatencyRun BOOTSTRAP GROUP N TX TIMEOUT_S PEER_PID BROKER_PID FAKE_PID (TX and the two pids unused),
 * with -Dload.s=S (rate = N / S), -Dkeys, -Dskip.s (10), -Dsettle.ms (2000), -Dready.s (90), -Daccounts (10),
 * -Dout=DIR (per-request lines: DIR/GROUP.requests.tsv).
 */
public final class LatencyRun {
  private static final String REQUESTS = "requests";
  private static final String ACCOUNTS = "accounts";
  private static final int PARTITIONS = 8;

  public static void main(String[] args) throws Exception {
    String bootstrap = args[0], group = args[1];
    int n = Integer.parseInt(args[2]);
    long timeoutS = Long.parseLong(args[4]);
    int peerPid = Integer.parseInt(args[5]);
    double rate = n / Double.parseDouble(System.getProperty("load.s"));
    int accounts = Integer.getInteger("accounts", 10);
    long skipMs = Long.getLong("skip.s", 10) * 1000;

    long t0 = System.nanoTime();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      if (!GroupReady.await(admin, group, REQUESTS, PARTITIONS, peerPid, Duration.ofSeconds(Long.getLong("ready.s", 90)))) {
        System.out.printf("RESULT status=NOT_READY n=%d rate=%.1f%n", n, rate);
        return;
      }
    }
    double readyS = (System.nanoTime() - t0) / 1e9;
    Thread.sleep(Long.getLong("settle.ms", 2000));
    System.out.printf("  peer ready after %.1f s (group stable, %d partitions held); loading %d requests at %.1f/s%n",
        readyS, PARTITIONS, n, rate);

    PacedLoad load = new PacedLoad(bootstrap, n, rate, Integer.getInteger("keys", 10_000));
    Thread pacer = new Thread(load, "pacer");
    ProcCpu peerCpu = ProcCpu.start(peerPid), watchCpu = ProcCpu.start((int) ProcessHandle.current().pid());
    String status;
    try (OutputTracker out = new OutputTracker(bootstrap, ACCOUNTS, PARTITIONS, n, accounts)) {
      pacer.start();
      status = follow(out, load, Duration.ofSeconds(timeoutS), peerPid);
      pacer.join();
      String cpuFields = String.format("cpu_peer=%.0f cpu_watch=%.0f sys_busy=%.0f",
          peerCpu.processPercent(), watchCpu.processPercent(), peerCpu.machinePercent());
      long[] produced = RequestTimes.read(bootstrap, REQUESTS, PARTITIONS, n);
      report(status, n, rate, readyS, skipMs, load, out, produced, cpuFields);
      writeRequests(Path.of(System.getProperty("out", ".")).resolve(group + ".requests.tsv"), out, produced);
    }
  }

  /** Polls until the load is sent and every request is complete; DONE, TIMEOUT or PEER_DIED. */
  private static String follow(OutputTracker out, PacedLoad load, Duration timeout, int peerPid) {
    long start = System.nanoTime(), lastPrint = start;
    while (!(load.finished() && out.complete == out.count.length)) {
      out.poll(Duration.ofMillis(50));
      long now = System.nanoTime();
      if (now - lastPrint >= 5_000_000_000L) {
        System.out.printf("  t=%5.1fs sent=%d complete=%d/%d account_records=%d%n",
            (now - start) / 1e9, load.sent.get(), out.complete, out.count.length, out.records);
        lastPrint = now;
      }
      if (now - start > timeout.toNanos()) {
        return "TIMEOUT";
      }
      if (!Files.exists(Path.of("/proc/" + peerPid))) {
        return "PEER_DIED";
      }
    }
    return "DONE";
  }

  private static void report(String status, int n, double rate, double readyS, long skipMs, PacedLoad load,
      OutputTracker out, long[] produced, String cpuFields) {
    long first = IntStream.range(0, n).mapToLong(i -> produced[i]).filter(t -> t != Long.MIN_VALUE).min().orElse(0);
    long last = IntStream.range(0, n).mapToLong(i -> produced[i]).max().orElse(0);
    int[] all = IntStream.range(0, n).filter(i -> produced[i] != Long.MIN_VALUE).toArray();
    int[] steady = IntStream.of(all).filter(i -> produced[i] - first >= skipMs).toArray();
    System.out.printf("RESULT status=%s n=%d rate=%.1f sent_rps=%.1f sent_failed=%d lag_max_ms=%d ready_s=%.1f"
            + " %s %s steady_from_s=%d steady_n=%d %s %s complete=%d dups=%d unknown=%d %s%n",
        status, n, rate, (all.length - 1) * 1000.0 / Math.max(1, last - first), load.failed.get(),
        load.maxLagNs.get() / 1_000_000, readyS,
        LatencyStats.of(latencies(all, produced, out.lastAppendMs, out)).fields("app_"),
        LatencyStats.of(latencies(all, produced, out.lastSeenMs, out)).fields("vis_"),
        skipMs / 1000, steady.length,
        LatencyStats.of(latencies(steady, produced, out.lastAppendMs, out)).fields("app_st_"),
        LatencyStats.of(latencies(steady, produced, out.lastSeenMs, out)).fields("vis_st_"),
        out.complete, out.duplicates, out.unknown, cpuFields);
  }

  private static long[] latencies(int[] requests, long[] produced, long[] outputMs, OutputTracker out) {
    return IntStream.of(requests)
        .mapToLong(i -> out.complete(i) ? outputMs[i] - produced[i] : LatencyStats.MISSING)
        .toArray();
  }

  private static void writeRequests(Path file, OutputTracker out, long[] produced) throws IOException {
    Files.createDirectories(file.getParent());
    try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(file))) {
      w.println("request\tproduced_ms\tlast_append_ms\tlast_seen_ms\taccount_records");
      for (int i = 0; i < produced.length; i++) {
        w.printf("%d\t%d\t%d\t%d\t%d%n", i, produced[i], out.lastAppendMs[i], out.lastSeenMs[i], out.count[i]);
      }
    }
  }
}
