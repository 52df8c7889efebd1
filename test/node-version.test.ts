/**
 * One Node.js line everywhere: .node-version names the major; `engines`, @types/node, the esbuild
 * target, CI and the ingest hosts' user data must all agree with it, so a bump cannot leave one behind.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Stack } from 'aws-cdk-lib';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { CAPACITY_CONFIGS } from '../lib/capacity-config';
import { planCapacity } from '../lib/plan';
import { PORTS } from '../lib/ports';
import { ingestNodeUserData } from '../lib/user-data/ingest-node';
import { FIXTURE_ASSETS } from './stacks/synth';

const ROOT = path.resolve(__dirname, '..');
const read = (f: string) => readFileSync(path.join(ROOT, f), 'utf8');
const MAJOR = Number(read('.node-version').trim());
const pkg = (f: string) => JSON.parse(read(f)) as { engines?: { node?: string }; devDependencies?: Record<string, string> };

test('.node-version holds a supported LTS major', () => {
  // Node 20 reached end of life on 2026-04-30; 24 is the LTS line the hosts' distribution packages.
  expect(MAJOR).toBeGreaterThanOrEqual(24);
  expect(MAJOR % 2).toBe(0);
});

test.each(['package.json', 'services/ingest/package.json'])('%s engines require that major', (f) => {
  expect(pkg(f).engines?.node).toBe(`>=${MAJOR}`);
});

test('@types/node matches the major, so the types are the runtime the service gets', () => {
  expect(pkg('package.json').devDependencies?.['@types/node']).toMatch(new RegExp(`^\\^${MAJOR}\\.`));
});

test('the esbuild target is that major', () => {
  const target = /^\s*target:\s*(.+?),?\s*$/m.exec(read('services/ingest/build.mjs'))?.[1];
  // Either derived from .node-version (today) or spelled out, and then it must match.
  if (target === '`node${NODE_MAJOR}`') expect(read('services/ingest/build.mjs')).toContain("'../../.node-version'");
  else expect(target).toBe(`'node${MAJOR}'`);
});

test('CI runs that major: .ci/run sources the installer, the workflow reads .node-version', () => {
  expect(read('.ci/run')).toMatch(/^source scripts\/node\/ensure\.sh$/m);
  const workflow = read('.github/workflows/pr.yml');
  expect(workflow).toMatch(/node-version-file: \.node-version/);
  expect(workflow).not.toMatch(/node-version: /);
});

test('the ingest hosts install and run exactly that major (Amazon Linux 2023 nodejs<major>, /usr/bin/node-<major>)', () => {
  const stack = new Stack();
  const bundle = new s3assets.Asset(stack, 'Bundle', { path: FIXTURE_ASSETS.ingestBundleDir });
  const script = ingestNodeUserData({
    environment: 'test',
    region: 'us-east-1',
    bundle,
    port: PORTS.ingest,
    serviceEnvironment: {},
    lifecycle: planCapacity(CAPACITY_CONFIGS.prod).ingest.lifecycle,
    terminationHookName: 'test-hook',
  }).render();
  expect(script).toMatch(new RegExp(`^dnf install -y nodejs${MAJOR} `, 'm'));
  expect(script).toMatch(new RegExp(`^ExecStart=/usr/bin/node-${MAJOR} `, 'm'));
  expect(script.match(/nodejs[0-9]+|node-[0-9]+/g)?.filter((m) => !m.endsWith(String(MAJOR)))).toEqual([]);
});

test('the README states the prerequisite', () => {
  expect(read('README.md')).toContain(`Node.js ${MAJOR} with npm`);
});
