#!/usr/bin/env bash
# Same-run comparison with the peers (BENCHMARKS.md, issue #13): the job's jar under exactly_once_v2 and
# at_least_once beside Parallel Consumer (async commits, transactional) on one broker, one fake Plaid and
# one load, repetitions interleaved, so that every ratio printed comes from one invocation.
#   bench/peers.sh                                   C = 16 64 256 1024, 2 repetitions (about 45 minutes)
#   CS="64 256" REPS=2 bench/peers.sh                fewer concurrencies
#   MODES="job-eos pc-async" CS=256 bench/peers.sh   fewer configurations
#   JOB_JAR=/path/to.jar bench/peers.sh              another build of the job (default: package this tree)
#   JOB_PROPS=$'stage.store=memory' bench/peers.sh   extra job settings, one per line
#   JOB_JAVA_OPTS="-XX:StartFlightRecording=..."     extra JVM options of the job only
#   BROKER_PORT=29092 FAKE_PORT=29180 bench/peers.sh  other ports (default 39092, controller +1, fake 39180), when
#                                                    another copy of the peer bench holds them; below 32768 no
#                                                    client connection's ephemeral port can take them meanwhile
# It copies the peer bench (PEERS_SRC, default ../shared/peers beside the project) to target/peers, builds
# it, starts its broker (127.0.0.1:BROKER_PORT) and fake Plaid (L = 100 ms) and stops them at the end.
# Results: target/peers/work/side-<time>.tsv (one RESULT line per run) and side-<time>.md (the table).
#
# MODE=latency: the same peers, broker, fake and interleaving, but each run is a paced load instead of a backlog.
# The peer starts on empty topics; once its group is stable with all 8 input partitions held (+ 2 s), bench.LatencyRun
# (bench/peers-latency/, compiled here into the copy) sends LOAD_S seconds of requests at half the bound,
# R = C / L / 2 (1,280/s at C = 256), open loop, and follows `accounts` with a read_committed reader until every
# request has its 10 account records (or TIMEOUT_S, default LOAD_S + 60 s). Latency of a request = when its last
# account record appeared - its record's CreateTime on `requests` (the send time), as seen by that reader (vis_*,
# the commit included) and as the record's LogAppendTime (app_*); p50/p99/max over all requests and over those
# sent SKIP_S s or later after the first: the fresh JVM's warm-up and the drain of the backlog it left (at C = 256
# that drain lasted up to 36 s after 40-s loads were started; so by default 60 s of load, the last 30 s steady).
#   MODE=latency CS="64 256" REPS=2 JOB_JAR=/tmp/job.jar bench/peers.sh    LOAD_S=60 SKIP_S=30 by default (~12 min per C)
# Results: target/peers/work/latency-<time>.tsv (RESULT lines), latency-<time>.md (the table and every run),
# work/logs/<run>.requests.tsv (per request: CreateTime, last LogAppendTime, last seen, account records).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PEERS_SRC=${PEERS_SRC:-$ROOT/../shared/peers}
CS=${CS:-"16 64 256 1024"}; REPS=${REPS:-2}; WORK_S=${WORK_S:-20}
MODES=${MODES:-"pc-async pc-tx job-eos job-alo"}
BROKER_PORT=${BROKER_PORT:-39092}; FAKE_PORT=${FAKE_PORT:-39180}
MODE=${MODE:-throughput}; LOAD_S=${LOAD_S:-60}; SKIP_S=${SKIP_S:-30}
case $MODE in
  throughput) ;;
  latency) [ $((LOAD_S % 2)) -eq 0 ] || { echo "LOAD_S must be even (N = LOAD_S / 2 s of work at the bound)" >&2; exit 2; } ;;
  *) echo "unknown MODE $MODE (throughput | latency)" >&2; exit 2 ;;
esac
P=$ROOT/target/peers

[ -f "$PEERS_SRC/run.sh" ] || { echo "no peer bench at $PEERS_SRC (set PEERS_SRC)" >&2; exit 2; }
if [ -z "${JOB_JAR:-}" ]; then
  mvn -B -q -DskipTests package
  JOB_JAR=$ROOT/target/plaid-identity-stream.jar
fi
mkdir -p "$P"
cp -r "$PEERS_SRC"/. "$P"/
# The peer bench starts the job with fixed settings; two hooks let this script add JVM options and settings.
sed -i 's|java -Xms256m -Xmx1g -jar "${JOB_JAR|java -Xms256m -Xmx1g ${JOB_JAVA_OPTS:-} -jar "${JOB_JAR|' "$P/run.sh"
sed -i 's|^state.dir=$W/state/$id$|state.dir=$W/state/$id\n${JOB_PROPS:-}|' "$P/run.sh"
# Two more for the latency mode: how many requests the Loader pre-loads (0: it only recreates the topics) and
# which class watches the run (bench.LatencyRun takes bench.Watch's arguments).
sed -i 's|bench.Loader "$BOOT" "$n"|bench.Loader "$BOOT" "${PRELOAD_N:-$n}"|; s|bench.Watch \\$|${WATCH_MAIN:-bench.Watch} \\|' "$P/run.sh"
grep -q 'JOB_JAVA_OPTS' "$P/run.sh" && grep -q 'JOB_PROPS' "$P/run.sh" && grep -q 'PRELOAD_N' "$P/run.sh" \
  && grep -q 'WATCH_MAIN' "$P/run.sh" \
  || { echo "the peer bench's run.sh changed: cannot add JOB_JAVA_OPTS/JOB_PROPS/PRELOAD_N/WATCH_MAIN" >&2; exit 2; }
