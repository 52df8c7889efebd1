#!/usr/bin/env bash
# Back up one InfluxDB database in the portable format (influxd backup -portable), online. Host-agnostic:
# used by the e2e run and meant for the nodes' backup timer. The backup's time is the name of its
# manifest (<YYYYMMDDThhmmssZ>.manifest, the start of the backup); scripts/influx/restore.sh reads it.
#
#   scripts/influx/backup.sh --rpc HOST:PORT --db NAME --out DIR
#
#   --rpc   influxd's backup/restore RPC address (bind-address in influxdb.conf; default 127.0.0.1:8088)
#   --db    the database (with its retention policies and shards)
#   --out   an empty or new directory for the backup
# Env: INFLUXD (default influxd). Prints the backup time (RFC 3339, UTC) on stdout.
set -euo pipefail
INFLUXD="${INFLUXD:-influxd}"
rpc="127.0.0.1:8088" db="" out=""
while (($#)); do
  case "$1" in
    --rpc) rpc="$2"; shift 2 ;;
    --db) db="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) echo "backup: unknown argument $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done
[[ -n "$db" ]] || { echo "backup: --db is required" >&2; exit 2; }
[[ -n "$out" ]] || { echo "backup: --out is required" >&2; exit 2; }
if [[ -d "$out" ]] && [[ -n "$(ls -A "$out")" ]]; then echo "backup: --out $out is not empty" >&2; exit 2; fi
mkdir -p "$out"
"$INFLUXD" backup -portable -host "$rpc" -db "$db" "$out" >"$out/backup.log" 2>&1 \
  || { echo "backup: influxd backup failed:" >&2; tail -n 20 "$out/backup.log" >&2; exit 1; }
manifest="$(ls "$out"/*.manifest 2>/dev/null | sort | tail -n 1)"
[[ -n "$manifest" ]] || { echo "backup: no manifest written in $out" >&2; exit 1; }
stamp="$(basename "$manifest" .manifest)"
echo "${stamp:0:4}-${stamp:4:2}-${stamp:6:2}T${stamp:9:2}:${stamp:11:2}:${stamp:13:2}Z"
