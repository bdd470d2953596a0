#!/usr/bin/env bash
# JMH microbenchmarks of the per-record path (src/test/java/**/*Benchmark.java): builds the test
# classes, then runs JMH on the test classpath. Arguments go to JMH (org.openjdk.jmh.Main) as is;
# without any, it runs every benchmark with the settings below.
#   bench/jmh.sh                                            # -f 1 -wi 3 -w 2s -i 5 -r 2s '.*Benchmark.*'
#   bench/jmh.sh -f 1 -wi 2 -w 1s -i 3 -r 1s                # a quick check
#   bench/jmh.sh -p accounts=10 'PerRecordPathBenchmark.parseAndSplit'
#   bench/jmh.sh -h                                         # JMH's options
# Results: target/jmh/results.json (JMH's JSON) and target/jmh/results.txt (the console output).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/jmh-classpath.txt
mkdir -p target/jmh
if [ "$#" -eq 0 ]; then
  set -- -f 1 -wi 3 -w 2s -i 5 -r 2s '.*Benchmark.*'
fi
java -cp "target/test-classes:target/classes:$(cat target/jmh-classpath.txt)" \
  org.openjdk.jmh.Main -rf json -rff target/jmh/results.json "$@" 2>&1 | tee target/jmh/results.txt
