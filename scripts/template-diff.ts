/**
 * npm run template:diff -- --base <git-ref> | --base-dir <dir> [--head-dir <dir>] [--env prod] [--json]
 *                          [--fail-on-stateful]
 *
 * Compares base and head synthesized templates per stack — resources added, removed, modified,
 * replaced — with no AWS credentials, and puts replacements or removals of stateful resources
 * (MSK cluster, InfluxDB instances, buckets, keys, secrets) at the top. Exits 1 with a one-line
 * reason on an error, and 2 with --fail-on-stateful when a stateful resource would lose data.
 */
import { parseArgs } from 'node:util';
import { resolveSides, SIDE_OPTIONS, SIDE_USAGE } from '../lib/review/side-options';
import { buildTemplateDiffReport } from '../lib/review/template-diff';
import { templateDiffMarkdown } from '../lib/review/template-diff-markdown';

const USAGE = `usage: npm run template:diff -- ${SIDE_USAGE} [--json] [--fail-on-stateful]`;

function main(argv: string[]): number {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...SIDE_OPTIONS,
      json: { type: 'boolean', default: false },
      'fail-on-stateful': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const { base, head, environments } = resolveSides(values, (m) => console.error(`template:diff: ${m}`), { plans: false });
  const report = buildTemplateDiffReport(base, head, environments);
  console.log(values.json ? JSON.stringify(report, null, 2) : templateDiffMarkdown(report));
  if (values['fail-on-stateful'] && report.warnings.length) {
    console.error(`template:diff: ${report.warnings.length} stateful resource(s) replaced, removed or restarted`);
    return 2;
  }
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (err) {
  console.error(`template:diff: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
