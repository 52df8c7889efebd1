/**
 * `npm run report -- --env prod` in headless Chromium (Debian's chromium): the page renders with no
 * console output and no script error, what its charts and tables draw are the plan's numbers
 * (recomputed here with planCapacity and costPlan), and a screenshot is written.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CAPACITY_CONFIGS } from '../../lib/capacity-config';
import { planCapacity } from '../../lib/plan';
import { applyWhatIf, telegrafDefaults } from '../../lib/plan/what-if';
import { costPlan } from '../../lib/pricing/cost-model';
import { loadPriceSnapshot } from '../../lib/pricing/price-catalog';
import { planPageHtml } from '../../lib/report/html/plan-page';
import { planPageData } from '../../lib/report/html/plan-page-data';
import { configWith } from '../helpers';
import { elements, renderedDom, screenshot } from './chromium';

const run = promisify(execFile);
// Chromium starts in seconds, but the machine is small and busy.
jest.setTimeout(180_000);

const OUT = join(__dirname, '..', '..', 'cdk.out', 'review-test');
const REPORT = join(OUT, 'report-prod.html');
const SCREENSHOT = join(OUT, 'report-prod.png');
const prod = CAPACITY_CONFIGS.prod;
const prices = loadPriceSnapshot(prod.region);
const plan = planCapacity(prod);
const cost = costPlan(plan, prices);
const num = (value: string | undefined) => Number(value);

let html = '';
let dom = '';
let consoleLines: string[] = [];

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  await run('npx', ['tsx', 'scripts/report.ts', '--env', 'prod', '--out', REPORT]);
  html = readFileSync(REPORT, 'utf8');
  ({ dom, console: consoleLines } = await renderedDom(REPORT));
});

test('the page is self-contained: no external script, style, image or font', () => {
  expect(html).not.toMatch(/<link\b|<img\b|\bsrc=|@import|url\(/i);
  // The only URL is the SVG namespace the script creates elements in.
  expect([...html.matchAll(/https?:\/\/[^\s'"<)]+/g)].map((m) => m[0])).toEqual(['http://www.w3.org/2000/svg']);
});

test('renders in headless Chromium with no console output and no script error', () => {
  expect(consoleLines).toEqual([]);
  expect(dom).toMatch(/<body[^>]*data-rendered="ok"/);
  expect(dom).not.toContain('data-render-error');
});

test('cost by tier: one bar per priced tier holding the plan’s subtotal', () => {
  const bars = elements(dom, 'rect', 'tier-bar');
  const priced = Object.entries(cost.monthlyUsdByTier).filter(([tier]) => cost.lines.some((l) => l.tier === tier));
  expect(bars.map((b) => b['data-tier'])).toEqual(priced.map(([tier]) => tier));
  for (const [tier, usd] of priced) expect(num(bars.find((b) => b['data-tier'] === tier)?.['data-monthly-usd'])).toBeCloseTo(usd, 6);
  expect(num(dom.match(/data-total-monthly-usd="([^"]+)"/)?.[1])).toBeCloseTo(cost.totalMonthlyUsd, 6);
});

test('cost by resource and instances: the plan’s lines and counts', () => {
  const rows = elements(dom, 'tr', 'cost-line-row');
  expect(rows.map((r) => [r['data-tier'], r['data-resource'], r['data-type'], num(r['data-count'])])).toEqual(cost.lines.map((l) => [l.tier, l.resource, l.type, l.count]));
  rows.forEach((r, i) => expect(num(r['data-monthly-usd'])).toBeCloseTo(cost.lines[i].monthlyUsd, 6));
  const counts = Object.fromEntries([...dom.matchAll(/<tr data-tier="(\w+)" data-count="(\d+)"/g)].map((m) => [m[1], Number(m[2])]));
  expect(counts).toEqual({ ingest: plan.ingest.desiredInstances, kafka: plan.kafka.brokers, flink: plan.flink.billedKpus, influx: plan.influx.nodeCount });
  expect(counts).toEqual({ ingest: 14, kafka: 6, flink: 13, influx: 3 });
});

test('what batching does: the configured workload beside Telegraf’s defaults, each the cost model’s total', () => {
  const rows = elements(dom, 'tr', 'batching-row');
  expect(rows).toHaveLength(3);
  const telegraf = costPlan(planCapacity(applyWhatIf(prod, telegrafDefaults(prod))), prices).totalMonthlyUsd;
  const full = costPlan(planCapacity(applyWhatIf(prod, telegrafDefaults(prod, true))), prices).totalMonthlyUsd;
  expect(rows.map((r) => num(r['data-monthly-usd']))).toEqual([cost.totalMonthlyUsd, telegraf, full].map((usd) => expect.closeTo(usd, 6)));
  // Every cost line shows its usage assumption.
  for (const line of cost.lines) expect(dom).toContain(line.assumption!.replace(/&/g, '&amp;'));
});

test('what-if cost curve: 41 loads from 10,000 to 1,000,000 metrics/s, each the cost model’s total for that load', () => {
  const points = elements(dom, 'circle', 'curve-point');
  expect(points).toHaveLength(41);
  expect(num(points[0]['data-metrics-per-second'])).toBe(10_000);
  expect(num(points[40]['data-metrics-per-second'])).toBe(1_000_000);
  for (const p of points) {
    const expected = costPlan(planCapacity(applyWhatIf(prod, { metricsPerSecond: num(p['data-metrics-per-second']) })), prices).totalMonthlyUsd;
    expect(num(p['data-total-usd'])).toBeCloseTo(expected, 6);
  }
  // The current config's load is on the curve: 100,000 metrics/s costs what the plan costs.
  expect(num(points.find((p) => p['data-metrics-per-second'] === '100000')?.['data-total-usd'])).toBeCloseTo(cost.totalMonthlyUsd, 6);
  expect(elements(dom, 'line', 'current')[0]['data-metrics-per-second']).toBe('100000');
});

test('instance curve and step-ups: counts per tier per load, and each marked step is where the plan really steps', () => {
  const countAt = (mps: number) => planCapacity(applyWhatIf(prod, { metricsPerSecond: mps }));
  const kafkaPoints = elements(dom, 'circle', 'count-point').filter((p) => p['data-tier'] === 'kafka');
  expect(kafkaPoints).toHaveLength(41);
  for (const p of kafkaPoints) expect(num(p['data-count'])).toBe(countAt(num(p['data-metrics-per-second'])).kafka.brokers);

  const steps = elements(dom, 'path', 'step-marker');
  const kafkaSteps = steps.filter((s) => s['data-tier'] === 'kafka');
  const influxSteps = steps.filter((s) => s['data-tier'] === 'influx');
  // The markers chain from the count at 10,000 metrics/s to the count at 1,000,000.
  for (const [tierSteps, count] of [
    [kafkaSteps, (p: ReturnType<typeof countAt>) => p.kafka.brokers],
    [influxSteps, (p: ReturnType<typeof countAt>) => p.influx.nodeCount],
  ] as const) {
    expect(tierSteps.length).toBeGreaterThan(0);
    expect(num(tierSteps[0]['data-from'])).toBe(count(countAt(10_000)));
    expect(num(tierSteps[tierSteps.length - 1]['data-to'])).toBe(count(countAt(1_000_000)));
    tierSteps.slice(1).forEach((s, i) => expect(s['data-from']).toBe(tierSteps[i]['data-to']));
  }
  const perServer = prod.workload.metricsPerServerPerSecond;
  for (const s of [...kafkaSteps, ...influxSteps]) {
    const at = num(s['data-metrics-per-second']);
    const count = (p: ReturnType<typeof countAt>) => (s['data-tier'] === 'kafka' ? p.kafka.brokers : p.influx.nodeCount);
    expect(count(countAt(at))).toBe(num(s['data-to']));
    expect(count(countAt(at - perServer))).toBe(num(s['data-from']));
  }
  // Every tier that grows between 10k and 1M metrics/s has at least one marker.
  expect(new Set(steps.map((s) => s['data-tier']))).toEqual(new Set(['ingest', 'kafka', 'flink', 'influx']));
});

test('a config the plan rejects at high load shows those loads as gaps with the reason', async () => {
  // Pinning six brokers: past what six brokers carry, the plan fails (CapacityConfigError).
  const pinned = configWith('prod', { kafka: { brokers: 6 } });
  const data = planPageData(pinned, prices);
  const invalid = data.curve.points.filter((p) => !p.valid);
  expect(invalid.length).toBeGreaterThan(0);
  const file = join(OUT, 'report-pinned-brokers.html');
  writeFileSync(file, planPageHtml(data));
  const rendered = await renderedDom(file);
  expect(rendered.console).toEqual([]);
  expect(rendered.dom).toMatch(/data-rendered="ok"/);
  // Shaded in both charts, cost and instances.
  const gapLoads = invalid.map((p) => p.metricsPerSecond);
  expect(elements(rendered.dom, 'rect', 'gap').map((g) => num(g['data-metrics-per-second']))).toEqual([...gapLoads, ...gapLoads]);
  expect(elements(rendered.dom, 'circle', 'curve-point')).toHaveLength(data.curve.points.length - invalid.length);
  expect(rendered.dom).toMatch(/load level\(s\) the config cannot carry \(shaded\): capacity config "prod": kafka\.brokers \(6\) /);
});

test('the console check catches a page that fails', async () => {
  const file = join(OUT, 'broken.html');
  writeFileSync(file, '<!doctype html><body><script>null.x</script></body>');
  expect((await renderedDom(file)).console.join('\n')).toMatch(/Uncaught TypeError/);
});

test('a screenshot of the page is written', async () => {
  await screenshot(REPORT, SCREENSHOT);
  const png = readFileSync(SCREENSHOT);
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1280, 2000]);
  // A blank page compresses to a few KiB; charts and tables do not.
  expect(png.length).toBeGreaterThan(50_000);
});
