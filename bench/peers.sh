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
#   JOB_JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java   the job's java (default: java on PATH)
#   BROKER_PORT=29092 FAKE_PORT=29180 bench/peers.sh other ports for the broker (controller: BROKER_PORT + 1)
#                                                    and the fake Plaid, when another copy holds the defaults;
#                                                    below 32768 no client connection's ephemeral port can take them
#   VARIANTS=$'jdk17 java\njdk25-coh /usr/lib/jvm/temurin-25-jdk-amd64/bin/java -XX:+UseCompactObjectHeaders'
#                                                    the job under several JVMs or options in one invocation,
#                                                    one variant a line: NAME JAVA [OPTIONS...] (NAME in
#                                                    [A-Za-z0-9._-]); every job run of every repetition runs
#                                                    once per variant, repetition r starting at the r-th (so
#                                                    no variant always runs first), and a second table
#                                                    compares them with the first (JOB_JAVA/JOB_JAVA_OPTS unused)
# It copies the peer bench (PEERS_SRC, default ../shared/peers beside the project) to target/peers, builds
# it, starts its broker (127.0.0.1:39092, or BROKER_PORT) and fake Plaid (L = 100 ms, port 39180 or FAKE_PORT)
# and stops them at the end.
# Results: target/peers/work/side-<time>.tsv (one RESULT line per run) and side-<time>.md (the tables).
# Each RESULT line also carries the run's warm-up figures from bench/peers-warmup.sh (start-up to RUNNING,
# requests done 5 and 10 s in, process CPU from launch to done); a variant's runs are named job-MODE@NAME.
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
P=$ROOT/target/peers
BROKER_PORT=${BROKER_PORT:-39092}; FAKE_PORT=${FAKE_PORT:-39180}
MODE=${MODE:-throughput}; LOAD_S=${LOAD_S:-60}; SKIP_S=${SKIP_S:-30}
case $MODE in
  throughput) ;;
  latency) [ $((LOAD_S % 2)) -eq 0 ] || { echo "LOAD_S must be even (N = LOAD_S / 2 s of work at the bound)" >&2; exit 2; } ;;
  *) echo "unknown MODE $MODE (throughput | latency)" >&2; exit 2 ;;
esac

[ -f "$PEERS_SRC/run.sh" ] || { echo "no peer bench at $PEERS_SRC (set PEERS_SRC)" >&2; exit 2; }
if [ -z "${JOB_JAR:-}" ]; then
  mvn -B -q -DskipTests package
  JOB_JAR=$ROOT/target/plaid-identity-stream.jar
fi
mkdir -p "$P"
cp -r "$PEERS_SRC"/. "$P"/
# The peer bench starts the job with fixed settings. Hooks added to its run.sh: the job's java and JVM options,
# settings, a loop over the variants (work/variants.tsv: NAME, java, options, tab-separated; NAME "-" for none;
# rotated by one per repetition),
# each variant's name in the run's id and kind, and the warm-up figures appended to every RESULT line.
sed -i 's|java -Xms256m -Xmx1g -jar "${JOB_JAR|${JOB_JAVA:-java} -Xms256m -Xmx1g ${JOB_JAVA_OPTS:-} -jar "${JOB_JAR|' "$P/run.sh"
sed -i 's|^state.dir=$W/state/$id$|state.dir=$W/state/$id\n${JOB_PROPS:-}|' "$P/run.sh"
sed -i 's|do peer "job-$m" "$c" "$rep"; done|do while IFS=$'"'\\\\t'"' read -r v j o <\&3; do JOB_VARIANT=${v#-} JOB_JAVA=$j JOB_JAVA_OPTS=$o peer "job-$m" "$c" "$rep"; done 3< <(awk -v r="$rep" '"'"'{ l[NR] = $0 } END { for (i = 0; i < NR; i++) print l[(i + r - 1) % NR + 1] }'"'"' "$JOB_VARIANTS"); done|' "$P/run.sh"
sed -i 's|id="$kind-c$c-r$rep-|id="$kind${JOB_VARIANT:+-$JOB_VARIANT}-c$c-r$rep-|' "$P/run.sh"
sed -i 's|PEER_PID=$!; echo "$PEER_PID" > "$W/peer.pid"|&; LAUNCH_MS=$(date +%s%3N)|' "$P/run.sh"
sed -i 's|^  stop_pid "$PEER_PID"; PEER_PID=""$|  LIFE=$("$PEERS_WARMUP" "$PEER_PID" "$LAUNCH_MS" "$log" "$LOGS/$id.peer.log" \|\| true)\n&|' "$P/run.sh"
sed -i 's|"$kind" "$c" "$L" "$rep" "$n" "$(grep '"'"'^RESULT'"'"' "$log" \| tail -1)"|"$kind${JOB_VARIANT:+@$JOB_VARIANT}" "$c" "$L" "$rep" "$n" "$(grep '"'"'^RESULT'"'"' "$log" \| tail -1) ${LIFE:-}"|' "$P/run.sh"
# Two more for the latency mode: how many requests the Loader pre-loads (0: it only recreates the topics) and
# which class watches the run (bench.LatencyRun takes bench.Watch's arguments).
sed -i 's|bench.Loader "$BOOT" "$n"|bench.Loader "$BOOT" "${PRELOAD_N:-$n}"|; s|bench.Watch \\$|${WATCH_MAIN:-bench.Watch} \\|' "$P/run.sh"
sed -i "s|39092|$BROKER_PORT|g; s|39093|$((BROKER_PORT + 1))|g" "$P/run.sh"
for port in "$BROKER_PORT" "$((BROKER_PORT + 1))" "$FAKE_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "port $port is taken (another bench?): set BROKER_PORT / FAKE_PORT" >&2; exit 2
  fi
