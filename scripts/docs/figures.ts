/**
 * npm run docs:figures [-- --check]
 *
 * Rewrites every `<!-- fig:NAME -->…<!-- /fig -->` figure in README.md and docs/*.md from the plan
 * and the cost model (lib/report/doc-figures.ts). --check writes nothing and exits 1 naming each
 * stale figure: what test/docs/figures.test.ts also asserts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { FigureContext, renderFigures } from '../../lib/report/doc-figures';
import { documentsWithFigures } from './documents';

const { values } = parseArgs({ options: { check: { type: 'boolean', default: false } }, strict: true });
const context = new FigureContext();
let failed = false;
for (const file of documentsWithFigures()) {
  const before = readFileSync(file, 'utf8');
  const { text, stale, unknown } = renderFigures(before, context);
  for (const name of unknown) {
    console.error(`${file}: no figure named ${name} in lib/report/doc-figures.ts`);
    failed = true;
  }
  if (stale.length === 0) continue;
  if (values.check) {
    console.error(`${file}: stale ${stale.join(', ')} (run npm run docs:figures)`);
    failed = true;
  } else {
    writeFileSync(file, text);
    console.log(`${file}: rewrote ${stale.join(', ')}`);
  }
}
process.exitCode = failed ? 1 : 0;
