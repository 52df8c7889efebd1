import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CAPACITY_CONFIGS, ENVIRONMENT_NAMES } from '../../lib/capacity-config';
import { synthesizeStage } from './synth';

const run = promisify(execFile);
jest.setTimeout(180_000);

test('cfn-lint finds nothing in any synthesized template (ignored warnings are explained in .cfnlintrc)', async () => {
  const outdir = mkdtempSync(join(tmpdir(), 'metricstream-cdk-'));
  const templates = ENVIRONMENT_NAMES.flatMap((env) => {
    const { assemblyDir } = synthesizeStage(CAPACITY_CONFIGS[env], outdir);
    return readdirSync(assemblyDir)
      .filter((f) => f.endsWith('.template.json'))
      .map((f) => join(assemblyDir, f));
  });
  expect(templates).toHaveLength(ENVIRONMENT_NAMES.length * 7);
  const result = await run('cfn-lint', ['--format', 'parseable', '--', ...templates], { cwd: join(__dirname, '..', '..') }).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (err: NodeJS.ErrnoException & { code: number | string; stdout?: string }) => {
      if (err.code === 'ENOENT') throw new Error('cfn-lint is not installed: pip install cfn-lint (bash .ci/run installs it)');
      return { code: err.code, stdout: err.stdout ?? '' };
    },
  );
  expect(result.stdout).toBe('');
  expect(result.code).toBe(0);
});
