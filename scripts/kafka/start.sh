#!/usr/bin/env bash
# Starts one local Apache Kafka (KRaft, combined broker/controller) on 127.0.0.1:9092 and returns once it
# answers API-version requests. Idempotent: returns at once when a broker is already serving there.
# Jars come from Maven Central (pom.xml next to this file), cached under ~/.cache/metricstream/kafka.
# Once the broker answers, creates the planned topics (create-topics.ts: names, partitions and configs as
# the Kafka stack gives them for dev) unless they exist, so `npm run ingest` with KAFKA_BROKERS works.
# Env: KAFKA_READY_TIMEOUT (s, default 120), KAFKA_HEAP (default 512m), KAFKA_CLEAN=1 wipes the data dir,
# KAFKA_CREATE_TOPICS=0 skips the topics.
set -euo pipefail
source "$(dirname "$0")/common.sh"
READY_TIMEOUT="${KAFKA_READY_TIMEOUT:-120}"

mkdir -p "$KAFKA_RUN"
# Two callers (tests, another engineer's script) may start at once: one does the work, the other waits.
exec 9>"$KAFKA_RUN/start.lock"
flock -w 600 9 || { log "timed out waiting for another start.sh"; exit 1; }

java_cp() { echo "$KAFKA_LIBS/*"; }

# The broker is up: make sure the planned topics exist (a failure is reported, the broker stays up).
ready() {
  log "$1"
  [[ "${KAFKA_CREATE_TOPICS:-1}" == 0 ]] && exit 0
  local root tsx
  root="$(cd "$KAFKA_HERE/../.." && pwd)"
  tsx="$root/node_modules/.bin/tsx"
  if [[ ! -x "$tsx" ]]; then log "not creating the planned topics: run npm ci in $root first, then npm run kafka:start again"; exit 0; fi
  (cd "$root" && "$tsx" "$KAFKA_HERE/create-topics.ts") || log "the planned topics could not be created (see above); the broker is running"
  exit 0
}

broker_answers() {
  timeout 60 java -Xmx128m -Dlog4j2.configurationFile="$KAFKA_HERE/log4j2-quiet.xml" -cp "$(java_cp)" \
    org.apache.kafka.tools.BrokerApiVersionsCommand --bootstrap-server "127.0.0.1:$KAFKA_PORT" >/dev/null 2>&1
}

fetch_jars() {
  [[ -f "$KAFKA_LIBS/.complete" ]] && return 0
  command -v mvn >/dev/null || { log "mvn not found; install Maven to fetch Kafka's jars"; exit 1; }
  log "fetching Apache Kafka $KAFKA_VERSION jars from Maven Central into $KAFKA_LIBS"
  rm -rf "$KAFKA_LIBS.tmp"
  mvn -q -B -Dstyle.color=never -f "$KAFKA_HERE/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$KAFKA_LIBS.tmp" >&2
  rm -rf "$KAFKA_LIBS" && mv "$KAFKA_LIBS.tmp" "$KAFKA_LIBS" && touch "$KAFKA_LIBS/.complete"
}

if pid="$(running_pid)"; then
  if broker_answers; then ready "already running (pid $pid)"; fi
  log "pid $pid is alive but not answering yet; waiting"
elif port_open; then
  fetch_jars
  if broker_answers; then ready "a Kafka broker not started by this script already serves 127.0.0.1:$KAFKA_PORT; using it"; fi
  log "127.0.0.1:$KAFKA_PORT is taken by something that is not Kafka"; exit 1
else
  command -v java >/dev/null || { log "java not found (Kafka $KAFKA_VERSION needs Java 17+)"; exit 1; }
  fetch_jars
  rm -f "$KAFKA_PIDFILE"
  [[ "${KAFKA_CLEAN:-0}" == 1 ]] && rm -rf "$KAFKA_DATA"
  cp "$KAFKA_HERE/server.properties" "$KAFKA_RUN/server.properties"
  echo "log.dirs=$KAFKA_DATA" >>"$KAFKA_RUN/server.properties"
  # The data dir survives stop/start (tests restart the broker and expect their records back); it is
  # formatted once with a fresh cluster id.
  if [[ ! -f "$KAFKA_DATA/meta.properties" ]]; then
    rm -rf "$KAFKA_DATA"
    cluster_id="$(java -cp "$(java_cp)" -Dlog4j2.configurationFile="$KAFKA_HERE/log4j2-quiet.xml" kafka.tools.StorageTool random-uuid)"
    java -cp "$(java_cp)" -Dlog4j2.configurationFile="$KAFKA_HERE/log4j2-quiet.xml" \
      kafka.tools.StorageTool format -t "$cluster_id" -c "$KAFKA_RUN/server.properties" >/dev/null
  fi
  log "starting broker on 127.0.0.1:$KAFKA_PORT (data $KAFKA_DATA, log $KAFKA_LOG)"
  # setsid: the broker must outlive the caller's process group (test runners kill theirs on exit);
  # all fds go to the log so callers capturing our output do not wait on the broker, and the start lock
  # (fd 9) is closed so the broker does not hold it.
  setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$KAFKA_PIDFILE" \
    java -Xms128m -Xmx"${KAFKA_HEAP:-512m}" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$KAFKA_HERE/log4j2.xml" -cp "$(java_cp)" \
    kafka.Kafka "$KAFKA_RUN/server.properties" </dev/null >"$KAFKA_LOG" 2>&1 9>&- &
fi

deadline=$((SECONDS + READY_TIMEOUT))
while ((SECONDS < deadline)); do
  if ! running_pid >/dev/null; then
    sleep 0.5 # the pid file is written by the child; give it a moment before declaring it dead
    if ! running_pid >/dev/null; then log "broker exited during start; last log lines:"; tail -n 30 "$KAFKA_LOG" >&2; exit 1; fi
  fi
  if port_open && broker_answers; then ready "ready on 127.0.0.1:$KAFKA_PORT (pid $(cat "$KAFKA_PIDFILE"))"; fi
  sleep 1
done
log "not ready after ${READY_TIMEOUT}s; last log lines:"; tail -n 30 "$KAFKA_LOG" >&2
exit 1
