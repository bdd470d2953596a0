package bench;

import java.nio.file.Files;
import java.nio.file.Path;

/** CPU of one process (utime+stime, /proc/PID/stat) and of the whole machine (/proc/stat) over a window. */
final class ProcCpu {
  private static final double HZ = 100.0; // CLK_TCK
  private final int pid;
  private final long startNs;
  private final long startTicks;
  private final long[] startSys;

  private ProcCpu(int pid) {
    this.pid = pid;
    this.startNs = System.nanoTime();
    this.startTicks = ticks(pid);
    this.startSys = sys();
  }

  static ProcCpu start(int pid) {
    return new ProcCpu(pid);
  }

  /** The process's CPU since start, in % of one core. */
  double processPercent() {
    double windowS = (System.nanoTime() - startNs) / 1e9;
    return 100.0 * (ticks(pid) - startTicks) / HZ / windowS;
  }

  /** The whole machine's busy time since start, in % of all cores. */
  double machinePercent() {
    long[] now = sys();
    return 100.0 * (1 - (double) (now[1] - startSys[1]) / Math.max(1, now[0] - startSys[0]));
  }

  private static long ticks(int pid) {
    try {
      String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (Exception e) {
      return 0;
    }
  }

  /** {total, idle+iowait} ticks of the machine. */
  private static long[] sys() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i <= 8; i++) {
        total += Long.parseLong(f[i]);
      }
      return new long[] {total, Long.parseLong(f[4]) + Long.parseLong(f[5])};
    } catch (Exception e) {
      return new long[] {0, 0};
    }
  }
}
