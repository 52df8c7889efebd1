#!/usr/bin/env bash
# kafkajs against @platformatic/kafka, side by side, producing the ingest service's records
# (scripts/bench/kafka-clients.mjs) to the local broker: idempotent, acks=all, gzip level 1, partition
# chosen by the caller, one send in flight. Each round runs every client in a fresh process, in a
# rotated order; prints records/s and CPU µs per record and per point per client and record size.
#   bash scripts/bench/kafka-clients.sh [--rounds 3] [--records 50000]
# Both clients are installed at pinned versions into .local/kafka-clients (ignored), not into the
# service; kafkajs runs with the service's build-time patches (services/ingest/build.mjs), applied at load.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
ROUNDS=3 RECORDS=50000
while (($#)); do
  case "$1" in
    --rounds) ROUNDS="$2"; shift 2 ;;
    --records) RECORDS="$2"; shift 2 ;;
    *) echo "kafka-clients: unknown option $1" >&2; exit 2 ;;
  esac
done
((ROUNDS >= 1 && ROUNDS <= 10 && RECORDS >= 1000 && RECORDS <= 1000000)) || { echo "kafka-clients: --rounds 1..10, --records 1000..1000000" >&2; exit 2; }
MODS="$ROOT/.local/kafka-clients"
if [[ ! -d "$MODS/node_modules/@platformatic/kafka" || ! -d "$MODS/node_modules/kafkajs" ]]; then
  mkdir -p "$MODS" && echo '{"private":true}' >"$MODS/package.json"
  (cd "$MODS" && npm install --no-audit --no-fund --silent @platformatic/kafka@2.12.1 kafkajs@2.2.4) >&2
fi
if ! (exec 3<>/dev/tcp/127.0.0.1/9092) 2>/dev/null; then
  echo "kafka-clients: starting the local broker (scripts/kafka/start.sh; left running)" >&2
  bash "$ROOT/scripts/kafka/start.sh" >&2
fi
TOPIC="bench-kafka-clients-$$"
(cd "$MODS" && node -e "
  const { Kafka, logLevel } = require('kafkajs');
  (async () => { const a = new Kafka({ brokers: ['127.0.0.1:9092'], logLevel: logLevel.NOTHING }).admin(); await a.connect();
    await a.createTopics({ topics: [{ topic: '$TOPIC', numPartitions: 3, configEntries: [{ name: 'retention.ms', value: '600000' }] }], waitForLeaders: true });
    await a.disconnect(); })().catch((e) => { console.error(e.message); process.exit(1); });")
RESULTS="$(mktemp /tmp/kafka-clients.XXXXXX)"
trap 'rm -f "$RESULTS"' EXIT
echo "kafka-clients: $(nproc) vCPUs, load $(cut -d' ' -f1-3 /proc/loadavg), topic $TOPIC (3 partitions, 10 min retention)" >&2
CLIENTS=(kafkajs platformatic)
for ((r = 0; r < ROUNDS; r++)); do
  for per in 10 100; do
    for ((i = 0; i < ${#CLIENTS[@]}; i++)); do
      c="${CLIENTS[$(((i + r) % ${#CLIENTS[@]}))]}"
      n=$((per == 10 ? RECORDS : RECORDS / 10))
      node "$ROOT/scripts/bench/kafka-clients.mjs" --client "$c" --topic "$TOPIC" --records "$n" --points-per-record "$per" \
        --batch $((per == 10 ? 300 : 30)) --modules "$MODS/node_modules" 2>/dev/null | tee -a "$RESULTS" >&2
    done
  done
done
node -e "
  const rows = require('fs').readFileSync('$RESULTS', 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const med = (xs) => { const s = [...xs].sort((a, b) => a - b), m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
  const g = new Map();
  for (const r of rows) { const k = r.client + ' ' + r.pointsPerRecord; (g.get(k) ?? g.set(k, []).get(k)).push(r); }
  console.log('| client | points/record | records/send | rounds | records/s | CPU µs/record | CPU µs/point | load (1 min) |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---|');
  for (const [k, rs] of g) console.log('| ' + rs[0].client + ' | ' + rs[0].pointsPerRecord + ' | ' + rs[0].batch + ' | ' + rs.length + ' | ' + Math.round(med(rs.map((r) => r.recordsPerSec))) + ' | ' + med(rs.map((r) => r.cpuUsPerRecord)).toFixed(1) + ' | ' + med(rs.map((r) => r.cpuUsPerPoint)).toFixed(2) + ' | $(cut -d' ' -f1 /proc/loadavg) |');
"
