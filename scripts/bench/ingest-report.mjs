#!/usr/bin/env node
// Median table for `npm run bench:ingest`: reads the JSON lines of scripts/bench/ingest-load.mjs (one per
// target, shape and round; labels are TARGET@SHAPE) and prints, per shape and target, the median
// requests/s, points/s, p50 and p99 over the rounds, the total errors, the median CPU µs per acknowledged
// point and per request (the target's own processes; for our Kafka-sink services the broker apart), the
// generator's own cores, and per shape the ratios of ours-kafka to VictoriaMetrics: CPU per point (the
// target: ≤ 1.0 at 1000gz, ≤ 1.5 at 10) and points/s (the target: ≥ 1.0).
import { readFileSync } from 'node:fs';

const rows = readFileSync(process.argv[2], 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const medOf = (rs, k) => (rs.every((r) => r[k] != null) ? median(rs.map((r) => r[k])) : undefined);
const by = new Map();
for (const r of rows) (by.get(r.label) ?? by.set(r.label, []).get(r.label)).push(r);
const shapes = new Map(); // shape -> Map(target -> medians)
for (const [label, rs] of by) {
  const at = label.lastIndexOf('@');
  const target = at === -1 ? label : label.slice(0, at);
  const shape = at === -1 ? `${rs[0].points}${rs[0].gzip ? 'gz' : ''}` : label.slice(at + 1);
  (shapes.get(shape) ?? shapes.set(shape, new Map()).get(shape)).set(target, {
    target, rounds: rs.length, points: rs[0].points, gzip: !!rs[0].gzip, connections: rs[0].connections,
    rps: median(rs.map((r) => r.rps)), pps: median(rs.map((r) => r.pps)), p50: medOf(rs, 'p50'), p99: medOf(rs, 'p99'),
    errors: rs.reduce((n, r) => n + r.errors, 0), load: rs.map((r) => r.load.split(' ')[0]).join('/'),
    cpuPoint: medOf(rs, 'cpuUsPerPoint'), brokerPoint: medOf(rs, 'brokerCpuUsPerPoint'),
    cpuReq: medOf(rs, 'cpuUsPerRequest'), brokerReq: medOf(rs, 'brokerCpuUsPerRequest'), loader: medOf(rs, 'loaderCores'),
  });
}
const n0 = (x) => Math.round(x).toLocaleString('en-US');
const us = (x) => (x === undefined ? 'n/a' : x < 10 ? x.toFixed(2) : x < 1000 ? x.toFixed(1) : n0(x));
const withBroker = (own, broker) => (own === undefined ? 'n/a' : `${us(own)}${broker !== undefined ? ` + broker ${us(broker)}` : ''}`);
const ratio = (a, b) => (a !== undefined && b !== undefined && b > 0 ? (a / b).toFixed(2) : 'n/a');

console.log('');
console.log('| target | shape | rounds | connections | requests/s | points/s | p50 ms | p99 ms | errors | CPU µs/point | CPU µs/request | loader cores | load (1 min) |');
console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
for (const [shape, targets] of shapes) {
  const desc = `${targets.values().next().value.points} pts${shape.endsWith('gz') ? ', gzip' : ''}`;
  for (const m of targets.values()) {
    console.log(`| ${m.target} | ${desc} | ${m.rounds} | ${n0(m.connections)} | ${n0(m.rps)} | ${n0(m.pps)} | ${m.p50?.toFixed(1) ?? 'n/a'} | ${m.p99?.toFixed(1) ?? 'n/a'} | ${m.errors} | ${withBroker(m.cpuPoint, m.brokerPoint)} | ${withBroker(m.cpuReq, m.brokerReq)} | ${m.loader ?? 'n/a'} | ${m.load} |`);
  }
}
console.log('');
for (const [shape, targets] of shapes) {
  const ours = targets.get('ours-kafka');
  if (!ours) continue;
  const parts = [];
  for (const other of ['victoria', 'influxdb', 'bare', 'bare-parse', 'ours-jsonl', 'before-kafka']) {
    const t = targets.get(other);
    if (t) parts.push(`${other}: CPU/point ${ratio(ours.cpuPoint, t.cpuPoint)}, points/s ${ratio(ours.pps, t.pps)}`);
  }
  console.log(`ours-kafka ÷ target at ${shape}${parts.length ? ` — ${parts.join('; ')}` : ': no other target at this shape'}`);
}
const errs = [...shapes.values()].flatMap((t) => [...t.values()]).reduce((n, m) => n + (m.target.startsWith('ours') ? m.errors : 0), 0);
console.log(`errors (ours, all rounds and shapes): ${errs}`);
