#!/usr/bin/env bash
# Measures the Plaid emulator with wrk (Debian package `wrk`): starts the emulator in its own JVM,
# warms it up, then runs wrk and reports requests/s, latency and the emulator's CPU use.
#
# Usage: bench/emulator-wrk.sh [LATENCY_MS] [CONNECTIONS] [DURATION_S]
#   e.g. bench/emulator-wrk.sh 100 4000 30
# Environment: PORT (default 18080), WRK_THREADS (2), WARMUP_S (10), HANDLER_THREADS (2),
#   WRITER_THREADS (1), JAVA_OPTS, TOKENS (distinct tokens cycled by the Lua script, 1000).
# Needs: the jar (`mvn -q -DskipTests package`, built here if missing), wrk, and `ulimit -n` above
#   2 x CONNECTIONS.
set -euo pipefail

LATENCY_MS=${1:-0}
CONNECTIONS=${2:-1000}
DURATION_S=${3:-30}
PORT=${PORT:-18080}
WRK_THREADS=${WRK_THREADS:-2}
WARMUP_S=${WARMUP_S:-10}
HANDLER_THREADS=${HANDLER_THREADS:-2}
WRITER_THREADS=${WRITER_THREADS:-1}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
cd "$ROOT"
JAR=target/plaid-identity-stream.jar
[[ -f $JAR ]] || mvn -B -q -DskipTests package

LOG=$(mktemp)
# The secret is passed through the environment only (never as an argument).
PLAID_SECRET=bench-secret java ${JAVA_OPTS:-} -jar "$JAR" \
  emulator --port "$PORT" --client-id bench-client \
  --latency-ms "$LATENCY_MS" --handler-threads "$HANDLER_THREADS" \
  --writer-threads "$WRITER_THREADS" >"$LOG" 2>&1 &
EMULATOR_PID=$!
trap 'kill "$EMULATOR_PID" 2>/dev/null || true; wait "$EMULATOR_PID" 2>/dev/null || true; rm -f "$LOG"' EXIT
for _ in $(seq 1 100); do
  grep -q "listening on" "$LOG" && break
  sleep 0.2
done
grep -q "listening on" "$LOG" || { cat "$LOG" >&2; exit 1; }
URL="http://127.0.0.1:$PORT"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$EMULATOR_PID/stat"; }

echo "# warm-up: ${WARMUP_S}s, ${CONNECTIONS} connections, latency ${LATENCY_MS} ms"
wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${WARMUP_S}s" -s "$HERE/emulator-wrk.lua" "$URL" >/dev/null

TICKS=$(getconf CLK_TCK)
CPU_BEFORE=$(cpu_ticks)
echo "# measured: wrk -t$WRK_THREADS -c$CONNECTIONS -d${DURATION_S}s --latency -s bench/emulator-wrk.lua $URL"
WRK_OUT=$(mktemp)
# `times` prints the CPU of this subshell's children: wrk's own CPU use.
( wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${DURATION_S}s" --latency -s "$HERE/emulator-wrk.lua" "$URL"
  times ) >"$WRK_OUT"
CPU_AFTER=$(cpu_ticks)
head -n -2 "$WRK_OUT"
REQUESTS=$(awk '/requests in/ { print $1 }' "$WRK_OUT")
tail -n 1 "$WRK_OUT" | awk -v d="$DURATION_S" '{
  split($1, u, "m"); split($2, s, "m"); sub("s", "", u[2]); sub("s", "", s[2]);
  t = u[1] * 60 + u[2] + s[1] * 60 + s[2];
  printf "# wrk CPU: %.1f s over %d s = %.2f cores\n", t, d, t / d }'
rm -f "$WRK_OUT"
awk -v b="$CPU_BEFORE" -v a="$CPU_AFTER" -v t="$TICKS" -v d="$DURATION_S" -v n="$REQUESTS" \
  'BEGIN { c = (a - b) / t;
    printf "# emulator CPU: %.1f s over %d s = %.2f cores, %.0f us per request\n", c, d, c / d, c * 1e6 / n }'
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
if (( LATENCY_MS > 0 )); then
  awk -v c="$CONNECTIONS" -v l="$LATENCY_MS" 'BEGIN { printf "# Little bound C/L: %.0f req/s\n", c*1000/l }'
fi
