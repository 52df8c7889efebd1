#!/usr/bin/env bash
# Profiles the ingest workers under load: starts the bundle (Kafka sink by default, JSONL with --jsonl)
# with `node --cpu-prof` (cluster workers inherit it), drives it with scripts/bench/ingest-load.mjs,
# stops it (SIGTERM: the profiles are written on exit) and prints each worker's top functions by self time.
#   bash scripts/bench/ingest-profile.sh [--duration 10] [--points 10] [--gzip] [--connections 100] [--jsonl] [--out DIR]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DURATION=10 POINTS=10 SINK=kafka OUT="" GZIP=() CONNECTIONS=100
while (($#)); do
  case "$1" in
    --duration) DURATION="$2"; shift 2 ;; --points) POINTS="$2"; shift 2 ;;
    --gzip) GZIP=(--gzip); shift ;; --connections) CONNECTIONS="$2"; shift 2 ;;
    --jsonl) SINK=jsonl; shift ;; --out) OUT="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
TMP="$(mktemp -d /tmp/ingest-profile.XXXXXX)"; OUT="${OUT:-$TMP/prof}"; mkdir -p "$OUT"
PID=""
cleanup() { [[ -n "$PID" ]] && kill -TERM -- "-$PID" 2>/dev/null; sleep 2; [[ -n "$PID" ]] && kill -KILL -- "-$PID" 2>/dev/null; rm -rf "$TMP/spool" "$TMP/points.jsonl"; true; }
trap cleanup EXIT
(cd "$ROOT/services/ingest" && node build.mjs >/dev/null)
sinkenv=(INGEST_JSONL_PATH="$TMP/points.jsonl")
if [[ "$SINK" == kafka ]]; then
  sinkenv=(KAFKA_BROKERS=127.0.0.1:9092 KAFKA_TOPIC=bench-ingest INGEST_SPOOL_DIR="$TMP/spool")
  # The topic as bench:ingest creates it: without it the service spools (and the profile is the spool's).
  (exec 3<>/dev/tcp/127.0.0.1/9092) 2>/dev/null || bash "$ROOT/scripts/kafka/start.sh" >&2
  (cd "$ROOT/services/ingest" && node -e "
    const { Kafka, logLevel } = require('kafkajs');
    (async () => { const a = new Kafka({ brokers: ['127.0.0.1:9092'], logLevel: logLevel.NOTHING }).admin(); await a.connect();
      await a.createTopics({ topics: [{ topic: 'bench-ingest', numPartitions: 3, configEntries: [{ name: 'retention.ms', value: '600000' }] }], waitForLeaders: true });
      await a.disconnect(); })().catch((e) => { console.error(e.message); process.exit(1); });")
fi
setsid env INGEST_API_KEYS=bench-key-0001 INGEST_HOST=127.0.0.1 LOG_LEVEL=warn PORT=18320 \
  INGEST_RATE_REQUESTS_PER_SEC=10000000 INGEST_RATE_POINTS_PER_SEC=1000000000 "${sinkenv[@]}" \
  node --cpu-prof --cpu-prof-dir="$OUT" "$ROOT/services/ingest/dist/ingest.js" >"$TMP/ingest.log" 2>&1 &
PID=$!
for _ in $(seq 1 100); do curl -s -o /dev/null http://127.0.0.1:18320/health && break; sleep 0.1; done
node "$ROOT/scripts/bench/ingest-load.mjs" --url 'http://127.0.0.1:18320/write?db=bench' --duration "$DURATION" --points "$POINTS" "${GZIP[@]}" \
  --connections "$CONNECTIONS" --procs "$(nproc)" --key bench-key-0001
curl -s http://127.0.0.1:18320/metrics | grep -E '^ingest_kafka_(send_seconds_(sum|count)\{outcome="ok"\}|batch_records_(sum|count))' || true
curl -s http://127.0.0.1:18320/metrics | grep -E '^ingest_spool_bytes [1-9]' && echo 'ingest-profile: WARNING: the service spooled (Kafka unreachable or topic missing): this profile is not the Kafka path' >&2
kill -TERM -- "-$PID"; for _ in $(seq 1 50); do kill -0 "$PID" 2>/dev/null || break; sleep 0.2; done; PID=""
# The two largest profiles are the workers (the primary is nearly idle).
node "$ROOT/scripts/bench/ingest-profile-top.mjs" $(ls -S "$OUT"/*.cpuprofile | head -2)
echo "profiles in $OUT (open in Chrome DevTools > Performance)"
