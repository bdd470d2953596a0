#!/usr/bin/env bash
# Trains the runtime jar's ahead-of-time cache (JDK 25: JEP 483/514/515) on real work, at image build time:
# the devkit jar starts a local broker and the Plaid emulator (no network, no credentials), the runtime jar
# enqueues made-up requests and runs `backfill` on them (until caught up, then it exits) with
# -XX:AOTCacheOutput. The cache is made with the image's JVM, the entry point's options and the runtime jar
# at its final path: a cache made otherwise is not used (one warning at start, then the job runs as without it).
#   docker/aot-train.sh DEVKIT_JAR RUNTIME_JAR CACHE [REQUESTS]
# Run by the Dockerfile's runtime stage; runs as well outside Docker with a JDK 25 `java` on the PATH.
set -euo pipefail
devkit=$1 runtime=$2 cache=$3 requests=${4:-2000}
work=$(mktemp -d)
broker_port=${AOT_BROKER_PORT:-19092} emulator_port=${AOT_EMULATOR_PORT:-18089}
services=""
cleanup() {
  if [ -n "$services" ]; then kill "$services" 2>/dev/null || true; wait "$services" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

java -jar "$devkit" demo --no-job --broker-port "$broker_port" --emulator-port "$emulator_port" > "$work/services.log" 2>&1 &
services=$!
for _ in $(seq 1 180); do
  grep -q "stops both" "$work/services.log" && break
  kill -0 "$services" 2>/dev/null || { cat "$work/services.log" >&2; exit 1; }
  sleep 1
done
grep -q "stops both" "$work/services.log" || { echo "aot-train: broker and emulator not up in 180 s" >&2; cat "$work/services.log" >&2; exit 1; }

cat > "$work/job.properties" <<PROPS
bootstrap.servers=127.0.0.1:$broker_port
application.id=aot-training
state.dir=$work/state
processing.guarantee=exactly_once_v2
plaid.base.url=http://127.0.0.1:$emulator_port
plaid.max.in.flight=64
plaid.requests.per.minute=0
topics.create=true
topics.partitions=3
metrics.port=0
PROPS
{
  echo "access_token,item_id,account_ids,attributes,request_id"
  for i in $(seq 1 "$requests"); do echo "access-sandbox-accounts$((i % 4 + 1))-train$i,item-train$i,,,req-train$i"; done
} > "$work/tokens.csv"
export PLAID_CLIENT_ID=aot-training PLAID_SECRET=aot-training
java -jar "$runtime" enqueue --config "$work/job.properties" --input "$work/tokens.csv"
# The entry point's options (Dockerfile ENTRYPOINT), so that the cache matches the production JVM.
java -XX:MaxRAMPercentage=75 --enable-native-access=ALL-UNNAMED -XX:AOTCacheOutput="$cache" \
  -jar "$runtime" backfill --config "$work/job.properties"
test -s "$cache"
