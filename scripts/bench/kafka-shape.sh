#!/usr/bin/env bash
# npm run bench:kafka-shape [-- --workers 4 --duration 20 --linger "5 20 30 50 100" --env prod --partitions N --compression zstd]
#
# Kafka bytes per point at the production shape: the real ingest bundle (services/ingest/dist/ingest.js)
# with --workers cluster workers, each loaded at the rate the plan gives one prod worker (peak points/s
# over instances x workers, points per request and connections per worker from the plan:
# scripts/bench/kafka-shape-plan.ts), into a fresh topic with the plan's partition count on the local
# broker. For each KAFKA_LINGER_MS in --linger (the service's own setting, docs/ingest.md) it reports
#   disk  bytes of the topic's log segments (the record batches as the broker stores and replicates them)
#         per acknowledged point, and the batches, records and points per batch (DumpLogSegments);
#   wire  TCP bytes the workers sent to the broker (tcp_info bytes_acked of their sockets, from `ss`:
#         Produce requests with their framing, metadata included) per acknowledged point;
# and each against the bulk figure MEASURED.kafkaStoredBytes (bench:kafka, large batches).
# --partitions N replaces the plan's partition count (a what-if: 1 partition puts all of a send in one
# batch, which is what a partitioner that fills batches would do at the plan's count).
# --compression gzip|zstd|none sets the service's KAFKA_COMPRESSION (default: the service's default); the
# codec of the stored batches (DumpLogSegments' compresscodec) is reported with the figures.
# Bytes per point do not depend on the machine's speed; the latencies printed alongside do.
# Loopback only, bounded in time; stops the service it started; the shared broker is left running.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
source scripts/kafka/common.sh
WORKERS=4 DURATION=20 LINGERS="5 20 30 50 100" ENV_NAME=prod KEEP="" PARTITIONS="" COMPRESSION=""
while (($#)); do
  case "$1" in
    --workers) WORKERS="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --linger) LINGERS="$2"; shift 2 ;;
    --env) ENV_NAME="$2"; shift 2 ;;
    --partitions) PARTITIONS="$2"; shift 2 ;;
    --compression) COMPRESSION="$2"; shift 2 ;;
    --keep-results) KEEP="$2"; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "bench:kafka-shape: unknown option $1" >&2; exit 2 ;;
  esac
done
((WORKERS >= 1 && WORKERS <= 16 && DURATION >= 5 && DURATION <= 120)) || { echo "bench:kafka-shape: --workers 1..16, --duration 5..120" >&2; exit 2; }
for l in $LINGERS; do [[ "$l" =~ ^[0-9]+$ ]] && ((l <= 1000)) || { echo "bench:kafka-shape: --linger takes ms values 0..1000" >&2; exit 2; }; done

log() { echo "bench:kafka-shape: $*" >&2; }
BUNDLE=services/ingest/dist/ingest.js
[[ -f "$BUNDLE" ]] || { log "$BUNDLE is missing: run npm run build"; exit 1; }
eval "$(node_modules/.bin/tsx scripts/bench/kafka-shape-plan.ts "$ENV_NAME")"
if [[ -n "$PARTITIONS" ]]; then
  [[ "$PARTITIONS" =~ ^[0-9]+$ ]] && ((PARTITIONS >= 1 && PARTITIONS <= 100)) || { log "--partitions 1..100"; exit 2; }
  log "what-if: $PARTITIONS partitions instead of the plan's $SHAPE_PARTITIONS"
  SHAPE_PARTITIONS="$PARTITIONS"
fi

port_open || bash scripts/kafka/start.sh
running_pid >/dev/null || { log "the broker on 127.0.0.1:$KAFKA_PORT was not started by scripts/kafka/start.sh: its log dir is unknown"; exit 1; }
tool() { java -Xmx256m -cp "$KAFKA_LIBS/*" -Dlog4j2.configurationFile="$KAFKA_HERE/log4j2-quiet.xml" "$@"; }

