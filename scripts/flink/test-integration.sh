#!/usr/bin/env bash
# The Flink job's integration tests (*IT.java, Maven failsafe) on a Flink MiniCluster against the real
# local Kafka (127.0.0.1:9092) and InfluxDB (127.0.0.1:8086). scripts/test-integration.sh starts both
# first; run standalone, this script starts whichever is not reachable and stops only those it started.
# Extra arguments go to Maven (e.g. -Dit.test=AlertsIT).
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/flink/lib.sh
require_java_maven

started=()
cleanup() {
  for s in "${started[@]}"; do bash "scripts/$s/stop.sh" || true; done
}
trap cleanup EXIT

if ! (exec 3<>/dev/tcp/127.0.0.1/9092) 2>/dev/null; then
  if [[ ! -f scripts/kafka/start.sh ]]; then
    echo "flink-job: Kafka is not running on 127.0.0.1:9092 and scripts/kafka/start.sh is missing" >&2
    exit 1
  fi
  bash scripts/kafka/start.sh
  started+=(kafka)
fi
if ! curl -s -o /dev/null -m 2 "http://127.0.0.1:8086/ping"; then
  bash scripts/influx/start.sh
  started+=(influx)
fi

mvn -B -f "$FLINK_JOB_POM" verify -DskipUTs=true "$@"
