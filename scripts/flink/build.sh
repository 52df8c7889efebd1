#!/usr/bin/env bash
# Builds the Flink job's shaded jar: services/flink-job/target/metricstream-flink-job-<version>.jar
# (Flink itself provided by the runtime; the Kafka connector, kafka-clients, MSK IAM auth, the
# Managed Flink runtime properties library and our code inside), then checks its contents.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/flink/lib.sh
require_java_maven
mvn -B -q -Dstyle.color=never -f "$FLINK_JOB_POM" package -DskipTests

jar_file="$(ls -1 services/flink-job/target/metricstream-flink-job-*.jar | grep -v original | sed -n 1p)"
listing="$(mktemp)"
trap 'rm -f "$listing"' EXIT
"${JAVA_HOME:+$JAVA_HOME/bin/}jar" tf "$jar_file" >"$listing"
for cls in com/metricstream/flink/MetricsJob.class \
           org/apache/flink/connector/kafka/source/KafkaSource.class \
           org/apache/kafka/clients/consumer/KafkaConsumer.class \
           software/amazon/msk/auth/iam/IAMLoginModule.class \
           com/amazonaws/services/kinesisanalytics/runtime/KinesisAnalyticsRuntime.class; do
  grep -qx "$cls" "$listing" || { echo "flink-job: $jar_file lacks $cls" >&2; exit 1; }
done
if grep -Eq '^META-INF/[^/]+\.(SF|DSA|RSA)$' "$listing"; then
  echo "flink-job: $jar_file still carries signature files" >&2; exit 1
fi
if grep -q '^org/apache/flink/streaming/api/environment/' "$listing"; then
  echo "flink-job: $jar_file bundles Flink itself (should be provided)" >&2; exit 1
fi
echo "$jar_file"