done
for hook in '${JOB_JAVA:-java} -Xms256m -Xmx1g ${JOB_JAVA_OPTS:-}' '${JOB_PROPS:-}' '"$JOB_VARIANTS"); done' \
    'id="$kind${JOB_VARIANT:+-$JOB_VARIANT}' 'LAUNCH_MS=$(date' 'LIFE=$("$PEERS_WARMUP"' '"$kind${JOB_VARIANT:+@$JOB_VARIANT}"' '${LIFE:-}"' \
    '${PRELOAD_N:-$n}' '${WATCH_MAIN:-bench.Watch}'; do
  grep -qF -- "$hook" "$P/run.sh" || { echo "the peer bench's run.sh changed: cannot add the hook $hook" >&2; exit 2; }
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
JOB_VARIANTS=$P/work/variants.tsv
if [ -n "${VARIANTS:-}" ]; then
  printf '%s\n' "$VARIANTS" | awk '
    NF == 0 { next }
    NF < 2 || $1 !~ /^[A-Za-z0-9._-]+$/ || $1 == "-" { print "VARIANTS: not NAME JAVA [OPTIONS...]: " $0 > "/dev/stderr"; exit 2 }
    $1 in seen { print "VARIANTS: " $1 " twice" > "/dev/stderr"; exit 2 }
    { seen[$1] = 1; name = $1; java = $2; $1 = ""; $2 = ""; sub(/^ +/, ""); print name "\t" java "\t" $0 }' > "$JOB_VARIANTS"
else
  printf -- '-\t%s\t%s\n' "${JOB_JAVA:-java}" "${JOB_JAVA_OPTS:-}" > "$JOB_VARIANTS"
fi
export FAKE_PORT JOB_JAR JOB_PROPS="${JOB_PROPS:-}" JOB_VARIANTS PEERS_WARMUP=$ROOT/bench/peers-warmup.sh WORK_S RESULTS=$results
pc_modes=""; job_modes=""
for m in $MODES; do
  case $m in
    pc-*) pc_modes="$pc_modes ${m#pc-}" ;;
    job-*) job_modes="$job_modes ${m#job-}" ;;
    *) echo "unknown mode $m" >&2; exit 2 ;;
  esac
done
PC_CS="$CS" PC_MODES="$pc_modes" JOB_MODES="$job_modes" STREAMS_THREADS="" REPS="$REPS" ./run.sh peers

