#!/usr/bin/env bash
# Warm-up figures of one peer-bench run, printed as key=value fields that bench/peers.sh appends to the
# run's RESULT line (it calls this from the peer bench's run.sh just before it stops the peer):
#   bench/peers-warmup.sh PID LAUNCH_MS RUN_LOG PEER_LOG
# PID is the peer's JVM, still running; LAUNCH_MS the epoch milliseconds when it was started; RUN_LOG the
# run's log (the watcher's 5-s progress lines "t=  5.0s accounts=..."); PEER_LOG the peer's own output.
#   life_s       launch to now (the watcher has just seen the run done), seconds
#   cpu_life_s   the peer's process CPU (user + system) from launch to now, seconds: start-up, JIT and work
#   running_s    launch to the job's first "-> RUNNING" log line (Kafka Streams running; -1 if none, as for
#                Parallel Consumer); from the log's wall-clock time of day, so not across midnight
#   rss_peak_mb  the peer's peak resident set (VmHWM), MiB
#   req_5s, req_10s   requests done at the watcher's first progress line at or after 5 s and 10 s (output
#                records / 10), counted from the watcher's start, a fraction of a second after the launch
set -euo pipefail
pid=$1 launch_ms=$2 log=$3 peer_log=$4
now_ms=$(date +%s%3N)
ticks=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$pid/stat" 2>/dev/null || echo 0)  # utime+stime, 100 Hz
rss_kb=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)
running=$(grep -m1 -E -- '-> RUNNING' "$peer_log" 2>/dev/null | grep -oE '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}' || true)
running_s=-1
if [ -n "$running" ]; then
  running_ms=$(date -d "$(date -d "@$((launch_ms / 1000))" +%F) $running" +%s%3N)
  running_s=$(awk -v a="$running_ms" -v b="$launch_ms" 'BEGIN { printf "%.2f", (a - b) / 1000 }')
fi
at() {  # $1 = seconds: requests done at the first progress line at or after it
  awk -v s="$1" '/^  t= *[0-9.]+s accounts=/ { t = $0; sub(/^  t= */, "", t); sub(/s .*/, "", t)
    a = $0; sub(/.*accounts=/, "", a); sub(/ .*/, "", a)
    if (t + 0 >= s) { printf "%d", a / 10; found = 1; exit } }
    END { if (!found) printf "-1" }' "$log"
}
awk -v l="$((now_ms - launch_ms))" -v t="$ticks" -v m="${rss_kb:-0}" -v r="$running_s" -v a="$(at 5)" -v b="$(at 10)" \
  'BEGIN { printf "life_s=%.2f cpu_life_s=%.2f rss_peak_mb=%.0f running_s=%s req_5s=%s req_10s=%s\n", l / 1000, t / 100, m / 1024, r, a, b }'
