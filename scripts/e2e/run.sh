#!/usr/bin/env bash
# npm run e2e: the whole pipeline on real parts, on 127.0.0.1 — the local Kafka (started here when not
# already up, and then stopped again), two InfluxDB replicas of its own (authentication on), each fed
# from the aggregates topic by its own Telegraf loader, the built ingest bundle (Kafka sink) and the
# built Flink job jar on a local MiniCluster; scripts/e2e/e2e.ts drives a simulated fleet through
# the ingest service, a fifth of it through real Telegraf agents, kills and restarts the replicas, restores
# one from the other's backup, and checks counts, alerts and delays (docs/e2e.md).
#
# Needs `npm run build` first; builds only Telegraf, once (scripts/telegraf/build.sh, cached, ~2 min cold,
# installs Go when missing). Stops everything it started on every exit path.
# Env: E2E_TIMEOUT_S (overall limit after the Telegraf build, default 300), E2E_HOSTS (default 300), E2E_KEEP=1 keeps the
# run's topics, InfluxDB data and logs (.local/e2e/<run>/).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$PWD"
TIMEOUT_S="${E2E_TIMEOUT_S:-300}"
DEADLINE=$((SECONDS + TIMEOUT_S))

log() { echo "e2e: $*" >&2; }
die() { log "FAIL: $*"; exit 1; }
# Seconds left before the overall limit (each step runs under `timeout $(left)`; at least 1).
left() {
  local l=$((DEADLINE - SECONDS))
  echo $((l > 1 ? l : 1))
}

BUNDLE=services/ingest/dist/ingest.js
JAR=services/flink-job/target/metricstream-flink-job-0.1.0.jar
TSX=node_modules/.bin/tsx
[[ -f "$BUNDLE" ]] || die "$BUNDLE is missing: run npm run build"
[[ -f "$JAR" ]] || die "$JAR is missing: run npm run build"
[[ -x "$TSX" ]] || die "$TSX is missing: run npm ci"
source scripts/flink/lib.sh
require_java_maven
command -v curl >/dev/null || die "curl not found"

RUN_ID="$(date -u +%Y%m%d%H%M%S)-$$"
WORK="$ROOT/.local/e2e/$RUN_ID"
mkdir -p "$WORK"
# Free loopback ports: the two InfluxDB replicas' (each also binds port + 2, its backup RPC) and the ingest service's.
free_ports() {
  node -e '
    const net = require("net");
    const bind = (p) => new Promise((ok) => { const s = net.createServer().once("error", () => ok(0)).listen(p, "127.0.0.1", () => { const a = s.address().port; s.close(() => ok(a)); }); });
    (async () => {
      for (let i = 0; i < 50; i++) {
        const a = await bind(0), b = await bind(0), c = await bind(0);
        const used = new Set([a, a + 2, b, b + 2, c]);
        if (a && b && c && used.size === 5 && a + 2 < 65536 && b + 2 < 65536 && (await bind(a + 2)) && (await bind(b + 2))) { console.log(a, b, c); return; }
      }
      process.exit(1);
    })();'
}
read -r INFLUX_A_PORT INFLUX_B_PORT INGEST_PORT < <(free_ports) || die "no free loopback ports"
export E2E_RUN_ID="$RUN_ID" E2E_WORK="$WORK" E2E_KAFKA=127.0.0.1:9092 E2E_INFLUX_PORTS="$INFLUX_A_PORT $INFLUX_B_PORT" \
  E2E_METRICS_TOPIC="e2e-$RUN_ID-metrics" E2E_ALERTS_TOPIC="e2e-$RUN_ID-alerts" E2E_AGGREGATES_TOPIC="e2e-$RUN_ID-aggregates" E2E_DB="e2e_${RUN_ID//-/_}" \
  E2E_API_KEY="e2e-key-$RUN_ID" E2E_INGEST_URL="http://127.0.0.1:$INGEST_PORT" E2E_HOSTS="${E2E_HOSTS:-300}" \
  E2E_KAFKA_LIBS="$(source scripts/kafka/common.sh && echo "$KAFKA_LIBS")" E2E_KAFKA_LOG4J="$ROOT/scripts/kafka/log4j2-quiet.xml"

