package dev.identitystream.app;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric tables of docs/operations.md ("Metrics and health") against a scrape of {@code
 * /metrics}, name by name and label by label.
 *
 * <ul>
 *   <li>The job's own meters ({@code plaid_*}, {@code stage_*}): every served family is documented
 *       and every documented one is served, each with exactly the documented label names.
 *   <li>JVM and process metrics ({@code jvm_*}, {@code process_*}, {@code system_*}): the same for
 *       names (their labels are Micrometer's, listed in the text), except the documented ones that
 *       appear only at an event ({@link #APPEAR_LATER}).
 *   <li>Kafka's metrics: every documented one is served with exactly the documented label names
 *       plus {@code kafka_version}; Kafka serves hundreds more, which the text names by prefix.
 * </ul>
 *
 * A table row names its metrics in backticks in its first cell; a {@code labels} column names the
 * labels in backticks, their values in parentheses.
 */
final class MetricTables {

  /** Documented as appearing at the first GC pause, or at the first concurrent GC cycle. */
  static final Set<String> APPEAR_LATER =
      Set.of("jvm_gc_pause_seconds", "jvm_gc_concurrent_phase_time_seconds");

  private static final Pattern NAME = Pattern.compile("`([a-z][a-z0-9_]*)`");
  private static final Pattern SAMPLE =
      Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{([^}]*)\\})? ");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");
  private static final Pattern SUFFIX = Pattern.compile("_(bucket|count|sum|max)$");

  private MetricTables() {}

  /** The documented families of the section: name to label names (null: no labels column). */
  static Map<String, Set<String>> documented(String section) {
    Map<String, Set<String>> families = new TreeMap<>();
    int labelsColumn = -1;
    for (String line : section.lines().toList()) {
      if (!line.startsWith("|")) {
        labelsColumn = -1;
        continue;
      }
      List<String> cells = cells(line);
      if (cells.stream().anyMatch(c -> c.startsWith("metric"))) {
        labelsColumn = cells.indexOf("labels");
        continue;
      }
      Matcher name = NAME.matcher(cells.get(0));
      while (name.find()) {
        Set<String> labels = null;
        if (labelsColumn >= 0) {
          labels = new TreeSet<>();
          Matcher label = NAME.matcher(cells.get(labelsColumn).replaceAll("\\([^)]*\\)", ""));
          while (label.find()) {
            labels.add(label.group(1));
          }
        }
        families.put(name.group(1), labels);
      }
    }
    return families;
  }

  /** The served families of a scrape: name to label names ({@code le}, {@code quantile} aside). */
  static Map<String, Set<String>> served(String scrape) {
    Map<String, Set<String>> families = new TreeMap<>();
    Matcher sample = SAMPLE.matcher(scrape);
    while (sample.find()) {
      Set<String> labels = families.computeIfAbsent(sample.group(1), n -> new TreeSet<>());
      if (sample.group(2) != null) {
        Matcher label = LABEL.matcher(sample.group(2));
        while (label.find()) {
          if (!label.group(1).equals("le") && !label.group(1).equals("quantile")) {
            labels.add(label.group(1));
          }
        }
      }
    }
    return families;
  }

  /** What the docs say and /metrics does not serve, or the other way round; empty when true. */
  static List<String> mismatches(String section, String scrape) {
    Map<String, Set<String>> documented = documented(section);
    Map<String, Set<String>> served = new LinkedHashMap<>();
    served(scrape)
        .forEach(
            (name, labels) -> {
              String family =
                  documented.containsKey(name) ? name : SUFFIX.matcher(name).replaceFirst("");
              served.computeIfAbsent(family, f -> new TreeSet<>()).addAll(labels);
            });
    List<String> mismatches = new ArrayList<>();
    documented.forEach(
        (name, labels) -> {
          Set<String> servedLabels = served.get(name);
          if (servedLabels == null) {
            if (!APPEAR_LATER.contains(name)) {
              mismatches.add("documented, not served: " + name);
            }
            return;
          }
          if (labels == null) {
            return;
          }
          Set<String> expected = new TreeSet<>(labels);
          if (name.startsWith("kafka_")) {
            expected.add("kafka_version");
          }
          if (!expected.equals(servedLabels)) {
            mismatches.add(
                name + " documented with labels " + expected + ", served with " + servedLabels);
          }
        });
    for (String name : served.keySet()) {
      boolean ours = name.startsWith("plaid_") || name.startsWith("stage_");
      boolean runtime =
          name.startsWith("jvm_") || name.startsWith("process_") || name.startsWith("system_");
      if ((ours || runtime) && !documented.containsKey(name)) {
        mismatches.add("served, not documented: " + name);
      }
    }
    return mismatches;
  }

  private static List<String> cells(String row) {
    List<String> cells = new ArrayList<>();
    for (String cell : row.substring(1).split("\\|", -1)) {
      cells.add(cell.strip());
    }
    if (!cells.isEmpty() && cells.get(cells.size() - 1).isEmpty()) {
      cells.remove(cells.size() - 1);
    }
    return cells;
  }
}
