/**
 * `--base <git-ref>`: the base is checked out in a temporary worktree, synthesized and planned by
 * its own code, and the worktree is gone afterwards — also when its synthesis fails.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CAPACITY_CONFIGS } from '../../lib/capacity-config';
import { planCapacity } from '../../lib/plan';
import { costPlan } from '../../lib/pricing/cost-model';
import { loadPriceSnapshot } from '../../lib/pricing/price-catalog';
import type { CostDiffReport } from '../../lib/review/cost-diff';
import { configWith } from '../helpers';
import { synthesizeSide } from './synthesize';

const run = promisify(execFile);
// A full synthesis of the base (three environments) in the worktree: about a minute on 2 busy cores.
jest.setTimeout(400_000);

const worktrees = () => execFileSync('git', ['worktree', 'list', '--porcelain'], { encoding: 'utf8' }).split('\n').filter((l) => l.startsWith('worktree ')).sort();
const tempCheckouts = () => readdirSync(tmpdir()).filter((name) => name.startsWith('metricstream-base-')).sort();
const failureOf = (promise: Promise<unknown>) => promise.then(() => undefined, (err: { code: number; stderr: string }) => err);

let emptyHead = '';
beforeAll(() => {
  // An empty cloud assembly: a head with no stacks, for the failure cases.
  emptyHead = mkdtempSync(join(tmpdir(), 'review-empty-'));
  writeFileSync(join(emptyHead, 'manifest.json'), JSON.stringify({ version: '55.0.0', artifacts: {} }));
});
afterAll(() => rmSync(emptyHead, { recursive: true, force: true }));

test('an unknown ref fails at once with a one-line reason', async () => {
  const failure = await failureOf(run('npx', ['tsx', 'scripts/cost-diff.ts', '--base', 'no-such-branch', '--head-dir', emptyHead]));
  expect(failure?.code).toBe(1);
  expect(failure?.stderr.trim()).toBe('cost:diff: --base "no-such-branch" is not a commit of this repository (fetch it first?)');
});

/**
 * A commit (not on any branch) holding only a cdk.json whose app exits 3: written as git objects,
 * so the test needs no particular history and changes no branch, index or working tree.
 */
function commitWithFailingApp(): string {
  const git = (args: string[], input?: string) => execFileSync('git', args, { encoding: 'utf8', input }).trim();
  const blob = git(['hash-object', '-w', '--stdin'], JSON.stringify({ app: 'node -e "process.exit(3)"' }));
  const tree = git(['mktree'], `100644 blob ${blob}\tcdk.json\n`);
  return git(['-c', 'user.name=review-test', '-c', 'user.email=review-test@localhost', 'commit-tree', tree, '-m', 'review test: an app that fails']);
}

test('a base whose synthesis fails: exit 1 naming the command, and no worktree left behind', async () => {
  const before = { worktrees: worktrees(), temp: tempCheckouts() };
  const failure = await failureOf(run('npx', ['tsx', 'scripts/cost-diff.ts', '--base', commitWithFailingApp(), '--head-dir', emptyHead]));
  expect(failure?.code).toBe(1);
  expect(failure?.stderr).toMatch(/cost:diff: `node_modules\/\.bin\/cdk synth --quiet --output .*` in .* failed \(exit 1\)/);
  expect(worktrees()).toEqual(before.worktrees);
  expect(tempCheckouts()).toEqual(before.temp);
});

test('--base HEAD against a branch that doubles prod’s load: the base is planned and priced by its own code', async () => {
  const moreLoad = configWith('prod', { workload: { monitoredServers: CAPACITY_CONFIGS.prod.workload.monitoredServers * 2 } });
  const head = synthesizeSide(moreLoad);
  const before = worktrees();
  try {
    const { stdout } = await run('npx', ['tsx', 'scripts/cost-diff.ts', '--base', 'HEAD', '--head-dir', head, '--env', 'prod', '--json'], { maxBuffer: 64 * 1024 * 1024 });
    const report = JSON.parse(stdout) as CostDiffReport;
    const prices = loadPriceSnapshot('us-east-1');
    const baseTotal = costPlan(planCapacity(CAPACITY_CONFIGS.prod), prices).totalMonthlyUsd;
    const headTotal = costPlan(planCapacity(moreLoad), prices).totalMonthlyUsd;
    expect(report.base).toMatch(/^HEAD \([0-9a-f]{7,}\)$/);
    expect(report.environments.map((e) => e.environment)).toEqual(['prod']);
    expect(report.environments[0].notes).toEqual([]);
    expect(report.environments[0].totalMonthlyUsdBefore).toBeCloseTo(baseTotal, 6);
    expect(report.environments[0].deltaUsd).toBeCloseTo(headTotal - baseTotal, 6);
    expect(report.environments[0].rows.find((r) => r.tier === 'ingest' && r.resource === 'EC2 instances')).toMatchObject({ countBefore: 14, countAfter: 26 });
    expect(worktrees()).toEqual(before);
  } finally {
    rmSync(head, { recursive: true, force: true });
  }
});
