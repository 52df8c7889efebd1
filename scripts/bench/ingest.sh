#!/usr/bin/env bash
# npm run bench:ingest [-- --rounds 3 --duration 10 --shapes "1000gz 10" --connections 1000 --procs 2
#                         --targets "ours-kafka victoria ..." --no-one-point --keep-results DIR]
#
# One load generator (scripts/bench/ingest-load.mjs), one line-protocol payload, in the same run against:
#   ours-kafka   the ingest bundle (services/ingest/dist/ingest.js), Kafka sink (local broker, acks=all)
#   ours-jsonl   the ingest bundle, JSONL sink (batched fdatasync)
#   victoria     VictoriaMetrics /write (Debian package victoria-metrics; installed when missing)
#   influxdb     InfluxDB 1.x /write (scripts/influx/start.sh: Debian package influxdb, installed when missing)
#   bare         node:http that only reads the body (scripts/bench/ingest-bare.mjs), same worker count as ours
#   bare-parse   the same, plus gunzip and our line-protocol parser on every body (no auth, no sink)
#   before-kafka only when BENCH_BASELINE_BUNDLE=/path/to/ingest.js: an older bundle, Kafka sink (before/after)
# Shapes (points per request, "gz" = gzip body): default "1000gz 10": Telegraf's default (metric_batch_size
# 1,000, content_encoding gzip) and small requests; --points N [--gzip] is one shape. Each round runs every
# target at every shape once, in a rotated order so drift (other jobs on the machine) hits all targets
# alike; the table reports the MEDIAN over rounds, CPU µs per acknowledged point (the target's own
# processes; the Kafka broker apart) and the ratios of ours to VictoriaMetrics. Unless --no-one-point,
# every round also measures ours-kafka and bare at ONE point per request (the capacity plan's unit).
# Everything listens on 127.0.0.1 and is stopped on exit (trap), also on failure.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
HERE="$ROOT/scripts/bench"
ROUNDS=3 DURATION=10 SHAPES="1000gz 10" POINTS="" GZIP="" CONNECTIONS=1000 PROCS="$(nproc)" ONE_POINT=1 KEEP=""
TARGETS="ours-kafka ours-jsonl victoria influxdb bare bare-parse${BENCH_BASELINE_BUNDLE:+ before-kafka}"
while (($#)); do
  case "$1" in
    --rounds) ROUNDS="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --shapes) SHAPES="$2"; shift 2 ;;
    --points) POINTS="$2"; shift 2 ;;
    --gzip) GZIP=gz; shift ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --procs) PROCS="$2"; shift 2 ;;
    --targets) TARGETS="$2"; shift 2 ;;
    --no-one-point) ONE_POINT=0; shift ;;
    --keep-results) KEEP="$2"; shift 2 ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "bench:ingest: unknown option $1" >&2; exit 2 ;;
  esac
done
((ROUNDS >= 1 && ROUNDS <= 20 && DURATION >= 1 && DURATION <= 300)) || { echo "bench:ingest: --rounds 1..20, --duration 1..300" >&2; exit 2; }
((CONNECTIONS >= 1 && CONNECTIONS <= 20000 && PROCS >= 1 && PROCS <= 16)) || { echo "bench:ingest: --connections 1..20000, --procs 1..16" >&2; exit 2; }
[[ -n "$POINTS" ]] && SHAPES="$POINTS$GZIP"
for s in $SHAPES; do [[ "$s" =~ ^[1-9][0-9]*(gz)?$ ]] || { echo "bench:ingest: shape '$s': points per request, optionally followed by gz" >&2; exit 2; }; done
[[ " $SHAPES " == *" 1 "* ]] && ONE_POINT=0 # the main table already has the one-point figure
# Every connection is a file descriptor in the generator and in the target: raise the soft limit to the
# hard one when needed, and say so when even that is too low.
NEED_FDS=$((CONNECTIONS + 1024))
if (($(ulimit -Sn) < NEED_FDS)); then
  (($(ulimit -Hn) >= NEED_FDS)) || { echo "bench:ingest: $CONNECTIONS connections need ~$NEED_FDS open files; ulimit -Hn is $(ulimit -Hn)" >&2; exit 2; }
  ulimit -Sn "$(ulimit -Hn)"
fi

KEY=bench-key-0001
TOPIC=bench-ingest
P_BARE=18310 P_JSONL=18311 P_KAFKA=18312 P_VM=18313 P_INFLUX=18314 P_INFLUX_RPC=18315 P_BEFORE=18316 P_PARSE=18317
WORKERS="${INGEST_WORKERS:-$(nproc)}"
TMP="$(mktemp -d /tmp/bench-ingest.XXXXXX)"
RESULTS="$TMP/results.jsonl"
PIDS=()
log() { echo "bench:ingest: $*" >&2; }

