#!/usr/bin/env bash
# Builds the Flink job's shaded jar: services/flink-job/target/metricstream-flink-job-<version>.jar
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/flink/lib.sh
require_java_maven
mvn -B -q -f "$FLINK_JOB_POM" package -DskipTests
ls -1 services/flink-job/target/metricstream-flink-job-*.jar | grep -v original
