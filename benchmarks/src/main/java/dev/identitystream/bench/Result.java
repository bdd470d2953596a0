package dev.identitystream.bench;

/**
 * The figures of one run. Rates are over the window from the first to the last Item record seen by
 * the read_committed consumer; CPU is per process over that window.
 *
 * @param throughput requests per second, first to last output
 * @param steadyThroughput requests per second from the 20% mark to the last output (JIT warm)
 * @param latencyP50Ms request produced to its Item record visible to read_committed, after the
 *     first 20% of the requests (meaningful when paced)
 * @param jobCpuMsPerRequest the job JVM's CPU over the window, per request
 * @param machineBusy CPU of every sampled process over the window / (window * cores)
 * @param meanCallMs mean HTTP attempt duration seen by the job's client over the whole run (its
 *     metrics)
 * @param avgInFlight mean of the job's {@code stage_in_flight} gauge, sampled each second while
 *     outputs flow
 */
record Result(
    String name,
    String suite,
    boolean naive,
    int inFlight,
    int latencyMs,
    int accounts,
    String guarantee,
    int paceRate,
    int run,
    int requests,
    double seconds,
    double throughput,
    double steadyThroughput,
    double bound,
    long latencyP50Ms,
    long latencyP99Ms,
    double jobCpuMsPerRequest,
    double brokerCpuMsPerRequest,
    double emulatorCpuMsPerRequest,
    double machineBusy,
    double jobPeakHeapMb,
    double jobPeakRssMb,
    int exitCode,
    double pendingPeak,
    double avgInFlight,
    double meanCallMs) {

  double ratioToBound() {
    return throughput / bound;
  }

  static Result of(
      Scenario s,
      int run,
      ScenarioRunner.Consumption c,
      ProcessSampler sampler,
      double peakHeapMb,
      int exitCode,
      double pendingPeak,
      double avgInFlight,
      double meanCallMs) {
    double seconds = (c.lastNanos - c.firstNanos) / 1e9;
    int n = Math.max(1, c.count - 1);
    double throughput = n / Math.max(seconds, 1e-9);
    double steadySeconds = (c.lastNanos - c.steadyFromNanos) / 1e9;
    double steady = (c.count - Math.max(1, c.expected / 5)) / Math.max(steadySeconds, 1e-9);
    double job = sampler.cpuSecondsBetween("job", c.firstNanos, c.lastNanos);
    double broker = sampler.cpuSecondsBetween("broker", c.firstNanos, c.lastNanos);
    double emulator = sampler.cpuSecondsBetween("emulator", c.firstNanos, c.lastNanos);
    double harness = sampler.cpuSecondsBetween("harness", c.firstNanos, c.lastNanos);
    double busy =
        (job + broker + emulator + harness)
            / (Math.max(seconds, 1e-9) * Runtime.getRuntime().availableProcessors());
    return new Result(
        s.name(),
        s.suite(),
        s.naive(),
        s.inFlight(),
        s.latencyMs(),
        s.accounts(),
        s.guarantee(),
        s.paceRate(),
        run,
        c.count,
        seconds,
        throughput,
        steady,
        s.bound(),
        c.percentile(0.5),
        c.percentile(0.99),
        job * 1000 / n,
        broker * 1000 / n,
        emulator * 1000 / n,
        busy,
        peakHeapMb,
        sampler.peakRssBytes("job") / 1048576.0,
        exitCode,
        pendingPeak,
        avgInFlight,
        meanCallMs);
  }
}
