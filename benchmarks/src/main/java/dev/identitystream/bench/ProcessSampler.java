package dev.identitystream.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Samples the CPU time and resident memory of a few processes from {@code /proc} (Linux), every
 * {@code period} milliseconds, so a window's CPU can be read afterwards.
 *
 * <p>Threading: samples on its own thread; {@link #cpuSecondsBetween} and {@link #peakRssBytes} may
 * be called from any thread.
 */
final class ProcessSampler implements AutoCloseable {

  /** One sample: wall time and CPU seconds (user + system, all threads) per named process. */
  record Sample(long nanos, Map<String, Double> cpuSeconds) {}

  private static final double TICKS_PER_SECOND = clockTicks();

  private final Map<String, Long> pids;
  private final List<Sample> samples = new ArrayList<>();
  private final Map<String, Long> peakRss = new java.util.HashMap<>();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "bench-sampler");
            t.setDaemon(true);
            return t;
          });

  ProcessSampler(Map<String, Long> pids, long periodMillis) {
    this.pids = Map.copyOf(pids);
    sample();
    timer.scheduleAtFixedRate(this::sample, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
  }

  /**
   * CPU seconds the named process used between two instants (nanoTime), from the nearest samples.
   */
  synchronized double cpuSecondsBetween(String name, long fromNanos, long toNanos) {
    return nearest(toNanos).cpuSeconds().getOrDefault(name, 0.0)
        - nearest(fromNanos).cpuSeconds().getOrDefault(name, 0.0);
  }

  synchronized long peakRssBytes(String name) {
    return peakRss.getOrDefault(name, 0L);
  }

  /** Takes a last sample now (call before reading a window that ends now). */
  void sampleNow() {
    sample();
  }

  private synchronized Sample nearest(long nanos) {
    Sample best = samples.get(0);
    for (Sample s : samples) {
      if (Math.abs(s.nanos() - nanos) < Math.abs(best.nanos() - nanos)) {
        best = s;
      }
    }
    return best;
  }

  private synchronized void sample() {
    Map<String, Double> cpu = new java.util.HashMap<>();
    pids.forEach(
        (name, pid) -> {
          cpu.put(name, cpuSeconds(pid));
          peakRss.merge(name, rssBytes(pid), Math::max);
        });
    samples.add(new Sample(System.nanoTime(), cpu));
  }

  static double cpuSeconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // Fields after the command name (which may hold spaces) start after the last ')'.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
    } catch (IOException e) {
      return 0; // the process has exited
    }
  }

  /**
   * CPU seconds per thread group of a live process since it started (threads named alike, digits
   * folded: "C2 CompilerThread0" and "...1" are one group), largest first.
   */
  static Map<String, Double> threadCpuSeconds(long pid) {
    Map<String, Double> groups = new java.util.HashMap<>();
    try (java.util.stream.Stream<Path> tasks =
        Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : tasks.toList()) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          String name =
              stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
                  .replaceAll("[0-9]+", "N");
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          groups.merge(
              name,
              (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND,
              Double::sum);
        } catch (IOException e) {
          // the thread ended
        }
      }
    } catch (IOException e) {
      return Map.of();
    }
    Map<String, Double> sorted = new java.util.LinkedHashMap<>();
    groups.entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .forEach(e -> sorted.put(e.getKey(), e.getValue()));
    return sorted;
  }

  static long rssBytes(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
      return 0;
    } catch (IOException e) {
      return 0;
    }
  }

  private static double clockTicks() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      p.waitFor();
      return Double.parseDouble(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException | NumberFormatException e) {
      return 100;
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
