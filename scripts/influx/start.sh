#!/usr/bin/env bash
# Start a local InfluxDB 1.x (Debian's `influxdb` package) on loopback, data in a temp dir.
# Idempotent: returns at once when our influxd is already up. Returns only once /ping answers
# (bounded wait), else fails with the tail of the log.
#
#   INFLUX_PORT      HTTP port on 127.0.0.1 (default 8086)
#   INFLUX_HOME      state dir: config, data, wal, meta, pid file, log
#                    (default ${TMPDIR:-/tmp}/metricstream-influx-$INFLUX_PORT)
#   INFLUX_WAIT_S    seconds to wait for /ping (default 30)
#   INFLUX_RPC_PORT  the backup/restore RPC port on 127.0.0.1 (default INFLUX_PORT + 2)
#   INFLUX_AUTH      true: authentication on (create the first admin user before anything else; /ping
#                    needs none). Default false.
#   INFLUX_COLD_DURATION  when set (e.g. 1s): snapshot the cache and fully compact a shard after this
#                    much write silence, so on-disk sizes settle quickly (scripts/bench/influx-storage.sh)
set -euo pipefail

PORT="${INFLUX_PORT:-8086}"
HOME_DIR="${INFLUX_HOME:-${TMPDIR:-/tmp}/metricstream-influx-$PORT}"
WAIT_S="${INFLUX_WAIT_S:-30}"
RPC_PORT="${INFLUX_RPC_PORT:-$((PORT + 2))}"
COLD="${INFLUX_COLD_DURATION:-}"
AUTH="${INFLUX_AUTH:-false}"
[[ "$AUTH" == true || "$AUTH" == false ]] || { echo "influx: INFLUX_AUTH must be true or false, got $AUTH" >&2; exit 1; }
PID_FILE="$HOME_DIR/influxd.pid"
LOG_FILE="$HOME_DIR/influxd.log"
CONF="$HOME_DIR/influxdb.conf"
URL="http://127.0.0.1:$PORT"

ping_ok() { curl -s -o /dev/null -m 2 -w '%{http_code}' "$URL/ping" 2>/dev/null | grep -q '^204$'; }

wait_ready() {
  local deadline=$((SECONDS + WAIT_S))
  until ping_ok; do
    if ! kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
      echo "influx: influxd exited during start; last log lines:" >&2
      tail -n 20 "$LOG_FILE" >&2
      rm -f "$PID_FILE"
      exit 1
    fi
    if (( SECONDS >= deadline )); then
      echo "influx: no answer on $URL/ping after ${WAIT_S}s; last log lines:" >&2
      tail -n 20 "$LOG_FILE" >&2
      exit 1
    fi
    sleep 0.3
  done
}

if [[ -f "$PID_FILE" ]] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
  wait_ready   # ours, perhaps still starting (another caller started it a moment ago)
  echo "influx: already running (pid $(cat "$PID_FILE")) on $URL"
  exit 0
fi
if ping_ok; then
  echo "influx: something already answers on $URL (not started by this script); using it"
  exit 0
fi

if ! command -v influxd >/dev/null 2>&1; then
  if [[ $(id -u) -ne 0 ]]; then
    echo "influx: influxd not installed and not root; install Debian's 'influxdb' package" >&2
    exit 1
  fi
  echo "influx: installing Debian package 'influxdb'"
  # Keep the package's own service from starting (we run our own influxd with our config);
  # only when no policy is in place already, and removed again on every exit path.
  created_policy=0
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && created_policy=1
  fi
  trap '[[ $created_policy -eq 1 ]] && rm -f /usr/sbin/policy-rc.d' EXIT
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq influxdb >/dev/null
  [[ $created_policy -eq 1 ]] && rm -f /usr/sbin/policy-rc.d
  trap - EXIT
  command -v influxd >/dev/null 2>&1 || { echo "influx: installing influxdb did not provide influxd" >&2; exit 1; }
fi

mkdir -p "$HOME_DIR"/{meta,data,wal}
cold_settings=""
[[ -n "$COLD" ]] && printf -v cold_settings '  cache-snapshot-write-cold-duration = "%s"\n  compact-full-write-cold-duration = "%s"' "$COLD" "$COLD"
cat > "$CONF" <<CONF
reporting-disabled = true
bind-address = "127.0.0.1:$RPC_PORT"

[meta]
  dir = "$HOME_DIR/meta"

[data]
  dir = "$HOME_DIR/data"
  wal-dir = "$HOME_DIR/wal"
  query-log-enabled = false
  wal-fsync-delay = "0s"
$cold_settings

[http]
  enabled = true
  bind-address = "127.0.0.1:$PORT"
  auth-enabled = $AUTH
  log-enabled = false
  max-body-size = 0

[monitor]
  store-enabled = false

[continuous_queries]
  enabled = false
CONF

# setsid: influxd must outlive the caller's process group (test runners kill theirs on exit); it
# writes its own pid file before exec'ing, so the pid is influxd's.
rm -f "$PID_FILE"
setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$PID_FILE" influxd run -config "$CONF" \
  </dev/null >>"$LOG_FILE" 2>&1 &
for _ in $(seq 1 50); do [[ -s "$PID_FILE" ]] && break; sleep 0.1; done

wait_ready
echo "influx: ready on $URL (pid $(cat "$PID_FILE"), data in $HOME_DIR)"