KEY="bench-shape-key-$$"
PORT_INGEST="${BENCH_SHAPE_PORT:-18320}"
TMP="$(mktemp -d /tmp/bench-kafka-shape.XXXXXX)"
RESULTS="$TMP/results.jsonl"
export RESULTS SHAPE_PARTITIONS WORKERS
SVC=""
TOPICS=()
stop_service() {
  [[ -n "$SVC" ]] || return 0
  kill -TERM -- "-$SVC" 2>/dev/null || true
  for _ in $(seq 1 150); do kill -0 -- "-$SVC" 2>/dev/null || break; sleep 0.2; done
  kill -KILL -- "-$SVC" 2>/dev/null || true
  wait "$SVC" 2>/dev/null || true
  SVC=""
}
cleanup() {
  local rc=$?
  stop_service
  for t in "${TOPICS[@]}"; do tool org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$KAFKA_PORT" --delete --topic "$t" >/dev/null 2>&1 || true; done
  [[ -n "$KEEP" && -f "$RESULTS" ]] && mkdir -p "$KEEP" && cp "$RESULTS" "$TMP"/*.log "$KEEP/" 2>/dev/null
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Bytes the service's processes sent on their sockets to the broker, by socket (local port): "port bytes".
sent_to_broker() {
  ss -tnpiH state established "( dport = :$KAFKA_PORT )" | node -e '
    const pids = new Set(process.argv[1].split(",").filter(Boolean));
    let port = null;
    for (const line of require("fs").readFileSync(0, "utf8").split("\n")) {
      if (!line.startsWith("\t") && !line.startsWith(" ")) {
        const m = line.match(/127\.0\.0\.1:(\d+)\s+127\.0\.0\.1:\d+\s+users:\(\("[^"]*",pid=(\d+)/);
        port = m && pids.has(m[2]) ? m[1] : null;
      } else if (port) {
        const b = line.match(/bytes_acked:(\d+)/);
        console.log(port, b ? Number(b[1]) - 1 : 0); // bytes_acked counts the SYN
        port = null;
      }
    }' "$(pgrep -g "$SVC" | paste -sd, -)"
}

[[ -z "$COMPRESSION" ]] || export KAFKA_COMPRESSION="$COMPRESSION" # the service reads it (and checks it)
rate=$((WORKERS * SHAPE_REQUESTS_PER_WORKER))
conns=$((WORKERS * SHAPE_CONNECTIONS_PER_WORKER))
log "shape of $SHAPE_ENV: $SHAPE_WORKERS_TOTAL workers at $SHAPE_POINTS_PER_WORKER points/s each ($SHAPE_POINTS_PER_REQUEST per request, $SHAPE_CONNECTIONS_PER_WORKER connections per worker), $SHAPE_PARTITIONS partitions"
log "here: $WORKERS workers, $rate requests/s over $conns connections for $DURATION s per linger setting ($(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg))"

for linger in $LINGERS; do
  topic="bench-shape-$$-linger$linger"
  TOPICS+=("$topic")
  tool org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$KAFKA_PORT" --create --topic "$topic" \
    --partitions "$SHAPE_PARTITIONS" --replication-factor 1 >/dev/null
  PORT="$PORT_INGEST" INGEST_HOST=127.0.0.1 INGEST_WORKERS="$WORKERS" INGEST_API_KEYS="$KEY" \
    KAFKA_BROKERS="127.0.0.1:$KAFKA_PORT" KAFKA_AUTH=none KAFKA_TOPIC="$topic" KAFKA_CLIENT_ID="bench-shape-$$" \
    KAFKA_LINGER_MS="$linger" INGEST_SPOOL_DIR="$TMP/spool-$linger" INGEST_JSONL_PATH="$TMP/points.jsonl" \
    INGEST_RATE_REQUESTS_PER_SEC=1000000 INGEST_RATE_POINTS_PER_SEC=100000000 LOG_LEVEL=warn \
    setsid node "$BUNDLE" </dev/null >"$TMP/ingest-$linger.log" 2>&1 &
  SVC=$!
  for _ in $(seq 1 150); do curl -s -o /dev/null -m 1 "http://127.0.0.1:$PORT_INGEST/health" && break; sleep 0.2; done
  curl -s -o /dev/null -m 1 "http://127.0.0.1:$PORT_INGEST/health" || { log "ingest did not come up:"; tail -20 "$TMP/ingest-$linger.log" >&2; exit 1; }
  # One warm-up request per worker's connection set opens the producers' broker connections first.
  node scripts/bench/kafka-shape-load.mjs --url "http://127.0.0.1:$PORT_INGEST/write?db=bench" --rate 200 --connections 20 \
    --points "$SHAPE_POINTS_PER_REQUEST" --duration 1 --key "$KEY" >"$TMP/warmup-$linger.json"
  sleep 1
  sent_to_broker >"$TMP/before-$linger.txt"
  node scripts/bench/kafka-shape-load.mjs --url "http://127.0.0.1:$PORT_INGEST/write?db=bench" --rate "$rate" --connections "$conns" \
    --points "$SHAPE_POINTS_PER_REQUEST" --duration "$DURATION" --key "$KEY" >"$TMP/load-$linger.json"
  sleep 1 # the last linger's batches
  sent_to_broker >"$TMP/after-$linger.txt"
  stop_service
  # The topic's record batches with their records' values (point-json values begin {"v":): per batch its
  # size and the points inside. The .log segments only: the active segment's indexes are sparse files.
  files="$(ls "$KAFKA_DATA/$topic"-*/*.log | paste -sd, -)"
  tool kafka.tools.DumpLogSegments --deep-iteration --print-data-log --files "$files" 2>/dev/null \
    | awk '/^baseOffset: / { if (n) print pts, size, codec; n = 1; pts = 0; for (i = 1; i <= NF; i++) { if ($i == "size:") size = $(i + 1); if ($i == "compresscodec:") codec = $(i + 1) }; next }
           { pts += gsub(/\{"v":/, "") } END { if (n) print pts, size, codec }' >"$TMP/dump-$linger.txt"
  log_bytes="$(stat -c %s "$KAFKA_DATA/$topic"-*/*.log | awk '{s += $1} END {print s}')"
  node -e '
    const [load, warm, before, after, dump, linger, logBytes, bulk] = process.argv.slice(1);
    const fs = require("fs");
    const l = JSON.parse(fs.readFileSync(load, "utf8")), w = JSON.parse(fs.readFileSync(warm, "utf8"));
    const ports = (f) => new Map(fs.readFileSync(f, "utf8").trim().split("\n").filter(Boolean).map((x) => x.split(" ").map(Number)));
    const b0 = ports(before), b1 = ports(after);
    let wire = 0;
    for (const [p, v] of b1) wire += v - (b0.get(p) ?? 0);
    // Batches by the points they hold: what one batch of 1, 2, ... points costs per point.
    let batches = 0, stored = 0;
    const byPoints = new Map(), codecs = new Set();
    for (const line of fs.readFileSync(dump, "utf8").trim().split("\n").filter(Boolean)) {
      const [pts, size] = line.split(" ").map(Number);
      codecs.add(line.split(" ")[2]);
      batches++; stored += pts;
      const k = pts >= 16 ? "16+" : pts >= 8 ? "8-15" : pts >= 4 ? "4-7" : String(pts);
      const e = byPoints.get(k) ?? { batches: 0, points: 0, bytes: 0 };
      e.batches++; e.points += pts; e.bytes += size;
      byPoints.set(k, e);
    }
    const perBatchSize = Object.fromEntries([...byPoints].map(([k, e]) => [k, { batches: e.batches, bytesPerPoint: +(e.bytes / e.points).toFixed(1) }]));
    const points = l.pointsAcknowledged, all = points + w.pointsAcknowledged; // the topic holds the warm-up too
    const disk = Number(logBytes) / all;
    const r = { linger: Number(linger), codec: [...codecs].join("+"), partitions: Number(process.env.SHAPE_PARTITIONS), workers: Number(process.env.WORKERS), pointsAcknowledged: points, warmupPoints: w.pointsAcknowledged, pointsStored: stored,
      errors: l.errors + w.errors, achievedRate: l.achievedRate, targetRate: l.targetRate, p50: l.p50, p99: l.p99,
      logBytes: Number(logBytes), batches, byPointsInBatch: perBatchSize, pointsPerBatch: +(all / batches).toFixed(2), diskBytesPerPoint: +disk.toFixed(1),
      wireBytes: wire, wireBytesPerPoint: +(wire / points).toFixed(1), bulkBytesPerPoint: Number(bulk), diskVsBulk: +(disk / Number(bulk)).toFixed(2) };
    if (stored !== all) console.error(`bench:kafka-shape: WARNING: linger ${linger}: ${all} points acknowledged, ${stored} in the topic`);
    fs.appendFileSync(process.env.RESULTS, JSON.stringify(r) + "\n");
    console.log(JSON.stringify(r));
  ' "$TMP/load-$linger.json" "$TMP/warmup-$linger.json" "$TMP/before-$linger.txt" "$TMP/after-$linger.txt" "$TMP/dump-$linger.txt" \
    "$linger" "$log_bytes" "$SHAPE_BULK_BYTES"
  if ! node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); process.exit(r.achievedRate >= 0.9 * r.targetRate ? 0 : 1)' "$TMP/load-$linger.json"; then
    log "WARNING: linger $linger reached less than 90 % of the target rate (machine too busy, or a linger near the per-connection request interval): its figures are for the rate achieved, not the plan's"
  fi
