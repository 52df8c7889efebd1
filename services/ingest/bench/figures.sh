#!/usr/bin/env bash
# The load tool's figures for docs and reports: the service (bundle, one worker per core) with the JSONL
# sink, with the local Kafka (must be running: npm run kafka:start), and a bare node:http baseline.
# Same payload everywhere: 10 points per request, 100 keep-alive connections, REQUESTS requests (default 20000).
set -euo pipefail
cd "$(dirname "$0")/.."
REQUESTS="${REQUESTS:-20000}"
KEY=bench-key-0001
TMP="$(mktemp -d)"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; sleep 1; rm -rf "$TMP"; }
trap cleanup EXIT

node build.mjs >/dev/null
wait_up() { for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$1/${2:-health}" && return 0; sleep 0.1; done; echo "port $1 did not come up" >&2; exit 1; }
run() { npx tsx bench/loadtest.ts --url "$1" --connections 100 --requests "$REQUESTS" --key "$KEY"; }
common=(INGEST_API_KEYS=$KEY INGEST_HOST=127.0.0.1 LOG_LEVEL=warn INGEST_RATE_REQUESTS_PER_SEC=10000000 INGEST_RATE_POINTS_PER_SEC=1000000000)

echo "== bare node:http (reads the body, answers 204)"
node bench/bare-server.mjs 18301 >/dev/null 2>&1 & PIDS+=($!)
wait_up 18301 write; run "http://127.0.0.1:18301/write"

echo "== ingest, JSONL sink ($TMP/points.jsonl)"
env "${common[@]}" PORT=18302 INGEST_JSONL_PATH="$TMP/points.jsonl" node dist/ingest.js >/dev/null 2>&1 & PIDS+=($!)
wait_up 18302; run "http://127.0.0.1:18302/write?db=bench"

echo "== ingest, Kafka sink (127.0.0.1:9092, topic bench, 3 partitions)"
node -e "
const { Kafka, logLevel } = require('kafkajs');
(async () => { const a = new Kafka({ brokers: ['127.0.0.1:9092'], logLevel: logLevel.NOTHING }).admin(); await a.connect();
  await a.createTopics({ topics: [{ topic: 'bench', numPartitions: 3 }], waitForLeaders: true }); await a.disconnect(); })();"
env "${common[@]}" PORT=18303 KAFKA_BROKERS=127.0.0.1:9092 KAFKA_TOPIC=bench INGEST_SPOOL_DIR="$TMP/spool" node dist/ingest.js >/dev/null 2>&1 & PIDS+=($!)
wait_up 18303; run "http://127.0.0.1:18303/write?db=bench"
curl -s http://127.0.0.1:18303/metrics | grep -E '^ingest_(kafka_up|spool_bytes|kafka_send_seconds_(sum|count)\{outcome="ok"\})' || true
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), cores: $(nproc)"