cleanup() {
  local rc=$?
  # Each target runs in its own process group (setsid): TERM the group, then KILL what is left.
  for p in "${PIDS[@]}"; do kill -TERM -- "-$p" 2>/dev/null || true; done
  for _ in $(seq 1 50); do
    local alive=0
    for p in "${PIDS[@]}"; do kill -0 -- "-$p" 2>/dev/null && alive=1; done
    ((alive)) || break
    sleep 0.2
  done
  for p in "${PIDS[@]}"; do kill -KILL -- "-$p" 2>/dev/null || true; done
  [[ -n "$KEEP" && -f "$RESULTS" ]] && mkdir -p "$KEEP" && cp "$RESULTS" "$KEEP/"
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

declare -A GROUP=() # target -> its process group (= the pid setsid started)
start() { # start NAME CMD...: in its own session/process group, output to $TMP/NAME.log
  local name="$1"; shift
  setsid "$@" >"$TMP/$name.log" 2>&1 &
  PIDS+=($!)
  GROUP[$name]=$!
}
BROKER_PID="" # set when ours-kafka runs: the broker's CPU is reported apart
wait_http() { # wait_http NAME URL: up to 30 s
  for _ in $(seq 1 300); do
    curl -s -o /dev/null -m 1 "$2" && return 0
    sleep 0.1
  done
  log "$1 did not come up; its log:"; tail -20 "$TMP/$1.log" >&2; exit 1
}
need_deb() { # need_deb BINARY PACKAGE
  command -v "$1" >/dev/null && return 0
  log "$1 missing: apt-get install $2"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2"; } >&2
}

# ---- targets ---------------------------------------------------------------------------------------
want() { [[ " $TARGETS " == *" $1 "* ]]; }
log "machine: $(nproc) vCPUs ($(lscpu | sed -n 's/^Thread(s) per core: *//p') thread(s) per core), $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), load $(cut -d' ' -f1-3 /proc/loadavg), open files $(ulimit -Sn)"
if want ours-kafka || want ours-jsonl; then
  log "building the ingest bundle"
  (cd "$ROOT/services/ingest" && node build.mjs >/dev/null)
fi
common=(INGEST_API_KEYS=$KEY INGEST_HOST=127.0.0.1 LOG_LEVEL=warn INGEST_WORKERS="$WORKERS"
        INGEST_RATE_REQUESTS_PER_SEC=10000000 INGEST_RATE_POINTS_PER_SEC=1000000000)
if want bare; then
  start bare node "$HERE/ingest-bare.mjs" "$P_BARE" "$WORKERS"
fi
if want bare-parse; then
  (cd "$ROOT/services/ingest" && echo "export { parseLineProtocol } from './src/line-protocol'; export { requestContext } from './src/record';" |
    npx esbuild --bundle --platform=node --format=cjs --log-level=warning --outfile="$TMP/line-protocol.js")
  start bare-parse node "$HERE/ingest-bare.mjs" "$P_PARSE" "$WORKERS" "$TMP/line-protocol.js"
fi
if want ours-jsonl; then
  start ours-jsonl env "${common[@]}" PORT=$P_JSONL INGEST_JSONL_PATH="$TMP/points.jsonl" node "$ROOT/services/ingest/dist/ingest.js"
fi
if want ours-kafka; then
  if ! (exec 3<>/dev/tcp/127.0.0.1/9092) 2>/dev/null; then
    log "starting the local Kafka broker (scripts/kafka/start.sh; left running, stop with npm run kafka:stop)"
    bash "$ROOT/scripts/kafka/start.sh" >&2
  fi
  (cd "$ROOT/services/ingest" && node -e "
    const { Kafka, logLevel } = require('kafkajs');
    (async () => { const a = new Kafka({ brokers: ['127.0.0.1:9092'], logLevel: logLevel.NOTHING }).admin(); await a.connect();
      await a.createTopics({ topics: [{ topic: '$TOPIC', numPartitions: 3, configEntries: [{ name: 'retention.ms', value: '600000' }] }], waitForLeaders: true });
      await a.disconnect(); })().catch((e) => { console.error(e.message); process.exit(1); });")
  BROKER_PID="$(bash -c "source '$ROOT/scripts/kafka/common.sh' && running_pid" || true)"
  start ours-kafka env "${common[@]}" PORT=$P_KAFKA KAFKA_BROKERS=127.0.0.1:9092 KAFKA_TOPIC=$TOPIC \
    INGEST_SPOOL_DIR="$TMP/spool" node ${BENCH_NODE_FLAGS:-} "$ROOT/services/ingest/dist/ingest.js"
fi
if want before-kafka; then
  start before-kafka env "${common[@]}" PORT=$P_BEFORE KAFKA_BROKERS=127.0.0.1:9092 KAFKA_TOPIC=$TOPIC \
    INGEST_SPOOL_DIR="$TMP/spool-before" node "${BENCH_BASELINE_BUNDLE:?}"
fi
if want victoria; then
  need_deb victoria-metrics victoria-metrics
  start victoria victoria-metrics -storageDataPath="$TMP/vm" -httpListenAddr=127.0.0.1:$P_VM -loggerLevel=ERROR -retentionPeriod=1
fi
if want influxdb; then
  # scripts/influx/start.sh installs Debian's package when missing and waits for /ping; its influxd
  # leads its own process group, which cleanup stops like the others.
  INFLUX_PORT=$P_INFLUX INFLUX_RPC_PORT=$P_INFLUX_RPC INFLUX_HOME="$TMP/influx" bash "$ROOT/scripts/influx/start.sh" >&2
  PIDS+=("$(cat "$TMP/influx/influxd.pid")")
  GROUP[influxdb]="${PIDS[-1]}"
fi

declare -A URL=(
  [bare]="http://127.0.0.1:$P_BARE/write"
  [bare-parse]="http://127.0.0.1:$P_PARSE/write"
  [ours-jsonl]="http://127.0.0.1:$P_JSONL/write?db=bench"
  [ours-kafka]="http://127.0.0.1:$P_KAFKA/write?db=bench"
  [victoria]="http://127.0.0.1:$P_VM/write?db=bench"
  [influxdb]="http://127.0.0.1:$P_INFLUX/write?db=bench"
  [before-kafka]="http://127.0.0.1:$P_BEFORE/write?db=bench"
)
want bare && wait_http bare "http://127.0.0.1:$P_BARE/"
want bare-parse && wait_http bare-parse "http://127.0.0.1:$P_PARSE/"
want ours-jsonl && wait_http ours-jsonl "http://127.0.0.1:$P_JSONL/health"
want ours-kafka && wait_http ours-kafka "http://127.0.0.1:$P_KAFKA/health"
want before-kafka && wait_http before-kafka "http://127.0.0.1:$P_BEFORE/health" && sleep 3 # its /health does not wait for all workers
want victoria && wait_http victoria "http://127.0.0.1:$P_VM/health"
if want influxdb; then
  curl -sf -XPOST "http://127.0.0.1:$P_INFLUX/query" --data-urlencode "q=CREATE DATABASE bench" >/dev/null
fi

# ---- rounds ----------------------------------------------------------------------------------------
read -r -a LIST <<<"$TARGETS"
# CPU per request and per acknowledged point (ingest-load.mjs reads /proc over the measured interval): the target's own process
# group and, for our Kafka-sink services, the broker apart. A cost figure that moves far less with the
# machine's load than requests/s do.
run() { # run LABEL TARGET SHAPE
  local cpu=(--cpu-group "${GROUP[$2]}") points="${3%gz}" gz=()
  [[ "$3" == *gz ]] && gz=(--gzip)
  [[ -n "$BROKER_PID" && "$2" == *kafka ]] && cpu+=(--cpu-pid "$BROKER_PID")
  node "$HERE/ingest-load.mjs" --url "${URL[$2]}" --label "$1" --points "$points" "${gz[@]}" --connections "$CONNECTIONS" \
    --procs "$PROCS" --duration "$DURATION" --key "$KEY" "${cpu[@]}" | tee -a "$RESULTS" | node -e "
      const r = JSON.parse(require('fs').readFileSync(0, 'utf8'));
      const cpu = r.cpuUsPerPoint + ' us/point' + (r.brokerCpuUsPerPoint != null ? ' (+ broker ' + r.brokerCpuUsPerPoint + ')' : '');
      console.error('  ' + r.label.padEnd(20) + String(r.rps).padStart(7) + ' req/s ' + String(r.pps).padStart(9) + ' points/s  p50 ' + r.p50 + ' ms  p99 ' + r.p99 + ' ms  errors ' + r.errors + '  cpu ' + cpu + '  loader ' + r.loaderCores + ' cores  load ' + r.load);"
}
read -r -a SHAPE_LIST <<<"$SHAPES"
for ((r = 0; r < ROUNDS; r++)); do
  log "round $((r + 1))/$ROUNDS (${DURATION}s per target and shape, shapes: $SHAPES, $CONNECTIONS connections over $PROCS load processes)"
  n=${#LIST[@]}
  for ((i = 0; i < n; i++)); do
    t="${LIST[$(((i + r) % n))]}"
    for shape in "${SHAPE_LIST[@]}"; do run "$t@$shape" "$t" "$shape"; done
    if ((ONE_POINT)) && [[ "$t" == ours-kafka || "$t" == bare || "$t" == before-kafka ]]; then run "$t@1" "$t" 1; fi
  done
done
want ours-kafka && curl -s "http://127.0.0.1:$P_KAFKA/metrics" | grep -E '^ingest_(kafka_up|spool_bytes|spooled_records_total) ' >&2 || true
node "$HERE/ingest-report.mjs" "$RESULTS"
