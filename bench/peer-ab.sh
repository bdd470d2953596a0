#!/usr/bin/env bash
# A/B on the peer bench: the job jar before (OLD_JAR) and after (NEW_JAR) a change, interleaved, C = 64 and 256,
# two repetitions, results in $PEERS_DIR/work/ab2-old.tsv and ab2-new.tsv (the RESULT lines: rps, CPU).
set -euo pipefail
cd "${PEERS_DIR:?copy ../shared/peers somewhere and point PEERS_DIR at it}"
W=$PWD/work
export WORK_S=${WORK_S:-20}
for rep in 1 2; do
  for c in 64 256; do
    JOB_JAR=$OLD_JAR RESULTS=$W/ab2-old.tsv ./run.sh peer job-eos "$c" "$rep"
    JOB_JAR=$NEW_JAR RESULTS=$W/ab2-new.tsv ./run.sh peer job-eos "$c" "$rep"
  done
done
