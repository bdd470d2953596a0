package dev.identitystream.bench;

import java.util.List;

/**
 * One benchmark configuration.
 *
 * @param suite which table it belongs to (sweep, alos, sizes, naive, latency, memory)
 * @param naive true for the baseline job (one blocking call per record)
 * @param inFlight max calls in flight C (ignored by the naive job)
 * @param latencyMs the emulator's fixed latency L
 * @param accounts accounts per response
 * @param guarantee exactly_once_v2 or at_least_once
 * @param requests how many requests the run processes
 * @param paceRate requests per second produced while the job runs, or 0 for a backlog enqueued
 *     first
 * @param jvmOptions the job JVM's options
 * @param backfill run the {@code backfill} command (exits when caught up) instead of {@code run}
 */
record Scenario(
    String suite,
    boolean naive,
    int inFlight,
    int latencyMs,
    int accounts,
    String guarantee,
    int requests,
    int paceRate,
    List<String> jvmOptions,
    boolean backfill) {

  static final String EOS = "exactly_once_v2";
  static final String ALOS = "at_least_once";

  /** Little's law: no job beats C / L requests per second (the naive job: 1 / L). */
  double bound() {
    return (naive ? 1 : inFlight) * 1000.0 / latencyMs;
  }

  String name() {
    String base = naive ? "naive" : "C=" + inFlight;
    return suite
        + " "
        + base
        + " L="
        + latencyMs
        + " A="
        + accounts
        + " "
        + (guarantee.equals(EOS) ? "eos" : "alos")
        + (paceRate > 0 ? " paced=" + paceRate + "/s" : "")
        + (jvmOptions.isEmpty() ? "" : " " + String.join(" ", jvmOptions));
  }
}
