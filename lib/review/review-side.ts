/**
 * One side of a review (base or head): its synthesized stacks and, where its code is at hand, its
 * own capacity plans. A side comes from a git ref (a temporary worktree), a prepared checkout, a
 * synthesized `cdk.out`, or the working tree. A checkout's plan is read by running ITS OWN
 * `scripts/plan.ts` in a child process, never by importing its code into this one, so a base whose
 * plan code differs from the head's is planned by the code it ships.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { ENVIRONMENT_NAMES, capacityConfigFor } from '../capacity-config';
import { planCapacity, type CapacityPlan } from '../plan';
import type { SynthesizedStack } from '../pricing/template-items';
import { isCloudAssembly, readCloudAssembly } from './cloud-assembly';

export interface ReviewSide {
  /** What the side is, for the report: "main (1a2b3c4)", a directory, "working tree". */
  readonly label: string;
  readonly stacksByEnv: ReadonlyMap<string, readonly SynthesizedStack[]>;
  /** The side's own plans by environment; absent when only synthesized templates were given. */
  readonly plansByEnv?: ReadonlyMap<string, CapacityPlan>;
}

/** Written next to the templates of a side we synthesize: the output of `plan --env all --json`. */
export const PLANS_FILE = 'metricstream-plans.json';

export const REPO_ROOT = resolve(__dirname, '..', '..');

/** Built assets, relative to a checkout; their contents do not change any count or price. */
const ASSETS = [
  { path: join('services', 'ingest', 'dist'), standIn: join('test', 'fixtures', 'assets', 'ingest') },
  { path: join('services', 'flink-job', 'target', 'metricstream-flink-job-0.1.0.jar'), standIn: join('test', 'fixtures', 'assets', 'metricstream-flink-job.jar') },
];

type Log = (message: string) => void;

export function isCheckout(dir: string): boolean {
  return existsSync(join(dir, 'cdk.json')) && existsSync(join(dir, 'scripts', 'plan.ts'));
}

/** Throws unless `dir` is a checkout or a synthesized cdk.out; cheap, so arguments fail before any synthesis. */
export function assertSideDirectory(dir: string): void {
  const abs = resolve(dir);
  if (!isCloudAssembly(abs) && !isCheckout(abs)) {
    throw new Error(`${dir} is neither a checkout (cdk.json, scripts/plan.ts) nor a synthesized cdk.out (manifest.json)`);
  }
}

/** A side read from a directory: a checkout (synthesized into a temporary cdk.out) or a cdk.out. */
export function sideFromDirectory(dir: string, log: Log, label = dir): ReviewSide {
  assertSideDirectory(dir);
  const abs = resolve(dir);
  if (isCloudAssembly(abs)) return readSynthesizedSide(abs, label);
  const out = mkdtempSync(join(tmpdir(), 'metricstream-side-'));
  try {
    synthesizeCheckout(abs, out, log);
    return readSynthesizedSide(out, label);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** Throws unless `ref` names a commit of this repository. */
export function assertGitRef(ref: string): void {
  const result = spawnSync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: REPO_ROOT, stdio: 'ignore' });
  if (result.status !== 0) throw new Error(`--base "${ref}" is not a commit of this repository (fetch it first?)`);
}

/** A side from a git ref: synthesized in a temporary detached worktree that is removed afterwards. */
export function sideFromGitRef(ref: string, log: Log, outdir?: string): ReviewSide {
  const commit = git(['rev-parse', '--short', `${ref}^{commit}`]).trim();
  return withWorktree(ref, log, (worktree) => {
    const out = outdir ?? join(worktree, 'cdk.out');
    synthesizeCheckout(worktree, out, log);
    return readSynthesizedSide(out, `${ref} (${commit})`);
  });
}

/** The working tree's own synthesized output, synthesized first when missing or older than its sources. */
export function headSide(log: Log, root = REPO_ROOT): ReviewSide {
  const out = join(root, 'cdk.out');
  if (!isFresh(out, root)) {
    log('synthesizing the working tree (cdk.out is missing or older than its sources)');
    run(join(root, 'node_modules', '.bin', 'cdk'), ['synth', '--quiet'], root);
  }
  return { label: 'working tree', stacksByEnv: readCloudAssembly(out), plansByEnv: workingTreePlans() };
}

/** The working tree's plans, computed in this process: it runs the working tree's code. */
export function workingTreePlans(): Map<string, CapacityPlan> {
  return new Map<string, CapacityPlan>(ENVIRONMENT_NAMES.map((env) => [env, planCapacity(capacityConfigFor(env))]));
}

