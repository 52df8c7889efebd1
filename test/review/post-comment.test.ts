/**
 * scripts/review/post-comment.sh against a stand-in `gh` (GitHub is not reachable from tests): the
 * stand-in answers the comment listing from a fixture through the script's own jq filter (as
 * `gh --jq` would) and records the update or create call.
 */
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REVIEW_MARKER } from '../../lib/review/comment';

const run = promisify(execFile);
jest.setTimeout(60_000);

const GH_STUB = `#!/usr/bin/env bash
set -euo pipefail
echo "$*" >> "$STUB_DIR/calls"
if [[ " $* " == *" --paginate "* ]]; then
  expr=""; prev=""
  for arg in "$@"; do [ "$prev" = "--jq" ] && expr="$arg"; prev="$arg"; done
  jq -r "$expr" "$STUB_DIR/comments.json"
else
  for arg in "$@"; do case "$arg" in body=@*) cp "\${arg#body=@}" "$STUB_DIR/posted.md";; esac; done
  echo "https://github.com/o/r/pull/7#issuecomment-new"
fi
`;

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'post-comment-'));
  writeFileSync(join(dir, 'gh'), GH_STUB);
  chmodSync(join(dir, 'gh'), 0o755);
  writeFileSync(join(dir, 'body.md'), `${REVIEW_MARKER}\n## MetricStream review\n`);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const post = (comments: unknown[], body = join(dir, 'body.md')) => {
  writeFileSync(join(dir, 'comments.json'), JSON.stringify(comments));
  return run('bash', ['scripts/review/post-comment.sh', '7', body], { env: { ...process.env, PATH: `${dir}:${process.env.PATH}`, STUB_DIR: dir, GITHUB_REPOSITORY: 'o/r' } });
};
const calls = () => readFileSync(join(dir, 'calls'), 'utf8').trim().split('\n');

test('updates the bot’s earlier review comment, not a human’s comment that quotes the marker', async () => {
  await post([
    { id: 111, user: { login: 'alice' }, body: `${REVIEW_MARKER}\nquoting the bot` },
    { id: 222, user: { login: 'github-actions[bot]' }, body: 'another bot comment' },
    { id: 333, user: { login: 'github-actions[bot]' }, body: `${REVIEW_MARKER}\n## MetricStream review (old)` },
  ]);
  expect(calls()[1]).toBe(`api --method PATCH repos/o/r/issues/comments/333 -F body=@${join(dir, 'body.md')} --jq .html_url`);
  expect(readFileSync(join(dir, 'posted.md'), 'utf8')).toContain('## MetricStream review');
});

test('creates the comment when the pull request has none yet', async () => {
  await post([{ id: 111, user: { login: 'alice' }, body: 'LGTM' }]);
  expect(calls()[0]).toMatch(/^api --paginate repos\/o\/r\/issues\/7\/comments --jq /);
  expect(calls()[1]).toBe(`api --method POST repos/o/r/issues/7/comments -F body=@${join(dir, 'body.md')} --jq .html_url`);
});

test('refuses a body without the marker: the next run could not find it', async () => {
  writeFileSync(join(dir, 'plain.md'), '## no marker\n');
  const failure = await post([], join(dir, 'plain.md')).then(() => undefined, (err: { code: number; stderr: string }) => err);
  expect(failure?.code).toBe(1);
  expect(failure?.stderr).toContain('does not start with <!-- metricstream-review -->');
  expect(existsSync(join(dir, 'calls'))).toBe(false);
});
