#!/usr/bin/env bash
# The Flink job's integration tests (*IT.java, Maven failsafe) on a Flink MiniCluster against the real
# local Kafka (127.0.0.1:9092); the job has no InfluxDB to talk to. scripts/test-integration.sh starts Kafka
# first; run standalone, this script starts it when not reachable and stops it only then.
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

mvn -B -f "$FLINK_JOB_POM" verify -DskipUTs=true "$@"
