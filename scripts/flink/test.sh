#!/usr/bin/env bash
# The Flink job's unit tests (no Kafka or InfluxDB needed): parsing, windows, alert state, sink, config.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/flink/lib.sh
require_java_maven
mvn -B -f "$FLINK_JOB_POM" test "$@"
