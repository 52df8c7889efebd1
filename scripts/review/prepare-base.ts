/**
 * npx tsx scripts/review/prepare-base.ts --ref <git-ref> --out <dir>
 *
 * Synthesizes a git ref once, in a temporary worktree (removed afterwards), into <dir>: its cloud
 * assembly plus its own plans (metricstream-plans.json). Both diffs then read it with --base-dir,
 * so CI synthesizes the base branch once instead of once per diff.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { sideFromGitRef } from '../../lib/review/review-side';

const USAGE = 'usage: npx tsx scripts/review/prepare-base.ts --ref <git-ref> --out <dir>';

function main(argv: string[]): void {
  const { values } = parseArgs({ args: argv, options: { ref: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } }, strict: true });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!values.ref || !values.out) throw new Error(`--ref and --out are required\n${USAGE}`);
  const side = sideFromGitRef(values.ref, (m) => console.error(`review:prepare-base: ${m}`), resolve(values.out));
  console.log(`${values.out}: ${side.label}, environments ${[...side.stacksByEnv.keys()].join(', ')}`);
}

try {
  main(process.argv.slice(2));
} catch (err) {
  console.error(`review:prepare-base: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
