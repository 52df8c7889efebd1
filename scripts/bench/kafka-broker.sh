#!/usr/bin/env bash
# Kafka broker capacity on this machine: records/s one broker writes with acks=all, and the bytes a
# point-json record (docs/wire-format.md) takes on its disk after gzip batch compression. Uses
# Kafka's own ProducerPerformance against the local KRaft broker (scripts/kafka), on loopback, for a
# bounded number of records. A figure, not a pass/fail test.
#   bash scripts/bench/kafka-broker.sh [records]     (default 2,000,000)
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/kafka/common.sh

records="${1:-2000000}"
topic="bench-broker-$$"
work="$(mktemp -d)"
started=0
cleanup() {
  if port_open; then java -cp "$KAFKA_LIBS/*" -Dlog4j2.configurationFile="$KAFKA_HERE/log4j2-quiet.xml" org.apache.kafka.tools.TopicCommand \
    --bootstrap-server "127.0.0.1:$KAFKA_PORT" --delete --topic "$topic" >/dev/null 2>&1 || true; fi
  [[ $started == 1 ]] && bash scripts/kafka/stop.sh
  rm -rf "$work"
}
trap cleanup EXIT
if ! port_open; then bash scripts/kafka/start.sh; started=1; fi
tool() { java -Xmx512m -cp "$KAFKA_LIBS/*" -Dlog4j2.configurationFile="$KAFKA_HERE/log4j2-quiet.xml" "$@"; }

# 10,000 distinct records shaped like the ingest service's: 1,000 hosts x 10 Telegraf-like series.
node -e '
  const lines = [];
  for (let i = 0; i < 10000; i++) {
    const host = `web-${String(i % 1000).padStart(4, "0")}`, m = ["cpu","mem","disk","net","system"][i % 5];
    const ts = 1764230400000000000n + BigInt(i) * 10000000000n;
    lines.push(JSON.stringify({ v: 1, m, t: { host, region: "us-east-1" }, f: { usage_user: Math.round(Math.random() * 10000) / 100, usage_system: Math.round(Math.random() * 5000) / 100, procs: { i: String(100 + (i % 400)) } }, ts: ts.toString(), rcv: 1764230400123 + i }));
  }
  require("fs").writeFileSync(process.argv[1], lines.join("\n"));
' "$work/payload.txt"

tool org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$KAFKA_PORT" --create --topic "$topic" --partitions 2 --replication-factor 1 >/dev/null
echo "bench: $records records to one broker, acks=all, gzip, idempotent producer ($(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg))"
tool org.apache.kafka.tools.ProducerPerformance --topic "$topic" --num-records "$records" --throughput -1 \
  --payload-file "$work/payload.txt" \
  --producer-props bootstrap.servers="127.0.0.1:$KAFKA_PORT" acks=all enable.idempotence=true compression.type=gzip \
    linger.ms=10 batch.size=262144 buffer.memory=134217728 | tee "$work/perf.txt" | tail -1
sleep 2
# The record batches are the .log segments. Not `du -sb` of the partition dirs: the active segment's
# offset and time indexes are preallocated sparse files of segment.index.bytes (10 MiB each), so their
# apparent size is no data at all (20 MiB per partition); the indexes' real size is reported apart.
bytes="$(stat -c %s "$KAFKA_DATA"/"$topic"-*/*.log | awk '{s += $1} END {print s}')"
index_kib="$(du -sk "$KAFKA_DATA"/"$topic"-*/*index | awk '{s += $1} END {print s}')"
rate="$(tail -1 "$work/perf.txt" | sed -E 's/^[0-9]+ records sent, ([0-9.]+) records\/sec.*/\1/')"
echo "bench: kafka broker records/s = ${rate%.*}"
echo "bench: kafka stored bytes/record = $(awk -v b="$bytes" -v n="$records" 'BEGIN {printf "%.1f", b / n}') ($bytes bytes of log segments; indexes: $index_kib KiB allocated)"
