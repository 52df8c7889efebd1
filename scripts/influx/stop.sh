#!/usr/bin/env bash
# Stop the InfluxDB started by scripts/influx/start.sh (by its pid file). Idempotent.
# Data stays in $INFLUX_HOME so a restart finds it; pass --purge to delete it too.
set -euo pipefail

PORT="${INFLUX_PORT:-8086}"
HOME_DIR="${INFLUX_HOME:-${TMPDIR:-/tmp}/metricstream-influx-$PORT}"
PID_FILE="$HOME_DIR/influxd.pid"

if [[ -f "$PID_FILE" ]]; then
  pid="$(cat "$PID_FILE")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 50); do            # up to 15 s for a clean shutdown
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.3
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "influx: pid $pid did not stop within 15s; killing" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
    echo "influx: stopped (pid $pid)"
  else
    echo "influx: not running (stale pid file)"
  fi
  rm -f "$PID_FILE"
else
  echo "influx: not running"
fi

if [[ "${1:-}" == "--purge" ]]; then
  rm -rf "$HOME_DIR"
  echo "influx: removed $HOME_DIR"
fi
