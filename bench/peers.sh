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
# It copies the peer bench (PEERS_SRC, default ../shared/peers beside the project) to target/peers, builds
# it, starts its broker (127.0.0.1:39092) and fake Plaid (L = 100 ms) and stops them at the end.
# Results: target/peers/work/side-<time>.tsv (one RESULT line per run) and side-<time>.md (the table).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PEERS_SRC=${PEERS_SRC:-$ROOT/../shared/peers}
CS=${CS:-"16 64 256 1024"}; REPS=${REPS:-2}; WORK_S=${WORK_S:-20}
MODES=${MODES:-"pc-async pc-tx job-eos job-alo"}
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
grep -q 'JOB_JAVA_OPTS' "$P/run.sh" && grep -q 'JOB_PROPS' "$P/run.sh" \
  || { echo "the peer bench's run.sh changed: cannot add JOB_JAVA_OPTS/JOB_PROPS" >&2; exit 2; }
cd "$P"
[ -d target/pc ] && [ -d target/streams ] || ./run.sh build
stamp=$(date +%Y%m%d-%H%M%S)
results=$P/work/side-$stamp.tsv
mkdir -p work
./run.sh broker reset >/dev/null
./run.sh broker start
trap './run.sh broker stop >/dev/null 2>&1 || true' EXIT
export JOB_JAR JOB_PROPS="${JOB_PROPS:-}" JOB_JAVA_OPTS="${JOB_JAVA_OPTS:-}" WORK_S RESULTS=$results
pc_modes=""; job_modes=""
for m in $MODES; do
  case $m in
    pc-*) pc_modes="$pc_modes ${m#pc-}" ;;
    job-*) job_modes="$job_modes ${m#job-}" ;;
    *) echo "unknown mode $m" >&2; exit 2 ;;
  esac
done
PC_CS="$CS" PC_MODES="$pc_modes" JOB_MODES="$job_modes" STREAMS_THREADS="" REPS="$REPS" ./run.sh peers

# The table: means over the repetitions; CPU ms per request = process CPU over the run / requests.
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
  }' "$results" | tee "$P/work/side-$stamp.md"
echo "runs: $results"
