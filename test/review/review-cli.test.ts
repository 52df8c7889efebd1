/**
 * The review CLIs on real synthesized output: prod as the base, and heads with more load, other
 * instance types, or an instance added to a stack outside the plan. Expected figures come from the
 * plan and the cost model, not from the CLI.
 */
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { CfnInstance } from 'aws-cdk-lib/aws-ec2';
import { CAPACITY_CONFIGS } from '../../lib/capacity-config';
import { planCapacity } from '../../lib/plan';
import { costPlan } from '../../lib/pricing/cost-model';
import { loadPriceSnapshot, priceOf } from '../../lib/pricing/price-catalog';
import { priceKeys } from '../../lib/pricing/price-keys';
import { agentMetricsOf } from '../../lib/plan/observability';
import { HOURS_PER_MONTH } from '../../lib/plan/units';
import type { CostDiffReport } from '../../lib/review/cost-diff';
import type { TemplateDiffReport } from '../../lib/review/template-diff';
import { formatUsd } from '../../lib/report/format';
import { configWith } from '../helpers';
import { synthesizeSide } from './synthesize';

const run = promisify(execFile);
// Synthesizing four prod stages and starting TypeScript CLIs takes a while on a busy 2-core machine.
jest.setTimeout(240_000);

const prices = loadPriceSnapshot('us-east-1');
const moreLoad = configWith('prod', { workload: { monitoredServers: CAPACITY_CONFIGS.prod.workload.monitoredServers * 2 } });
const otherTypes = configWith('prod', { ingest: { instanceType: 'c6i.xlarge' }, influx: { instanceType: 'i3.xlarge' } });
const dirs: Record<'base' | 'moreLoad' | 'otherTypes' | 'extraInstance', string> = { base: '', moreLoad: '', otherTypes: '', extraInstance: '' };

beforeAll(() => {
  dirs.base = synthesizeSide(CAPACITY_CONFIGS.prod);
  dirs.moreLoad = synthesizeSide(moreLoad);
  dirs.otherTypes = synthesizeSide(otherTypes);
  // A stack edit the plan knows nothing of: one more InfluxDB-sized instance.
  dirs.extraInstance = synthesizeSide(CAPACITY_CONFIGS.prod, (stage) => {
    new CfnInstance(stage.influx, 'ExtraNode', { instanceType: 'i3.2xlarge', imageId: 'ami-0123456789abcdef0' });
  });
});
afterAll(() => {
  for (const dir of Object.values(dirs)) if (dir) rmSync(dir, { recursive: true, force: true });
});

const cli = (script: string, head: keyof typeof dirs, ...args: string[]) => run('npx', ['tsx', `scripts/${script}.ts`, '--base-dir', dirs.base, '--head-dir', dirs[head], ...args]);
const costDiff = async (head: keyof typeof dirs, ...args: string[]) => JSON.parse((await cli('cost-diff', head, '--json', ...args)).stdout) as CostDiffReport;
const row = (report: CostDiffReport, tier: string, resource: string) => report.environments[0].rows.find((r) => r.tier === tier && r.resource === resource);

/** An InfluxDB node added outside the plan: its hours, and the agent's memory and disk metrics. */
const extraNodeUsd = () => HOURS_PER_MONTH * priceOf(prices, priceKeys.ec2Instance('i3.2xlarge', 'on-demand')).usd + agentMetricsOf('influx').perInstance * priceOf(prices, priceKeys.cloudwatchMetric).usd;

