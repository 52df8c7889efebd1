#!/usr/bin/env bash
# Builds Telegraf from the Go module proxy with only the plugins MetricStream uses, cached per version and
# plugin set: ${METRICSTREAM_CACHE:-~/.cache/metricstream}/telegraf/<version>/telegraf. Idempotent: prints
# the binary's path at once when the cached build matches; otherwise builds (~2 min cold on 2 cores).
#
# Telegraf's `custom` build tag compiles no plugin except those named by their own tags
# (<category>.<plugin>); tools/custom_builder derives the same tags from a config.
#   inputs.influxdb_listener  e2e fleet agents receive the fleet's points (scripts/e2e)
#   inputs.kafka_consumer     per-node InfluxDB loaders (issue 14)
#   outputs.influxdb(_v2)     the two outputs a customer's agent writes to the ingest service with
#   parsers.influx, serializers.influx   data_format = "influx" for kafka_consumer and the outputs
#   processors.starlark      the loaders' loader_lag_ms on the Flink job's statistics (lib/influx/loader-config.ts)
#
# Needs Go >= the go line of Telegraf's go.mod; scripts/telegraf/go.sh installs it when missing or older.
# Env: TELEGRAF_VERSION (default below), METRICSTREAM_CACHE. Prints the binary path on stdout.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
source "$HERE/common.sh"

DEST="$TELEGRAF_CACHE/telegraf"
STAMP="$TELEGRAF_CACHE/build-tags"
log() { echo "telegraf: $*" >&2; }

if [[ -x "$DEST" && "$(cat "$STAMP" 2>/dev/null)" == "$TELEGRAF_TAGS" ]]; then
  echo "$DEST"
  exit 0
fi

mkdir -p "$TELEGRAF_CACHE"
# Two callers at once (e2e and a loader test): one builds, the other waits and reuses the result.
exec 9>"$TELEGRAF_CACHE/build.lock"
flock -w 900 9 || { log "timed out waiting for another build.sh"; exit 1; }
if [[ -x "$DEST" && "$(cat "$STAMP" 2>/dev/null)" == "$TELEGRAF_TAGS" ]]; then
  echo "$DEST"
  exit 0
fi

GO="$(bash "$HERE/go.sh")"
log "building Telegraf $TELEGRAF_VERSION with $("$GO" version | cut -d' ' -f3) (tags $TELEGRAF_TAGS)"
tmp="$TELEGRAF_CACHE/bin.$$"
rm -rf "$tmp"
trap 'rm -rf "$tmp"' EXIT
# GOFLAGS cleared: a caller's -mod/-buildvcs settings mean nothing for a module outside any workspace.
# internal.Version is what `telegraf --version` and the User-Agent report (Telegraf's Makefile sets it too).
start=$SECONDS
GOFLAGS= GOBIN="$tmp" GOTOOLCHAIN=local nice "$GO" install -trimpath -tags "$TELEGRAF_TAGS" \
  -ldflags "-s -w -X github.com/influxdata/telegraf/internal.Version=${TELEGRAF_VERSION#v}" \
  "github.com/influxdata/telegraf/cmd/telegraf@$TELEGRAF_VERSION" >&2
"$tmp/telegraf" --version >&2
mv -f "$tmp/telegraf" "$DEST"
echo "$TELEGRAF_TAGS" >"$STAMP"
log "built $DEST in $((SECONDS - start)) s"
echo "$DEST"
