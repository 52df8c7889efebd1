#!/usr/bin/env bash
# The integration suite: real Kafka (KRaft, from Maven Central jars) and a real InfluxDB on loopback,
# started here and stopped on every exit path.
set -euo pipefail
cd "$(dirname "$0")/.."

cleanup() {
  bash scripts/kafka/stop.sh || true
  bash scripts/influx/stop.sh || true
}
trap cleanup EXIT

# Assets byte-identical across two checkouts (no broker needed).
bash scripts/build/reproducible-assets.sh

bash scripts/kafka/start.sh
bash scripts/influx/start.sh

npm run test:integration -w services/ingest
bash scripts/flink/test-integration.sh
# A restored InfluxDB node's consumer-group reset (kafka-python) against the broker above.
npx jest --testMatch '**/*.itest.ts' test/influx
