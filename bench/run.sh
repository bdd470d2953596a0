#!/usr/bin/env bash
# End-to-end benchmarks (BENCHMARKS.md): broker, Plaid emulator and job in separate JVMs on this
# machine. Builds the jar and the harness, then runs every suite 3 times (about 35 minutes).
#   bench/run.sh                                  # everything
#   bench/run.sh --suites sweep --runs 1          # one suite, one run
#   bench/run.sh --help                           # all options
#   bench/run.sh peers                            # beside Parallel Consumer, same run: bench/peers.sh (its env)
# Results: target/bench/results.jsonl, target/bench/summary.md, target/bench/throughput.png
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = peers ]; then
  shift
  exec bench/peers.sh "$@"
fi
# The benchmarks module and what it needs (the job's jar at target/plaid-identity-stream.jar among them).
mvn -B -q -DskipTests -pl benchmarks -am package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
exec java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  dev.identitystream.bench.Benchmarks "$@"