ingest_pid=""
flink_pid=""
step_pid=""
prepared=0

# Runs a step under the overall limit in the background and waits for it: bash runs a trap only
# once the foreground command returns, but interrupts `wait` at once, so SIGTERM/SIGINT clean up
# without waiting for the step (timeout puts the step in its own process group, stopped by cleanup).
run_bounded() {
  timeout "$(left)" "$@" &
  step_pid=$!
  wait "$step_pid"
  step_pid=""
}

# SIGTERM to the process group (the ingest primary and its workers; the JVM), SIGKILL what is left
# after the grace period, then reap. The Flink JVM's shutdown hooks (MiniCluster) often outlast the
# grace; nothing of it needs a graceful stop, so that SIGKILL is not reported.
stop_group() {
  local pid="$1" name="$2" grace="$3" quiet="${4:-}"
  [[ -n "$pid" ]] || return 0
  kill -TERM -- "-$pid" 2>/dev/null || return 0
  local until=$((SECONDS + grace))
  while [[ -e "/proc/$pid" && "$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null)" != Z ]] && ((SECONDS < until)); do sleep 0.2; done
  if kill -KILL -- "-$pid" 2>/dev/null && [[ -z "$quiet" ]]; then log "$name still running ${grace}s after SIGTERM; sent SIGKILL"; fi
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_group "$step_pid" "current step" 5
  stop_group "$flink_pid" "Flink job" 10 quiet
  stop_group "$ingest_pid" "ingest service" 20
  if ((prepared)) && [[ "${E2E_KEEP:-0}" != 1 ]]; then
    timeout 30 "$TSX" scripts/e2e/e2e.ts teardown >&2 || log "could not delete the topics of run $RUN_ID"
  fi
  # Only what this run started: its own InfluxDB replicas, and Kafka if start.sh says it started the broker.
  local r port
  for r in A B; do
    [[ $r == A ]] && port="$INFLUX_A_PORT" || port="$INFLUX_B_PORT"
    if [[ -f "$WORK/influx-$r/influxd.pid" ]]; then INFLUX_PORT="$port" INFLUX_HOME="$WORK/influx-$r" bash scripts/influx/stop.sh >&2 || true; fi
  done
  if grep -q 'starting broker' "$WORK/kafka-start.log" 2>/dev/null; then bash scripts/kafka/stop.sh >&2 || true; fi
  if ((rc != 0)); then
    for f in ingest.log flink.log loader-A.log loader-B.log; do  # the driver printed what mismatched; these say why
      [[ -s "$WORK/$f" ]] && { log "last lines of $WORK/$f:"; tail -n 15 "$WORK/$f" >&2; }
    done
    log "FAILED after $SECONDS s (logs kept in $WORK)"
  elif [[ "${E2E_KEEP:-0}" == 1 ]]; then
    log "kept $WORK (InfluxDB data: INFLUX_AUTH=true INFLUX_PORT=$INFLUX_A_PORT INFLUX_HOME=$WORK/influx-A bash scripts/influx/start.sh, users in $WORK/influx-users.json; B likewise on $INFLUX_B_PORT), topics $E2E_METRICS_TOPIC, $E2E_ALERTS_TOPIC, $E2E_AGGREGATES_TOPIC"
  else
    rm -rf "$WORK"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted (SIGINT)"; exit 130' INT
trap 'log "interrupted (SIGTERM)"; exit 143' TERM

# --- Telegraf for the fleet's agents (cached after the first build) -------------------------------
timeout 900 bash scripts/telegraf/build.sh >"$WORK/telegraf-path" &
step_pid=$!
wait "$step_pid" || die "could not build Telegraf (scripts/telegraf/build.sh)"
step_pid=""
export E2E_TELEGRAF="$(cat "$WORK/telegraf-path")"
DEADLINE=$((SECONDS + TIMEOUT_S)) # the overall limit is the run's: a cold build is not part of it

# --- local Kafka and InfluxDB ---------------------------------------------------------------------
if ! (exec 3<>/dev/tcp/127.0.0.1/9092) 2>/dev/null; then
  run_bounded bash -c 'set -o pipefail; bash scripts/kafka/start.sh 2>&1 | tee "$1" >&2' _ "$WORK/kafka-start.log"
fi
# InfluxDB: two replicas of our own on free ports, data in the run's directory (e2e.ts prepare starts them
# with authentication on), so that other work on the shared 8086 neither disturbs nor is disturbed by us.
(exec 3<>/dev/tcp/127.0.0.1/9092) 2>/dev/null || die "Kafka is not serving 127.0.0.1:9092"
[[ -f "$E2E_KAFKA_LIBS/.complete" ]] || die "Kafka's jars are not in $E2E_KAFKA_LIBS (scripts/kafka/start.sh fetches them)"

# Topics (3 metrics partitions, like a small cluster), the InfluxDB replicas with their users and database,
# the loaders' and the job's config for this run.
prepared=1
run_bounded "$TSX" scripts/e2e/e2e.ts prepare

# --- Flink runtime classpath (Flink is `provided`, so not in the shaded jar), cached per pom -------
CP_FILE="$ROOT/.local/e2e/flink-classpath.txt"
POM_SUM="$(sha256sum services/flink-job/pom.xml | cut -d' ' -f1)"
if [[ "$(cat "$CP_FILE.pom-sha256" 2>/dev/null)" != "$POM_SUM" || ! -s "$CP_FILE" ]]; then
  log "resolving Flink's runtime classpath (provided scope) with Maven"
  run_bounded mvn -q -B -Dstyle.color=never -f "$FLINK_JOB_POM" dependency:build-classpath \
    -Dmdep.includeScope=provided -Dmdep.outputFile="$CP_FILE.$$" >"$WORK/mvn-classpath.log" 2>&1 \
    || { cat "$WORK/mvn-classpath.log" >&2; die "could not resolve Flink's classpath with Maven"; }
  mv "$CP_FILE.$$" "$CP_FILE" && echo "$POM_SUM" >"$CP_FILE.pom-sha256"
fi

# --- the ingest service and the Flink job, each in its own process group ---------------------------
PORT="$INGEST_PORT" INGEST_HOST=127.0.0.1 INGEST_WORKERS=2 INGEST_API_KEYS="$E2E_API_KEY" \
  KAFKA_BROKERS="$E2E_KAFKA" KAFKA_AUTH=none KAFKA_TOPIC="$E2E_METRICS_TOPIC" KAFKA_CLIENT_ID="e2e-ingest-$RUN_ID" \
  INGEST_SPOOL_DIR="$WORK/spool" INGEST_JSONL_PATH="$WORK/points.jsonl" INGEST_DRAIN_TIMEOUT_MS=10000 \
  INGEST_RATE_REQUESTS_PER_SEC=100000 INGEST_RATE_POINTS_PER_SEC=10000000 LOG_LEVEL=warn \
  setsid node "$BUNDLE" </dev/null >"$WORK/ingest.log" 2>&1 &
ingest_pid=$!
export E2E_INGEST_PID="$ingest_pid"

setsid java -Xms256m -Xmx1g -XX:+UseG1GC -Dlog4j2.configurationFile="$ROOT/scripts/e2e/log4j2.properties" \
  -cp "$(cat "$CP_FILE"):$ROOT/$JAR" com.metricstream.flink.MetricsJob --config "$WORK/flink-config.json" \
  </dev/null >"$WORK/flink.log" 2>&1 &
flink_pid=$!
export E2E_FLINK_PID="$flink_pid"

ready_deadline=$((SECONDS + 30))
until [[ "$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$E2E_INGEST_URL/health")" == 200 ]]; do
  [[ -e "/proc/$ingest_pid" && "$(cut -d' ' -f3 "/proc/$ingest_pid/stat")" != Z ]] || die "the ingest service exited during start"
  ((SECONDS < ready_deadline)) || die "the ingest service did not answer /health within 30 s"
  sleep 0.3
done
log "ingest service on $E2E_INGEST_URL (pid $ingest_pid), Flink job starting (pid $flink_pid), run $RUN_ID"

# --- fleet and checks (the driver also watches both pids and the deadline) --------------------------
export E2E_DEADLINE_MS=$(( $(date +%s%3N) + ($(left) - 25) * 1000 ))  # keep 25 s for cleanup
run_bounded "$TSX" scripts/e2e/e2e.ts run
log "PASS in $SECONDS s"
