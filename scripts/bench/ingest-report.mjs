#!/usr/bin/env node
// Median table for `npm run bench:ingest`: reads the JSON lines of scripts/bench/ingest-load.mjs (one per
// target and round) and prints, per target, the median requests/s, points/s, p50 and p99 over the rounds,
// the total errors, the median CPU per request (the target's own processes; for our Kafka-sink services
// also the broker's), and the ratio of our Kafka-sink service's median requests/s to each other target's.
import { readFileSync } from 'node:fs';

const rows = readFileSync(process.argv[2], 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const by = new Map();
for (const r of rows) (by.get(r.label) ?? by.set(r.label, []).get(r.label)).push(r);
const med = new Map();
for (const [label, rs] of by) {
  med.set(label, {
    label, rounds: rs.length, points: rs[0].points, rps: median(rs.map((r) => r.rps)), pps: median(rs.map((r) => r.pps)),
    p50: median(rs.map((r) => r.p50)), p99: median(rs.map((r) => r.p99)), errors: rs.reduce((n, r) => n + r.errors, 0),
    load: rs.map((r) => r.load.split(' ')[0]).join('/'),
    cpu: rs.every((r) => r.cpuUsPerRequest != null) ? median(rs.map((r) => r.cpuUsPerRequest)) : undefined,
    broker: rs.every((r) => r.brokerCpuUsPerRequest != null) ? median(rs.map((r) => r.brokerCpuUsPerRequest)) : undefined,
  });
}
const ours = med.get('ours-kafka');
const pad = (s, n) => String(s).padStart(n);
console.log('');
console.log(`| target | points/req | rounds | requests/s | points/s | p50 ms | p99 ms | errors | CPU µs/request | ours-kafka ÷ target | load (1 min) |`);
console.log(`|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|`);
for (const m of med.values()) {
  const ref = m.label.endsWith('@1pt') ? med.get('ours-kafka@1pt') : ours;
  const ratio = ref && ref !== m ? (ref.rps / m.rps).toFixed(2) : '—';
  const cpu = m.cpu === undefined ? 'n/a' : `${Math.round(m.cpu)}${m.broker !== undefined ? ` + broker ${Math.round(m.broker)}` : ''}`;
  console.log(`| ${m.label} | ${m.points} | ${m.rounds} | ${pad(Math.round(m.rps), 6)} | ${pad(Math.round(m.pps), 7)} | ${m.p50.toFixed(1)} | ${m.p99.toFixed(1)} | ${m.errors} | ${cpu} | ${ratio} | ${m.load} |`);
}
if (ours) {
  const r = (l) => (med.has(l) ? (ours.rps / med.get(l).rps).toFixed(2) : 'n/a');
  console.log('');
  console.log(`median ratios (requests/s): ours-kafka/victoria ${r('victoria')}  ours-kafka/influxdb ${r('influxdb')}  ours-kafka/bare ${r('bare')}  ours-kafka/bare-parse ${r('bare-parse')}  ours-kafka/ours-jsonl ${r('ours-jsonl')}` + (med.has('before-kafka') ? `  ours-kafka/before-kafka ${r('before-kafka')}` : ''));
  const one = med.get('ours-kafka@1pt');
  if (one) console.log(`one point per request: ours-kafka ${Math.round(one.rps)} requests/s (median), bare ${med.has('bare@1pt') ? Math.round(med.get('bare@1pt').rps) : 'n/a'}`);
  const errs = [...med.values()].reduce((n, m) => n + (m.label.startsWith('ours') ? m.errors : 0), 0);
  console.log(`errors (ours, all rounds): ${errs}`);
}
