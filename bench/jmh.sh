#!/usr/bin/env bash
# JMH microbenchmarks of the per-record path (benchmarks/src/main/java/**/*Benchmark.java): builds the
# benchmarks module, then runs JMH on its class path. Arguments go to JMH (org.openjdk.jmh.Main) as is;
# without any, it runs every benchmark with the settings below.
#   bench/jmh.sh                                            # -f 1 -wi 3 -w 2s -i 5 -r 2s '.*Benchmark.*'
#   bench/jmh.sh -f 1 -wi 2 -w 1s -i 3 -r 1s                # a quick check
#   bench/jmh.sh -p accounts=10 'PerRecordPathBenchmark.parseAndSplit'
#   bench/jmh.sh -h                                         # JMH's options
# Results: target/jmh/results.json (JMH's JSON) and target/jmh/results.txt (the console output).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests -pl benchmarks -am package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
mkdir -p target/jmh
if [ "$#" -eq 0 ]; then
  set -- -f 1 -wi 3 -w 2s -i 5 -r 2s '.*Benchmark.*'
fi
java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  org.openjdk.jmh.Main -rf json -rff target/jmh/results.json "$@" 2>&1 | tee target/jmh/results.txt
