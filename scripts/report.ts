/**
 * npm run report -- --env prod [--out cdk.out/report-prod.html]
 *
 * Writes a self-contained HTML page of one environment's plan: cost by tier and by resource, the
 * machine counts, and what-if curves of monthly cost and instance counts from 10,000 to 1,000,000
 * metrics/s with the load at which each tier steps up. Exits 1 with a one-line reason on an error.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { ENVIRONMENT_NAMES, capacityConfigFor } from '../lib/capacity-config';
import { planPageHtml } from '../lib/report/html/plan-page';
import { planPageData } from '../lib/report/html/plan-page-data';
import { loadPriceSnapshot } from '../lib/pricing/price-catalog';

const USAGE = `usage: npm run report -- --env <${ENVIRONMENT_NAMES.join('|')}> [--out <file.html>]  (default cdk.out/report-<env>.html)`;

function main(argv: string[]): void {
  const { values } = parseArgs({ args: argv, options: { env: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } }, strict: true });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!values.env) throw new Error(`--env is required\n${USAGE}`);
  const config = capacityConfigFor(values.env);
  const html = planPageHtml(planPageData(config, loadPriceSnapshot(config.region)));
  // cdk.out is git-ignored: the report is an output, like the templates.
  const out = values.out ?? join(__dirname, '..', 'cdk.out', `report-${config.environment}.html`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, html);
  console.log(`report: wrote ${relative(process.cwd(), out) || out} (${(html.length / 1024).toFixed(0)} KiB)`);
}

try {
  main(process.argv.slice(2));
} catch (err) {
  console.error(`report: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
