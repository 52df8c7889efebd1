#!/usr/bin/env bash
# Flink job throughput on the MiniCluster (points/s per parallel slot) from the local Kafka to an aggregates
# topic on it (Kafka started here when not reachable). A figure, not a pass/fail test.
# Options are Java system properties, e.g.:  bash scripts/flink/benchmark.sh -Dbench.series=2000 -Dbench.parallelism=2
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/flink/lib.sh
require_java_maven

started=()
cleanup() { for s in "${started[@]}"; do bash "scripts/$s/stop.sh" || true; done; }
trap cleanup EXIT
if ! (exec 3<>/dev/tcp/127.0.0.1/9092) 2>/dev/null; then bash scripts/kafka/start.sh; started+=(kafka); fi

# failsafe runs just the benchmark class; its output lines start with "bench:"
mvn -B -f "$FLINK_JOB_POM" verify -DskipUTs=true -Dit.test=ThroughputBenchmark -DfailIfNoSpecifiedTests=false \
  -DargLine="-Xmx2g" "$@" | tee /tmp/flink-benchmark.log | grep -E '^bench:|Tests run:|BUILD|ERROR' || true
grep -q 'BUILD SUCCESS' /tmp/flink-benchmark.log