describe('npm run cost:diff', () => {
  test('doubling prod’s metrics per second shows the plan’s new counts and the cost model’s delta', async () => {
    const report = await costDiff('moreLoad');
    const before = planCapacity(CAPACITY_CONFIGS.prod);
    const after = planCapacity(moreLoad);
    expect(after.ingest.desiredInstances).toBeGreaterThan(before.ingest.desiredInstances);
    const env = report.environments[0];
    expect(env.environment).toBe('prod');
    expect(row(report, 'ingest', 'EC2 instances')).toMatchObject({ countBefore: before.ingest.desiredInstances, countAfter: after.ingest.desiredInstances, changed: true });
    expect(row(report, 'flink', 'Flink KPUs (incl. orchestration)')).toMatchObject({ countBefore: before.flink.billedKpus, countAfter: after.flink.billedKpus });
    expect(env.totalMonthlyUsdBefore).toBeCloseTo(costPlan(before, prices).totalMonthlyUsd, 6);
    expect(env.totalMonthlyUsdAfter).toBeCloseTo(costPlan(after, prices).totalMonthlyUsd, 6);
    expect(env.deltaUsd).toBeCloseTo(costPlan(after, prices).totalMonthlyUsd - costPlan(before, prices).totalMonthlyUsd, 6);
    expect(env.deltaPercent).toBeCloseTo((env.deltaUsd / env.totalMonthlyUsdBefore) * 100, 6);
    // Usage lines follow each side's plan: twice the traffic, twice the inter-AZ bytes.
    const interAz = row(report, 'kafka', 'inter-AZ: ingest → MSK');
    expect(interAz?.quantityAfter).toBeCloseTo((interAz?.quantityBefore ?? 0) * 2, 6);
  });

  test('another instance type: same counts, the price difference of the types', async () => {
    const report = await costDiff('otherTypes');
    const ingestBefore = report.environments[0].rows.find((r) => r.tier === 'ingest' && r.type === 'c6i.2xlarge');
    const ingestAfter = report.environments[0].rows.find((r) => r.tier === 'ingest' && r.type === 'c6i.xlarge');
    expect(ingestBefore).toMatchObject({ countBefore: 14, countAfter: 0 });
    expect(ingestAfter).toMatchObject({ countBefore: 0, countAfter: 14 });
    const hourly = (type: string) => priceOf(prices, priceKeys.ec2Instance(type, 'on-demand')).usd;
    expect(ingestAfter!.monthlyUsdAfter - ingestBefore!.monthlyUsdBefore).toBeCloseTo(14 * HOURS_PER_MONTH * (hourly('c6i.xlarge') - hourly('c6i.2xlarge')), 6);
    expect(report.environments[0].deltaUsd).toBeCloseTo(costPlan(planCapacity(otherTypes), prices).totalMonthlyUsd - costPlan(planCapacity(CAPACITY_CONFIGS.prod), prices).totalMonthlyUsd, 6);
    expect(report.environments[0].deltaUsd).toBeLessThan(0);
  });

  test('an instance added to a stack outside the plan shows up with its price', async () => {
    const report = await costDiff('extraInstance');
    const influx = row(report, 'influx', 'EC2 instances');
    expect(influx).toMatchObject({ countBefore: 3, countAfter: 4, changed: true });
    expect(report.environments[0].deltaUsd).toBeCloseTo(extraNodeUsd(), 6);
    // The instance, and the CloudWatch agent metrics it publishes.
    expect(report.environments[0].rows.filter((r) => r.changed).map((r) => `${r.resource} ${r.type}`)).toEqual(['EC2 instances i3.2xlarge', 'CloudWatch metrics agent']);
  });

  test('Markdown: changed lines with count and dollar deltas, totals and the percentage', async () => {
    const { stdout } = await cli('cost-diff', 'extraInstance');
    const instance = HOURS_PER_MONTH * priceOf(prices, priceKeys.ec2Instance('i3.2xlarge', 'on-demand')).usd;
    const node = extraNodeUsd();
    expect(stdout).toContain(`| influx | EC2 instances | i3.2xlarge | 3 → 4 | ${formatUsd(3 * instance)} | ${formatUsd(4 * instance)} | +${formatUsd(instance)} |`);
    const before = costPlan(planCapacity(CAPACITY_CONFIGS.prod), prices).totalMonthlyUsd;
    const percent = ((node / before) * 100).toFixed(1);
    expect(stdout).toContain(`| **${formatUsd(before)}** | **${formatUsd(before + node)}** | **+${formatUsd(node)} (+${percent} %)** |`);
  });

  test('guardrails: --fail-over and --fail-over-percent exit 2 past the threshold, 0 under it', async () => {
    const failure = await cli('cost-diff', 'extraInstance', '--fail-over', '400').then(() => undefined, (err: { code: number; stderr: string }) => err);
    expect(failure?.code).toBe(2);
    const node = extraNodeUsd();
    expect(failure?.stderr).toContain(`cost:diff: prod: monthly cost rises by ${formatUsd(node)}, over --fail-over 400`);
    await expect(cli('cost-diff', 'extraInstance', '--fail-over', '500', '--fail-over-percent', '6')).resolves.toBeDefined();
    // One i3.2xlarge is 2.9 % of prod's whole bill.
    const percent = await cli('cost-diff', 'extraInstance', '--fail-over-percent', '2').then(() => undefined, (err: { code: number; stderr: string }) => err);
    expect(percent?.code).toBe(2);
    const rise = ((node / costPlan(planCapacity(CAPACITY_CONFIGS.prod), prices).totalMonthlyUsd) * 100).toFixed(1);
    expect(percent?.stderr).toContain(`rises by ${rise} %, over --fail-over-percent 2`);
  });

  test.each([
    [['--head-dir', '.'], 'cost:diff: give exactly one of --base <git-ref> and --base-dir <dir>'],
    [['--base-dir', 'test', '--fail-over', 'lots'], 'cost:diff: --fail-over "lots" must be a non-negative number'],
    [['--base-dir', 'test'], 'cost:diff: test is neither a checkout (cdk.json, scripts/plan.ts) nor a synthesized cdk.out (manifest.json)'],
  ])('%j exits 1 with a one-line reason', async (args, message) => {
    const failure = await run('npx', ['tsx', 'scripts/cost-diff.ts', ...args]).then(() => undefined, (err: { code: number; stderr: string }) => err);
    expect(failure?.code).toBe(1);
    expect(failure?.stderr.trim()).toBe(message);
  });
});

