// Top functions by self time (excluding idle) of .cpuprofile files: node ingest-profile-top.mjs FILE...
import { readFileSync } from 'node:fs';
for (const f of process.argv.slice(2)) {
  const p = JSON.parse(readFileSync(f, 'utf8'));
  const dt = new Map(); // id -> self us
  const ids = p.samples; const deltas = p.timeDeltas;
  for (let i = 0; i < ids.length; i++) dt.set(ids[i], (dt.get(ids[i]) ?? 0) + (deltas[i] ?? 0));
  const byFn = new Map(); let total = 0;
  for (const n of p.nodes) {
    const t = dt.get(n.id) ?? 0; total += t;
    const cf = n.callFrame; const k = `${cf.functionName || '(anon)'} ${cf.url.split('/').slice(-2).join('/')}:${cf.lineNumber}`;
    byFn.set(k, (byFn.get(k) ?? 0) + t);
  }
  const idle = [...byFn].filter(([k]) => k.startsWith('(idle)')).reduce((a, [, v]) => a + v, 0);
  console.log(`${f}: total ${(total/1e6).toFixed(1)} s, idle ${(idle/1e6).toFixed(1)} s`);
  for (const [k, v] of [...byFn].filter(([k]) => !k.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, +process.env.TOP || 25)) console.log(`  ${(100*v/(total-idle)).toFixed(1).padStart(5)} %  ${k}`);
}
