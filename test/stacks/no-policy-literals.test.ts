/**
 * The stacks and their boot scripts hold no sizes or policy numbers of their own: those come from the
 * plan (or the config), so a number appears in one place. What may stay is listed here with the reason:
 * unit conversions, loop bounds, and values AWS or a protocol fixes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as ts from 'typescript';

const LIB = join(__dirname, '..', '..', 'lib');

/** Numbers any file may hold: counting from 0 or 1, and milliseconds per second. */
const ANYWHERE = new Set(['0', '1', '1000']);

/** file -> literal -> why it is not the plan's. */
const ALLOWED: Record<string, Record<string, string>> = {
  'ingest-stack.ts': {
    '80': 'HTTP port of the ALB listener',
    '443': 'HTTPS port of the ALB listener',
    '40': 'length of the generated API key, a format, not a size',
  },
  'grafana-stack.ts': {
    '80': 'HTTP port of the operators-only listener',
    '443': 'HTTPS port of the operators-only listener',
    '32': 'length of the generated Grafana passwords, a format, not a size',
  },
  'influx-stack.ts': { '32': 'length of the generated InfluxDB passwords, a format, not a size' },
  'network-stack.ts': { '80': 'HTTP port clients reach the ALB on', '443': 'HTTPS port clients reach the ALB on' },
  // A CloudWatch dashboard is a grid 24 units wide: three graphs of 8 per row, the alarm list across.
  'monitoring-stack.ts': { '8': 'dashboard grid: a third of its 24 columns', '24': 'dashboard grid: its full 24 columns' },
};

function sources(): string[] {
  const stacks = readdirSync(LIB).filter((f) => f.endsWith('-stack.ts')).map((f) => join(LIB, f));
  const userData = readdirSync(join(LIB, 'user-data')).filter((f) => f.endsWith('.ts')).map((f) => join(LIB, 'user-data', f));
  return [...stacks, ...userData, join(LIB, 'metricstream-stage.ts'), join(LIB, 'log-bucket.ts'), join(LIB, 'log-retention.ts')];
}

/** Numeric literals in code (not in comments or strings) as `file:line: literal`, minus the allowed ones. */
function policyLiterals(file: string, text: string): string[] {
  const name = relative(LIB, file);
  const allowed = ALLOWED[name.replace(/^.*\//, '')] ?? {};
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isNumericLiteral(node) && !ANYWHERE.has(node.text) && !(node.text in allowed)) {
      found.push(`${name}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}: ${node.getText()} in ${node.parent.getText().slice(0, 60)}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

test('the scan finds a hard-coded number', () => {
  expect(policyLiterals(join(LIB, 'flink-stack.ts'), 'const c = { minPauseBetweenCheckpoints: 5000, interval: seconds * 1000 };')).toEqual([
    'flink-stack.ts:1: 5000 in minPauseBetweenCheckpoints: 5000',
  ]);
});

test('no size or policy number in the stacks and boot scripts', () => {
  const found = sources().flatMap((file) => policyLiterals(file, readFileSync(file, 'utf8')));
  expect(found).toEqual([]);
});
