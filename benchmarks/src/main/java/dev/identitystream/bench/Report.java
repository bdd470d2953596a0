package dev.identitystream.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;

/** Medians (and spread) of the runs, as Markdown tables and a PNG chart of throughput against C. */
final class Report {

  private static final Color[] SERIES = {
    new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd)
  };

  private final Map<String, List<Result>> byScenario;

  Report(List<Result> results) {
    byScenario =
        results.stream()
            .collect(Collectors.groupingBy(Result::name, LinkedHashMap::new, Collectors.toList()));
  }

  static double median(List<Result> runs, ToDoubleFunction<Result> f) {
    double[] v = runs.stream().mapToDouble(f).sorted().toArray();
    return v.length == 0
        ? Double.NaN
        : v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  /** (max - min) / median of the throughput, in percent: how noisy the runs were. */
  static double spread(List<Result> runs) {
    double min = runs.stream().mapToDouble(Result::throughput).min().orElse(0);
    double max = runs.stream().mapToDouble(Result::throughput).max().orElse(0);
    return 100 * (max - min) / median(runs, Result::throughput);
  }

  String markdown() {
    StringBuilder md = new StringBuilder();
    double naive =
        byScenario.values().stream()
            .filter(r -> r.get(0).naive())
            .findFirst()
            .map(r -> median(r, Result::throughput))
            .orElse(Double.NaN);
    md.append(
        "| scenario | runs | req/s (median) | spread | bound min(C/L) | of bound | steady req/s | x naive"
            + " | job CPU ms/req | broker ms/req | emulator ms/req | machine busy | in flight (mean) | call ms (mean) | p50 ms | p99 ms | heap peak MiB | RSS peak MiB |\n");
    md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    List<List<Result>> groups = new ArrayList<>(byScenario.values());
    groups.sort(
        Comparator.comparing((List<Result> r) -> r.get(0).suite())
            .thenComparingInt(r -> r.get(0).latencyMs())
            .thenComparingInt(r -> r.get(0).accounts())
            .thenComparingInt(r -> r.get(0).inFlight()));
    for (List<Result> runs : groups) {
      Result first = runs.get(0);
      double tp = median(runs, Result::throughput);
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %,.1f | %.0f%% | %,.0f | %.0f%% | %,.1f | %s | %.3f | %.3f | %.3f | %.0f%% | %.0f | %.0f | %s | %s | %.0f | %.0f |%n",
              first.name(),
              runs.size(),
              tp,
              spread(runs),
              first.bound(),
              100 * tp / first.bound(),
              median(runs, Result::steadyThroughput),
              first.naive() || Double.isNaN(naive)
                  ? ""
                  : String.format(Locale.ROOT, "%.0f", tp / naive),
              median(runs, Result::jobCpuMsPerRequest),
              median(runs, Result::brokerCpuMsPerRequest),
              median(runs, Result::emulatorCpuMsPerRequest),
              100 * median(runs, Result::machineBusy),
              median(runs, Result::avgInFlight),
              median(runs, Result::meanCallMs),
              first.paceRate() > 0 ? Long.toString((long) median(runs, Result::latencyP50Ms)) : "-",
              first.paceRate() > 0 ? Long.toString((long) median(runs, Result::latencyP99Ms)) : "-",
              median(runs, Result::jobPeakHeapMb),
              median(runs, Result::jobPeakRssMb)));
    }
    byScenario.values().stream()
        .filter(r -> r.get(0).suite().equals("memory"))
        .forEach(
            runs -> {
              Result r = runs.get(0);
              md.append(
                  String.format(
                      Locale.ROOT,
                      "%nMemory: %d requests with %s, backfill exit code %d, heap peak %.0f MiB, RSS peak %.0f MiB, pending peak %.0f.%n",
                      r.requests(),
                      "-Xmx256m",
                      r.exitCode(),
                      r.jobPeakHeapMb(),
                      r.jobPeakRssMb(),
                      r.pendingPeak()));
            });
    return md.toString();
  }

  /** Log-log chart: median throughput of the sweep against C, one series per L, bounds dashed. */
  void chart(Path file) throws IOException {
    Map<Integer, List<List<Result>>> byLatency =
        byScenario.values().stream()
            .filter(r -> r.get(0).suite().equals("sweep"))
            .collect(
                Collectors.groupingBy(
                    r -> r.get(0).latencyMs(), java.util.TreeMap::new, Collectors.toList()));
    int width = 900;
    int height = 600;
    int left = 90;
    int right = 180;
    int top = 50;
    int bottom = 70;
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    double xMin = Math.log10(10);
    double xMax = Math.log10(2000);
    double yMin = Math.log10(10);
    double yMax = Math.log10(100_000);
    int plotW = width - left - right;
    int plotH = height - top - bottom;
    java.util.function.DoubleUnaryOperator x =
        c -> left + (Math.log10(c) - xMin) / (xMax - xMin) * plotW;
    java.util.function.DoubleUnaryOperator y =
        v -> top + plotH - (Math.log10(Math.max(v, 10)) - yMin) / (yMax - yMin) * plotH;
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    g.setColor(new Color(0xdddddd));
    for (double v : new double[] {10, 100, 1000, 10_000, 100_000}) {
      int py = (int) y.applyAsDouble(v);
      g.drawLine(left, py, left + plotW, py);
      g.setColor(Color.DARK_GRAY);
      g.drawString(String.format(Locale.ROOT, "%,.0f", v), 10, py + 4);
      g.setColor(new Color(0xdddddd));
    }
    for (int c : new int[] {16, 64, 256, 1024}) {
      int px = (int) x.applyAsDouble(c);
      g.drawLine(px, top, px, top + plotH);
      g.setColor(Color.DARK_GRAY);
      g.drawString(Integer.toString(c), px - 10, top + plotH + 18);
      g.setColor(new Color(0xdddddd));
    }
    g.setColor(Color.BLACK);
    g.drawRect(left, top, plotW, plotH);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    g.drawString(
        "Throughput against max in-flight C (exactly_once_v2, 10 accounts, log-log)", left, 30);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    g.drawString("max in-flight C", left + plotW / 2 - 40, height - 25);
    g.drawString("req/s", 10, top - 10);
    int series = 0;
    for (var entry : byLatency.entrySet()) {
      Color color = SERIES[series % SERIES.length];
      List<List<Result>> points = new ArrayList<>(entry.getValue());
      points.sort(Comparator.comparingInt(r -> r.get(0).inFlight()));
      g.setColor(color);
      g.setStroke(
          new BasicStroke(
              1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 5}, 0));
      int[] bx =
          points.stream().mapToInt(r -> (int) x.applyAsDouble(r.get(0).inFlight())).toArray();
      int[] by = points.stream().mapToInt(r -> (int) y.applyAsDouble(r.get(0).bound())).toArray();
      g.drawPolyline(bx, by, bx.length);
      g.setStroke(new BasicStroke(2.5f));
      int[] my =
          points.stream()
              .mapToInt(r -> (int) y.applyAsDouble(median(r, Result::throughput)))
              .toArray();
      g.drawPolyline(bx, my, bx.length);
      for (int i = 0; i < bx.length; i++) {
        g.fillOval(bx[i] - 4, my[i] - 4, 8, 8);
      }
      int ly = top + 20 + series * 40;
      g.drawLine(left + plotW + 15, ly, left + plotW + 45, ly);
      g.drawString("L = " + entry.getKey() + " ms", left + plotW + 50, ly + 4);
      g.setStroke(
          new BasicStroke(
              1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 5}, 0));
      g.drawLine(left + plotW + 15, ly + 16, left + plotW + 45, ly + 16);
      g.drawString("bound C / L", left + plotW + 50, ly + 20);
      series++;
    }
    g.dispose();
    ImageIO.write(image, "png", file.toFile());
  }
}
