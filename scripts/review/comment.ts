/**
 * npx tsx scripts/review/comment.ts --cost <cost-diff.json> --template <template-diff.json>
 *                                   [--run-url <url>] [--head-sha <sha>]
 *
 * Prints the pull-request comment body (Markdown, starting with the hidden review marker) built from
 * the two diffs' JSON output. scripts/review/post-comment.sh posts or updates it.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { CostDiffReport } from '../../lib/review/cost-diff';
import { buildReviewComment } from '../../lib/review/comment';
import type { TemplateDiffReport } from '../../lib/review/template-diff';

const USAGE = 'usage: npx tsx scripts/review/comment.ts --cost <cost-diff.json> --template <template-diff.json> [--run-url <url>] [--head-sha <sha>]';

function main(argv: string[]): void {
  const { values } = parseArgs({
    args: argv,
    options: {
      cost: { type: 'string' },
      template: { type: 'string' },
      'run-url': { type: 'string' },
      'head-sha': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!values.cost || !values.template) throw new Error(`--cost and --template are required\n${USAGE}`);
  const cost = readJson<CostDiffReport>(values.cost, 'environments');
  const template = readJson<TemplateDiffReport>(values.template, 'stacks');
  console.log(buildReviewComment({ cost, template, runUrl: values['run-url'] || undefined, headSha: values['head-sha'] || undefined }));
}

/** Parses a diff's JSON and checks it is the expected report, so a wrong file fails with its name. */
function readJson<T>(path: string, requiredKey: string): T {
  const value = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  if (!Array.isArray(value[requiredKey])) throw new Error(`${path} is not the expected diff JSON (no "${requiredKey}" list)`);
  return value as T;
}

try {
  main(process.argv.slice(2));
} catch (err) {
  console.error(`review:comment: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
