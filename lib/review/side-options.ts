/**
 * The side options both review CLIs share: --base <ref> | --base-dir <dir>, --head-dir <dir>,
 * --env <name>. Resolves them to review sides (I/O: git worktrees, synthesis).
 */
import type { ReviewSide } from './review-side';
import { assertGitRef, assertSideDirectory, headSide, sideFromDirectory, sideFromGitRef, workingTreePlans } from './review-side';

export const SIDE_OPTIONS = {
  base: { type: 'string' },
  'base-dir': { type: 'string' },
  'head-dir': { type: 'string' },
  env: { type: 'string' },
} as const;

export const SIDE_USAGE = '--base <git-ref> | --base-dir <checkout or cdk.out> [--head-dir <checkout or cdk.out>] [--env <name>]';

export interface SideValues {
  readonly base?: string;
  readonly 'base-dir'?: string;
  readonly 'head-dir'?: string;
  readonly env?: string;
}

export function resolveSides(values: SideValues, log: (message: string) => void, needs: { plans: boolean }): { base: ReviewSide; head: ReviewSide; environments?: string[] } {
  if ((values.base === undefined) === (values['base-dir'] === undefined)) throw new Error('give exactly one of --base <git-ref> and --base-dir <dir>');
  for (const dir of [values['base-dir'], values['head-dir']]) if (dir !== undefined) assertSideDirectory(dir);
  if (values.base !== undefined) assertGitRef(values.base);
  // Head first: a working tree that does not synthesize fails before the slower base checkout.
  let head = values['head-dir'] !== undefined ? sideFromDirectory(values['head-dir'], log) : headSide(log);
  // A head given as bare templates is planned by the working tree's code (the head being reviewed).
  if (needs.plans && !head.plansByEnv) head = { ...head, label: `${head.label} (plans: working tree)`, plansByEnv: workingTreePlans() };
  const base = values.base !== undefined ? sideFromGitRef(values.base, log) : sideFromDirectory(values['base-dir'] as string, log);
  const environments = values.env === undefined || values.env === 'all' ? undefined : values.env.split(',');
  for (const env of environments ?? []) {
    if (!base.stacksByEnv.has(env) && !head.stacksByEnv.has(env)) throw new Error(`neither side has stacks for environment "${env}"`);
  }
  return { base, head, environments };
}