/** Templates of a synthesized output, and the plans written beside them when we synthesized it. */
export function readSynthesizedSide(out: string, label: string): ReviewSide {
  const stacksByEnv = readCloudAssembly(out);
  const plansFile = join(out, PLANS_FILE);
  return { label, stacksByEnv, plansByEnv: existsSync(plansFile) ? parsePlans(readFileSync(plansFile, 'utf8')) : undefined };
}

/** Plans from the JSON `npm run plan -- --env all --json` prints (one report or an array of them). */
export function parsePlans(json: string): Map<string, CapacityPlan> {
  const parsed = JSON.parse(json) as { plan?: CapacityPlan } | { plan?: CapacityPlan }[];
  const reports = Array.isArray(parsed) ? parsed : [parsed];
  const plans = new Map<string, CapacityPlan>();
  for (const report of reports) if (report.plan) plans.set(report.plan.environment, report.plan);
  return plans;
}

/**
 * Synthesizes a checkout into `out` with its own cdk.json app and writes its plans beside the
 * templates. Missing node_modules are linked to ours and missing assets copied from ours (or the
 * test stand-ins): both sides then carry the same asset hashes, so only real changes show.
 */
export function synthesizeCheckout(dir: string, out: string, log: Log): void {
  const added: string[] = [];
  try {
    if (!existsSync(join(dir, 'node_modules'))) {
      symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
      added.push(join(dir, 'node_modules'));
    }
    for (const asset of ASSETS) {
      const target = join(dir, asset.path);
      if (existsSync(target)) continue;
      const built = join(REPO_ROOT, asset.path);
      cpSync(existsSync(built) ? built : join(REPO_ROOT, asset.standIn), target, { recursive: true });
      added.push(target);
    }
    log(`synthesizing ${dir}`);
    run(join(dir, 'node_modules', '.bin', 'cdk'), ['synth', '--quiet', '--output', out], dir);
    const plans = run(join(dir, 'node_modules', '.bin', 'tsx'), ['scripts/plan.ts', '--env', 'all', '--json'], dir);
    writeFileSync(join(out, PLANS_FILE), plans);
  } finally {
    for (const path of added.reverse()) rmSync(path, { recursive: true, force: true });
  }
}

function withWorktree<T>(ref: string, log: Log, body: (worktree: string) => T): T {
  const parent = mkdtempSync(join(tmpdir(), 'metricstream-base-'));
  const worktree = join(parent, 'checkout');
  log(`checking out ${ref} in ${worktree}`);
  git(['worktree', 'add', '--detach', worktree, ref]);
  try {
    return body(worktree);
  } finally {
    // Removed on failure too; `prune` drops the registration if the directory is already gone.
    spawnSync('git', ['worktree', 'remove', '--force', worktree], { cwd: REPO_ROOT, stdio: 'ignore' });
    spawnSync('git', ['worktree', 'prune'], { cwd: REPO_ROOT, stdio: 'ignore' });
    rmSync(parent, { recursive: true, force: true });
  }
}

/** Fresh when the manifest is newer than every source the app reads. */
function isFresh(out: string, root: string): boolean {
  const manifest = join(out, 'manifest.json');
  if (!existsSync(manifest)) return false;
  const synthesized = statSync(manifest).mtimeMs;
  const sources = [join(root, 'bin'), join(root, 'lib'), join(root, 'cdk.json'), ...ASSETS.map((a) => join(root, a.path))];
  return sources.every((path) => newestMtime(path) <= synthesized);
}

/** Folders of lib/ the CDK app does not import: editing the review tools needs no new synthesis. */
const NOT_SYNTHESIZED = new Set(['review', 'report']);

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  const entries = readdirSync(path).filter((name) => !(basename(path) === 'lib' && NOT_SYNTHESIZED.has(name)));
  return Math.max(0, ...entries.map((name) => newestMtime(join(path, name))));
}

function git(args: string[]): string {
  return run('git', args, REPO_ROOT);
}

/** Runs a command to completion; on failure throws with its last lines of output. */
function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1' } });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    const tail = `${result.stderr}\n${result.stdout}`.trim().split('\n').slice(-5).join(' | ');
    throw new Error(`\`${relative(cwd, command) || command} ${args.join(' ')}\` in ${cwd} failed (exit ${result.status}): ${tail}`);
  }
  return result.stdout;
}