# The tables: means over the repetitions; CPU ms per request = process CPU over the run / requests.
# The first has every configuration beside Parallel Consumer; with VARIANTS, the second compares each variant
# with the first one (same C, same invocation) and adds the warm-up figures of bench/peers-warmup.sh.
throughput_table() {
awk -F'\t' '
  function field(line, key,   i, n, parts) {
    n = split(line, parts, " ")
    for (i = 1; i <= n; i++) if (index(parts[i], key "=") == 1) return substr(parts[i], length(key) + 2)
    return ""
  }
  !($1 in seen) { seen[$1] = 1; if ($1 ~ /^job-/) jobs[++njobs] = $1; if ($1 ~ /@/) variants = 1 }
  $6 ~ /status=DONE/ {
    k = $1 SUBSEP $2; runs[k]++; cs[$2] = 1
    n = field($6, "n"); span = field($6, "span_s")
    rps[k] += field($6, "rps"); mid[k] += field($6, "rps_mid"); busy[k] += field($6, "sys_busy")
    cpu[k] += field($6, "cpu_peer") / 100 * span / n * 1000
    up[k] += field($6, "running_s"); r10[k] += field($6, "req_10s"); life[k] += field($6, "cpu_life_s"); rss[k] += field($6, "rss_peak_mb")
  }
  $6 !~ /status=DONE/ { failed[$1 SUBSEP $2]++ }
  function mean(sum, k) { return sum[k] / runs[k] }
  END {
    nc = 0; for (c in cs) order[++nc] = c + 0
    for (i = 1; i <= nc; i++) for (j = i + 1; j <= nc; j++) if (order[j] < order[i]) { t = order[i]; order[i] = order[j]; order[j] = t }
    nk = 0; ks[++nk] = "pc-async"; ks[++nk] = "pc-tx"; for (x = 1; x <= njobs; x++) ks[++nk] = jobs[x]
    printf "| C (bound) | configuration | runs | req/s | steady req/s | CPU ms/req | machine busy %% | vs PC async (req/s, CPU) | vs PC tx (req/s) |\n"
    printf "|---|---|---:|---:|---:|---:|---:|---|---|\n"
    for (i = 1; i <= nc; i++) {
      c = order[i]
      for (x = 1; x <= nk; x++) {
        kind = ks[x]; k = kind SUBSEP c
        if (!(k in runs)) { if (k in failed) printf "| %d (%d) | %s | 0 | failed | | | | | |\n", c, c * 10, kind; continue }
        r = mean(rps, k); u = mean(cpu, k)
        va = ""; vt = ""
        a = "pc-async" SUBSEP c; t = "pc-tx" SUBSEP c
        if (kind ~ /^job/ && (a in runs)) va = sprintf("%.2fx, %.2fx", r / mean(rps, a), u / mean(cpu, a))
        if (kind ~ /^job/ && (t in runs)) vt = sprintf("%.2fx", r / mean(rps, t))
        printf "| %d (%d) | %s | %d | %.0f | %.0f | %.2f | %.0f | %s | %s |\n", c, c * 10, kind, runs[k], r, mean(mid, k), u, mean(busy, k), va, vt
      }
    }
    if (!variants) exit
    printf "\n| C | variant | runs | req/s | steady req/s | CPU ms/req | vs %s (req/s, steady, CPU ms/req) | to RUNNING, s | requests by 10 s | process CPU s, launch to done | peak RSS MiB |\n", jobs[1]
    printf "|---|---|---:|---:|---:|---:|---|---:|---:|---:|---:|\n"
    for (i = 1; i <= nc; i++) {
      c = order[i]; b = jobs[1] SUBSEP c
      for (x = 1; x <= njobs; x++) {
        k = jobs[x] SUBSEP c
        if (!(k in runs)) { printf "| %d | %s | 0 | failed | | | | | | | |\n", c, jobs[x]; continue }
        vb = (b in runs) ? sprintf("%.2fx, %.2fx, %.2fx", mean(rps, k) / mean(rps, b), mean(mid, k) / mean(mid, b), mean(cpu, k) / mean(cpu, b)) : ""
        printf "| %d | %s | %d | %.0f | %.0f | %.2f | %s | %.2f | %.0f | %.1f | %.0f |\n", c, jobs[x], runs[k], mean(rps, k), mean(mid, k),
          mean(cpu, k), vb, mean(up, k), mean(r10, k), mean(life, k), mean(rss, k)
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
