/**
 * npm run cost:diff -- --base <git-ref> | --base-dir <dir> [--head-dir <dir>] [--env prod] [--json]
 *                      [--fail-over <usd>] [--fail-over-percent <p>]
 *
 * Prices base and head from their synthesized templates (plus each side's plan for usage lines) and
 * prints the difference per environment as Markdown or JSON. Exits 1 with a one-line reason on an
 * error, and 2 when an environment's monthly cost rises past a --fail-over guardrail.
 */
import { parseArgs } from 'node:util';
import { loadPriceSnapshot } from '../lib/pricing/price-catalog';
import { guardrailViolations } from '../lib/review/cost-diff';
import { costDiffMarkdown } from '../lib/review/cost-diff-markdown';
import { buildCostDiffReport } from '../lib/review/cost-diff-report';
import { resolveSides, SIDE_OPTIONS, SIDE_USAGE } from '../lib/review/side-options';

const USAGE = `usage: npm run cost:diff -- ${SIDE_USAGE} [--json] [--fail-over <usd>] [--fail-over-percent <p>]`;

function main(argv: string[]): number {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...SIDE_OPTIONS,
      json: { type: 'boolean', default: false },
      'fail-over': { type: 'string' },
      'fail-over-percent': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const failOverUsd = threshold(values['fail-over'], '--fail-over');
  const failOverPercent = threshold(values['fail-over-percent'], '--fail-over-percent');
  const { base, head, environments } = resolveSides(values, (m) => console.error(`cost:diff: ${m}`), { plans: true });
  const report = buildCostDiffReport(base, head, loadPriceSnapshot, environments);
  console.log(values.json ? JSON.stringify(report, null, 2) : costDiffMarkdown(report));
  const violations = guardrailViolations(report, { failOverUsd, failOverPercent });
  for (const v of violations) console.error(`cost:diff: ${v}`);
  return violations.length ? 2 : 0;
}

function threshold(raw: string | undefined, flag: string): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0) throw new Error(`${flag} "${raw}" must be a non-negative number`);
  return value;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (err) {
  console.error(`cost:diff: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