describe('npm run template:diff', () => {
  const templateDiff = async (head: keyof typeof dirs) => JSON.parse((await cli('template-diff', head, '--json')).stdout) as TemplateDiffReport;

  test('the added instance is listed as added in the Influx stack; nothing else changes', async () => {
    const report = await templateDiff('extraInstance');
    const changed = report.stacks.filter((s) => s.status !== 'unchanged');
    expect(changed.map((s) => s.stackName)).toEqual(['MetricStream-prod-Influx']);
    expect(changed[0].changes).toEqual([expect.objectContaining({ logicalId: 'ExtraNode', type: 'AWS::EC2::Instance', kind: 'added' })]);
    expect(report.warnings).toEqual([]);
  });

  test('a new InfluxDB instance type stops and starts every node: flagged as instance-store data loss', async () => {
    const report = await templateDiff('otherTypes');
    const influx = report.stacks.find((s) => s.stackName === 'MetricStream-prod-Influx');
    expect(influx?.counts.interrupted).toBe(3);
    expect(report.warnings).toHaveLength(3);
    for (const w of report.warnings) expect(w).toMatchObject({ stackName: 'MetricStream-prod-Influx', type: 'AWS::EC2::Instance', kind: 'interrupted' });
    expect(report.warnings[0].message).toMatch(/InstanceType changed\): its instance-store data is lost/);
    const { stdout } = await cli('template-diff', 'otherTypes');
    expect(stdout).toMatch(/> \[!CAUTION\]\n> \*\*3 stateful resources replaced, removed or restarted/);
  });

  test('more load resizes in place: no replacement, no warning; --fail-on-stateful passes', async () => {
    const report = await templateDiff('moreLoad');
    expect(report.warnings).toEqual([]);
    const kafka = report.stacks.find((s) => s.stackName === 'MetricStream-prod-Kafka');
    expect(kafka?.changes.find((c) => c.type === 'AWS::MSK::Cluster')).toMatchObject({ kind: 'modified', stateful: true });
    await expect(cli('template-diff', 'moreLoad', '--fail-on-stateful')).resolves.toBeDefined();
    const failure = await cli('template-diff', 'otherTypes', '--fail-on-stateful').then(() => undefined, (err: { code: number }) => err);
    expect(failure?.code).toBe(2);
  });
});