sed -i "s/39092/$BROKER_PORT/g; s/39093/$((BROKER_PORT + 1))/g" "$P/run.sh"
for port in "$BROKER_PORT" $((BROKER_PORT + 1)) "$FAKE_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "port $port is taken (another copy of the peer bench?): set BROKER_PORT / FAKE_PORT" >&2; exit 2
  fi
done
cd "$P"
[ -d target/pc ] && [ -d target/streams ] || ./run.sh build
javac -d target/streams -cp "target/streams:$(cat target/cp-streams.txt)" "$ROOT"/bench/peers-latency/*.java
stamp=$(date +%Y%m%d-%H%M%S)
results=$P/work/side-$stamp.tsv
if [ "$MODE" = latency ]; then
  results=$P/work/latency-$stamp.tsv
  # N = WORK_S s of work at the bound = LOAD_S s at half of it; the Loader only recreates the topics.
  WORK_S=$((LOAD_S / 2)); export PRELOAD_N=0 TIMEOUT_S=${TIMEOUT_S:-$((LOAD_S + 60))}
  export WATCH_MAIN="-Dload.s=$LOAD_S -Dskip.s=$SKIP_S -Dkeys=${KEYS:-10000} -Dout=$P/work/logs bench.LatencyRun"
fi
mkdir -p work
./run.sh broker reset >/dev/null
./run.sh broker start
trap './run.sh broker stop >/dev/null 2>&1 || true' EXIT
export FAKE_PORT JOB_JAR JOB_PROPS="${JOB_PROPS:-}" JOB_JAVA_OPTS="${JOB_JAVA_OPTS:-}" WORK_S RESULTS=$results
pc_modes=""; job_modes=""
for m in $MODES; do
  case $m in
    pc-*) pc_modes="$pc_modes ${m#pc-}" ;;
    job-*) job_modes="$job_modes ${m#job-}" ;;
    *) echo "unknown mode $m" >&2; exit 2 ;;
  esac
done
PC_CS="$CS" PC_MODES="$pc_modes" JOB_MODES="$job_modes" STREAMS_THREADS="" REPS="$REPS" ./run.sh peers

# The throughput table: means over the repetitions; CPU ms per request = process CPU over the run / requests.
throughput_table() {
  awk -F'\t' '
    function field(line, key,   i, n, parts) {
      n = split(line, parts, " ")
      for (i = 1; i <= n; i++) if (index(parts[i], key "=") == 1) return substr(parts[i], length(key) + 2)
      return ""
    }
    $6 ~ /status=DONE/ {
      k = $1 SUBSEP $2; runs[k]++; cs[$2] = 1; kinds[$1] = 1
      n = field($6, "n"); span = field($6, "span_s")
      rps[k] += field($6, "rps"); mid[k] += field($6, "rps_mid"); busy[k] += field($6, "sys_busy")
      cpu[k] += field($6, "cpu_peer") / 100 * span / n * 1000
    }
    $6 !~ /status=DONE/ { failed[$1 SUBSEP $2]++ }
    END {
      printf "| C (bound) | configuration | runs | req/s | steady req/s | CPU ms/req | machine busy %% | vs PC async (req/s, CPU) | vs PC tx (req/s) |\n"
      printf "|---|---|---:|---:|---:|---:|---:|---|---|\n"
      nc = 0; for (c in cs) order[++nc] = c + 0
      for (i = 1; i <= nc; i++) for (j = i + 1; j <= nc; j++) if (order[j] < order[i]) { t = order[i]; order[i] = order[j]; order[j] = t }
      split("pc-async pc-tx job-eos job-alo", ks, " ")
      for (i = 1; i <= nc; i++) {
        c = order[i]
        for (x = 1; x <= 4; x++) {
          kind = ks[x]; k = kind SUBSEP c
          if (!(k in runs)) { if (k in failed) printf "| %d (%d) | %s | 0 | failed | | | | | |\n", c, c * 10, kind; continue }
          r = rps[k] / runs[k]; m = mid[k] / runs[k]; u = cpu[k] / runs[k]; b = busy[k] / runs[k]
          va = ""; vt = ""
          a = "pc-async" SUBSEP c; t = "pc-tx" SUBSEP c
          if (kind ~ /^job/ && (a in runs)) va = sprintf("%.2fx, %.2fx", r / (rps[a] / runs[a]), u / (cpu[a] / runs[a]))
          if (kind ~ /^job/ && (t in runs)) vt = sprintf("%.2fx", r / (rps[t] / runs[t]))
          printf "| %d (%d) | %s | %d | %.0f | %.0f | %.2f | %.0f | %s | %s |\n", c, c * 10, kind, runs[k], r, m, u, b, va, vt
        }
      }
    }' "$1"
}

# The latency table: per configuration, means over the repetitions of each run's percentiles (max: the largest);
# ratios are the job's over Parallel Consumer async's (steady, visible). Then every run.
latency_table() {
  awk -F'\t' -v skip="$SKIP_S" '
    function field(line, key,   i, n, parts) {
      n = split(line, parts, " ")
      for (i = 1; i <= n; i++) if (index(parts[i], key "=") == 1) return substr(parts[i], length(key) + 2)
      return ""
    }
    function mx(a, b) { return a == "" || b + 0 > a + 0 ? b : a }
    {
      k = $1 SUBSEP $2; cs[$2] = 1; line[++nl] = $0
      if ($6 !~ /status=DONE/) { failed[k]++; next }
      runs[k]++; rate[k] = field($6, "rate")
      split("vis_st_p50_ms vis_st_p99_ms vis_p50_ms vis_p99_ms app_st_p50_ms app_st_p99_ms", keys, " ")
      for (x = 1; x <= 6; x++) sum[k, keys[x]] += field($6, keys[x])
      vmax[k] = mx(vmax[k], field($6, "vis_st_max_ms")); amax[k] = mx(amax[k], field($6, "vis_max_ms"))
    }
    function mean(k, key) { return sum[k, key] / runs[k] }
    END {
      printf "| C (bound) | rate req/s | configuration | runs | steady p50 ms | steady p99 ms | steady max ms | all p50 ms | all p99 ms | all max ms | LogAppendTime steady p50 / p99 ms | vs PC async (steady p50, p99) |\n"
      printf "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---|\n"
      nc = 0; for (c in cs) order[++nc] = c + 0
      for (i = 1; i <= nc; i++) for (j = i + 1; j <= nc; j++) if (order[j] < order[i]) { t = order[i]; order[i] = order[j]; order[j] = t }
      split("pc-async pc-tx job-eos job-alo", kinds, " ")
      for (i = 1; i <= nc; i++) for (x = 1; x <= 4; x++) {
        c = order[i]; kind = kinds[x]; k = kind SUBSEP c; a = "pc-async" SUBSEP c
        if (!(k in runs)) { if (k in failed) printf "| %d (%d) | | %s | 0 | %d failed or timed out | | | | | | | |\n", c, c * 10, kind, failed[k]; continue }
        vs = ""
        if (kind ~ /^job/ && (a in runs))
          vs = sprintf("%.2fx, %.2fx", mean(k, "vis_st_p50_ms") / mean(a, "vis_st_p50_ms"), mean(k, "vis_st_p99_ms") / mean(a, "vis_st_p99_ms"))
        printf "| %d (%d) | %.0f | %s | %d%s | %.0f | %.0f | %s | %.0f | %.0f | %s | %.0f / %.0f | %s |\n", c, c * 10, rate[k], kind, runs[k],
          (k in failed) ? " (+" failed[k] " failed)" : "", mean(k, "vis_st_p50_ms"), mean(k, "vis_st_p99_ms"), vmax[k],
          mean(k, "vis_p50_ms"), mean(k, "vis_p99_ms"), amax[k], mean(k, "app_st_p50_ms"), mean(k, "app_st_p99_ms"), vs
      }
      printf "\nEvery run (steady: the requests sent %s s or more after the first):\n\n", skip
      printf "| configuration | C | rep | status | sent req/s | ready s | steady p50 / p99 / max ms | all p50 / p99 / max ms | LogAppendTime steady p50 / p99 / max ms | peer CPU %% | watcher CPU %% | machine busy %% |\n"
      printf "|---|---:|---:|---|---:|---:|---|---|---|---:|---:|---:|\n"
      for (l = 1; l <= nl; l++) {
        split(line[l], f, "\t"); r = f[6]
        printf "| %s | %s | %s | %s | %s | %s | %s / %s / %s | %s / %s / %s | %s / %s / %s | %s | %s | %s |\n", f[1], f[2], f[4], field(r, "status"),
          field(r, "sent_rps"), field(r, "ready_s"), field(r, "vis_st_p50_ms"), field(r, "vis_st_p99_ms"), field(r, "vis_st_max_ms"),
          field(r, "vis_p50_ms"), field(r, "vis_p99_ms"), field(r, "vis_max_ms"),
          field(r, "app_st_p50_ms"), field(r, "app_st_p99_ms"), field(r, "app_st_max_ms"), field(r, "cpu_peer"), field(r, "cpu_watch"), field(r, "sys_busy")
      }
    }' "$1"
}

if [ "$MODE" = latency ]; then
  latency_table "$results" | tee "$P/work/latency-$stamp.md"
else
  throughput_table "$results" | tee "$P/work/side-$stamp.md"
fi
echo "runs: $results"
