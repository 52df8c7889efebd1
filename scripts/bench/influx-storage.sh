#!/usr/bin/env bash
# InfluxDB bytes on disk per stored field value, for the aggregate rows the Flink job writes (one row
# per series per 1-minute window, six values: count, min, max, sum, mean, last). Runs a private
# influxd (scripts/influx/start.sh, which installs Debian's package when missing) on 127.0.0.1:8091
# with snapshots and full compaction after 1 s of quiet, writes a bounded data set, waits for the
# TSM files to settle and divides their size by the values written. A figure, not a test.
#   bash scripts/bench/influx-storage.sh [series] [windows]     (default 20000 series x 120 windows)
set -euo pipefail
cd "$(dirname "$0")/../.."
series="${1:-20000}"
windows="${2:-120}"
port=8091
home="$(mktemp -d)"
trap 'INFLUX_PORT=$port INFLUX_HOME="$home" bash scripts/influx/stop.sh --purge >/dev/null' EXIT
INFLUX_PORT=$port INFLUX_RPC_PORT=$((port + 1)) INFLUX_HOME="$home" INFLUX_COLD_DURATION=1s bash scripts/influx/start.sh >/dev/null
curl -sf -XPOST "http://127.0.0.1:$port/query" --data-urlencode 'q=CREATE DATABASE bench' >/dev/null

# Random-walk CPU-like series, written window by window as the job would.
node - "$port" "$series" "$windows" <<'JS'
const [port, series, windows] = process.argv.slice(2).map(Number);
const http = require('node:http');
const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
const post = (body) => new Promise((resolve, reject) => {
  const req = http.request({ host: '127.0.0.1', port, path: '/write?db=bench&precision=s', method: 'POST', agent }, (res) => {
    res.resume(); res.on('end', () => (res.statusCode === 204 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
  });
  req.on('error', reject); req.end(body);
});
(async () => {
  const level = Array.from({ length: series }, () => 20 + Math.random() * 60);
  const start = 1764230400;
  for (let w = 0; w < windows; w++) {
    const lines = [];
    for (let s = 0; s < series; s++) {
      level[s] = Math.min(100, Math.max(0, level[s] + (Math.random() - 0.5) * 4));
      const v = level[s], lo = v - Math.random() * 3, hi = v + Math.random() * 3;
      const f = (x) => x.toFixed(2);
      lines.push(`cpu,host=web-${s % 2000},cpu=cpu${Math.floor(s / 2000)} usage_active_count=6i,usage_active_min=${f(lo)},usage_active_max=${f(hi)},usage_active_sum=${f(v * 6)},usage_active_mean=${f(v)},usage_active_last=${f(v + 0.5)} ${start + w * 60}`);
    }
    for (let i = 0; i < lines.length; i += 5000) await post(lines.slice(i, i + 5000).join('\n'));
  }
  agent.destroy();
})().catch((e) => { console.error(e); process.exit(1); });
JS
values=$((series * windows * 6))
# Settle: snapshot the cache to TSM and fully compact (both after 1 s of no writes).
prev=-1
for _ in $(seq 1 60); do
  sleep 2
  size=$(find "$home/data" -name '*.tsm' -printf '%s\n' | awk '{s += $1} END {print s + 0}')
  wal=$(du -sb "$home/wal" | cut -f1)
  [[ $size -gt 0 && $size -eq $prev && $wal -lt 100000 ]] && break
  prev=$size
done
echo "bench: influx $values values ($series series x $windows windows x 6) -> $size bytes of TSM"
echo "bench: influx stored bytes/value = $(awk -v b="$size" -v n="$values" 'BEGIN {printf "%.2f", b / n}')"