done

node -e '
  const rows = require("fs").readFileSync(process.env.RESULTS, "utf8").trim().split("\n").map(JSON.parse);
  console.log(`\n${rows[0].workers} workers, ${rows[0].partitions} partitions, batches stored as ${[...new Set(rows.map((r) => r.codec))].join(", ")}`);
  console.log("\n| KAFKA_LINGER_MS | points acked (stored) | errors | requests/s achieved / target | p50 / p99 ms | batches | points per batch | disk B/point | wire B/point | disk vs bulk " + rows[0].bulkBytesPerPoint + " B | disk B/point by points in the batch (batches) |");
  console.log("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
  const sizes = (r) => Object.entries(r.byPointsInBatch).sort((a, b) => parseInt(a[0]) - parseInt(b[0])).map(([k, e]) => `${k}: ${e.bytesPerPoint} (${e.batches})`).join(", ");
  for (const r of rows) console.log(`| ${r.linger} | ${r.pointsAcknowledged} + ${r.warmupPoints} warm-up (${r.pointsStored}) | ${r.errors} | ${r.achievedRate} / ${r.targetRate} | ${r.p50} / ${r.p99} | ${r.batches} | ${r.pointsPerBatch} | ${r.diskBytesPerPoint} | ${r.wireBytesPerPoint} | ${r.diskVsBulk}x | ${sizes(r)} |`);
'
