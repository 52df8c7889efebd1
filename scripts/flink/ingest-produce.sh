#!/usr/bin/env bash
# The ingest service producing a line-protocol file into a topic (scripts/flink/ingest-produce.ts), for
# the Flink job's integration tests. Usage: KAFKA_TOPIC=t KAFKA_COMPRESSION=zstd ingest-produce.sh <file> <lines-per-request>
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/node/ensure.sh >/dev/null
exec node_modules/.bin/tsx scripts/flink/ingest-produce.ts "$@"
