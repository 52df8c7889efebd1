#!/usr/bin/env bash
# Stops the broker start.sh started: SIGTERM (controlled shutdown), then SIGKILL after KAFKA_STOP_TIMEOUT
# seconds (default 30). Idempotent. The data dir is kept so a restart finds its records; --clean removes it.
set -euo pipefail
source "$(dirname "$0")/common.sh"
TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"

if pid="$(running_pid)"; then
  log "stopping pid $pid"
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + TIMEOUT))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    log "still running after ${TIMEOUT}s; killing"
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
  log "stopped"
else
  log "not running"
fi
rm -f "$KAFKA_PIDFILE"
if [[ "${1:-}" == "--clean" ]]; then rm -rf "$KAFKA_DATA"; log "removed $KAFKA_DATA"; fi
