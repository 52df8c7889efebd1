/**
 * No module under lib/ reaches itself through its imports, type-only imports included: a cycle makes
 * module order decide which binding is still undefined at load, and ties layers that must stay one-way
 * (config -> plan -> pricing -> stacks).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import * as ts from 'typescript';

const LIB = resolve(__dirname, '../../lib');

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

/** Relative imports and re-exports of a file, resolved to files under lib/ (`x.ts` or `x/index.ts`). */
function importsOf(file: string, known: ReadonlySet<string>): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, false);
  return importedFiles
    .map((f) => f.fileName)
    .filter((name) => name.startsWith('.'))
    .map((name) => resolve(dirname(file), name))
    .flatMap((base) => [`${base}.ts`, join(base, 'index.ts'), base].filter((c) => known.has(c)).slice(0, 1));
}

/** Every cycle's members (paths relative to `root`), one entry per strongly connected component of more than one file (or a self-import). */
function importCycles(root: string): string[][] {
  const files = tsFiles(root);
  const known = new Set(files);
  const edges = new Map(files.map((f) => [f, importsOf(f, known)]));
  // Tarjan's strongly connected components.
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v)!) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || edges.get(v)!.includes(v)) cycles.push(component.map((f) => relative(root, f)).sort());
    }
  };
  for (const f of files) if (!index.has(f)) visit(f);
  return cycles;
}

test('the walk finds a cycle through a type-only import and an index file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'import-cycles-'));
  try {
    writeFileSync(join(dir, 'a.ts'), "import { b } from './sub';\nexport const a = b;\n");
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'index.ts'), "import type { A } from '../c';\nexport const b = 1;\n");
    writeFileSync(join(dir, 'c.ts'), "export type { a as A } from './a';\n");
    writeFileSync(join(dir, 'd.ts'), "import { a } from './a';\nexport const d = a;\n");
    expect(importCycles(dir)).toEqual([['a.ts', 'c.ts', 'sub/index.ts']]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('no import cycle under lib/', () => {
  expect(importCycles(LIB)).toEqual([]);
});
