#!/usr/bin/env bash
# HTTP client comparison (issue #13): each candidate transport of HttpPlaidClient, in its own JVM,
# keeps C calls in flight against the peer bench's fake Plaid (FakePlaid.java from PEERS, started with
# -Dsun.net.httpserver.nodelay=true, L ms per reply, one JVM for the whole invocation). Every call is
# the job's work: same JSON body and headers, body read as bytes under the cap, parsed.
# Runs are interleaved: for each repetition, for each C, every client in turn (reversed order in even
# repetitions). REP_FROM numbers the repetitions, so that two invocations (each under 10 min of the
# lock) append to one RESULTS file.
#   bench/http-clients.sh                                   # REPS=2 CS="256 512" L=100 WARMUP_S=10 MEASURE_S=15
#   CLIENTS="jdk jetty" REPS=1 CS=256 bench/http-clients.sh
#   REPS=1 flock /tmp/bench.lock bench/http-clients.sh; REPS=1 REP_FROM=2 SKIP_BUILD=1 flock /tmp/bench.lock bench/http-clients.sh
# Hold the machine's bench lock around it (flock /tmp/bench.lock ...): each run takes WARMUP_S+MEASURE_S+~2 s.
# Output: target/http-bench/results.tsv (one line per run; columns in the header) and summary.md (means).
set -euo pipefail
cd "$(dirname "$0")/.."
PEERS=${PEERS:-../shared/peers}
[ -f "$PEERS/src/common/bench/FakePlaid.java" ] || PEERS=/work/shared/peers
CLIENTS=${CLIENTS:-"jdk jdk-fj2 jdk-direct jetty apache reactor-netty vertx ahc"}
# jdk-fj2: the JDK client with a common pool of 2 threads (on 2 cores it has none, and JDK 17's sendAsync
# then completes every call on a new thread)
opts_for() { if [ "$1" = jdk-fj2 ]; then echo "-Djava.util.concurrent.ForkJoinPool.common.parallelism=2"; fi; }
CS=${CS:-"256 512"}; REPS=${REPS:-2}; L=${L:-100}; WARMUP_S=${WARMUP_S:-10}; MEASURE_S=${MEASURE_S:-15}
PORT=${PORT:-39181}
OUT=target/http-bench; mkdir -p "$OUT"
RESULTS=${RESULTS:-$OUT/results.tsv}
JVM_OPTS=${JVM_OPTS:-"-Xms256m -Xmx512m"}

if [ "${SKIP_BUILD:-}" != 1 ]; then
  mvn -B -q -Phttp-bench -DskipTests -pl benchmarks -am package dependency:build-classpath \
    -Dmdep.outputFile=target/http-bench-classpath.txt
  rm -rf "$OUT/fake" && mkdir -p "$OUT/fake"
  javac -d "$OUT/fake" "$PEERS/src/common/bench/FakePlaid.java"
fi
CP="benchmarks/target/classes:$(cat benchmarks/target/http-bench-classpath.txt)"

java -Xms128m -Xmx512m -Dsun.net.httpserver.nodelay=true -Dsun.net.httpserver.maxIdleConnections=8192 \
  -cp "$OUT/fake" bench.FakePlaid "$PORT" "$L" > "$OUT/fake.log" 2>&1 &
FAKE=$!
trap 'kill $FAKE 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q listening "$OUT/fake.log" 2>/dev/null && break; sleep 0.1; done
ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
busy() { awk '/^cpu /{print $2+$3+$4+$7+$8, $2+$3+$4+$5+$6+$7+$8}' /proc/stat; }   # busy and total jiffies

[ -s "$RESULTS" ] || printf 'client\tC\tcalls_per_s\tcpu_ms_per_call\tp50_ms\tp99_ms\tconnections\tfailures\tcpu_pct\tfake_cpu_pct\tmachine_busy_pct\trep\tdate\n' > "$RESULTS"
# warm the fake (its JIT) with a throwaway run
java $JVM_OPTS -cp "$CP" dev.identitystream.bench.HttpClientBench jdk "http://127.0.0.1:$PORT" 256 6 2 "$OUT/warmup.tsv" > /dev/null

REP_FROM=${REP_FROM:-1}
for rep in $(seq "$REP_FROM" $((REP_FROM + REPS - 1))); do
  order=$CLIENTS   # odd repetitions in the given order, even ones reversed
  if [ $((rep % 2)) = 0 ]; then order=$(echo $CLIENTS | tr ' ' '\n' | tac | tr '\n' ' '); fi
  for c in $CS; do
    for client in $order; do
      f0=$(ticks $FAKE); t0=$(date +%s%N); read -r b0 a0 < <(busy)
      java $JVM_OPTS $(opts_for "$client") -cp "$CP" dev.identitystream.bench.HttpClientBench "$client" "http://127.0.0.1:$PORT" \
        "$c" "$WARMUP_S" "$MEASURE_S" /dev/null > "$OUT/$client-$c-$rep.out" 2>&1 || true
      line=$(grep -P "^$client\t$c\t" "$OUT/$client-$c-$rep.out" | tail -1)
      read -r b1 a1 < <(busy)
      fake_pct=$(( ($(ticks $FAKE) - f0) * 10 * 1000000000 / ($(date +%s%N) - t0) ))   # 100 Hz ticks -> % of a core
      # whole machine (both cores, everyone's processes), over the whole run including warm-up
      printf '%s\t%d.%d\t%d\t%s\t%s\n' "$line" $((fake_pct / 10)) $((fake_pct % 10)) $(( (b1 - b0) * 100 / (a1 - a0) )) \
        "$rep" "$(date -u +%FT%TZ)" | tee -a "$RESULTS"
    done
  done
done

awk -F'\t' 'NR > 1 { k = $2 "\t" $1; n[k]++; rps[k] += $3; cpu[k] += $4; p50[k] += $5; p99[k] += $6; conn[k] += $7; fail[k] += $8
    if (!(k in seen)) { seen[k] = 1; order[++m] = k } }
  END { print "| C | client | calls/s | CPU ms/call | p50 ms | p99 ms | connections | failures | runs |"
        print "|---:|---|---:|---:|---:|---:|---:|---:|---:|"
        for (i = 1; i <= m; i++) { k = order[i]; split(k, a, "\t")
          printf "| %s | %s | %.0f | %.3f | %.1f | %.1f | %.0f | %d | %d |\n", a[1], a[2], rps[k]/n[k], cpu[k]/n[k], p50[k]/n[k], p99[k]/n[k], conn[k]/n[k], fail[k], n[k] } }' \
  "$RESULTS" > "$OUT/summary.md"
cat "$OUT/summary.md"
