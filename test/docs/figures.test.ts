import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { FIGURES, FigureContext, renderFigures } from '../../lib/report/doc-figures';
import { documentsWithFigures } from '../../scripts/docs/documents';

const context = new FigureContext();
const rendered = documentsWithFigures().map((file) => ({ file: relative(process.cwd(), file), ...renderFigures(readFileSync(file, 'utf8'), context) }));

test.each(rendered.map((doc) => [doc.file, doc] as const))('%s quotes the figures the plan gives (npm run docs:figures rewrites them)', (_file, doc) => {
  expect(doc.unknown).toEqual([]);
  expect(doc.stale).toEqual([]);
});

test('every figure of lib/report/doc-figures.ts is quoted somewhere', () => {
  const used = new Set(rendered.flatMap((doc) => doc.used));
  expect(Object.keys(FIGURES).filter((name) => !used.has(name))).toEqual([]);
});

test('a figure that differs from the plan is reported stale and rewritten, the text around it kept', () => {
  const doc = renderFigures('prod costs <!-- fig:prod.monthly -->$1.00<!-- /fig --> a month.', context);
  expect(doc.stale).toEqual(['prod.monthly']);
  expect(doc.text).toBe(`prod costs <!-- fig:prod.monthly -->${FIGURES['prod.monthly'](context)}<!-- /fig --> a month.`);
  expect(renderFigures(doc.text, context).stale).toEqual([]);
  expect(renderFigures('<!-- fig:no.such -->x<!-- /fig -->', context).unknown).toEqual(['no.such']);
});
