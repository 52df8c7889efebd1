/** Every workflow passes actionlint; and actionlint, as we run it, does catch a broken workflow. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { actionlintPath } from './tools';

const run = promisify(execFile);
jest.setTimeout(60_000);

const WORKFLOWS = join(__dirname, '..', '..', '.github', 'workflows');
const lint = (files: string[]) => run(actionlintPath(), ['-no-color', ...files]);

test.each(readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f)))('.github/workflows/%s passes actionlint', async (file) => {
  await expect(lint([join(WORKFLOWS, file)])).resolves.toMatchObject({ stdout: '' });
});

test('actionlint fails a workflow with an unknown context and a bad runner label', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'actionlint-'));
  try {
    const file = join(dir, 'broken.yml');
    writeFileSync(file, ['on: pull_request', 'jobs:', '  x:', '    runs-on: ubuntu-latst', '    steps:', '      - run: echo "${{ github.event.pull_request.nummber }}${{ foo.bar }}"', ''].join('\n'));
    const failure = await lint([file]).then(() => undefined, (err: { code: number; stdout: string }) => err);
    expect(failure?.code).toBe(1);
    expect(failure?.stdout).toMatch(/undefined variable "foo"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
