/**
 * The PR comment builder on fixtures of real diffs (test/fixtures/review, produced by the CLIs with
 * --base main on scenario branches; see the README there).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { CostDiffReport } from '../../lib/review/cost-diff';
import { buildReviewComment, MAX_COMMENT_CHARS, REVIEW_MARKER } from '../../lib/review/comment';
import type { TemplateDiffReport } from '../../lib/review/template-diff';

const run = promisify(execFile);
jest.setTimeout(60_000);

const FIXTURES = join(__dirname, '..', 'fixtures', 'review');
const load = (scenario: string) => ({
  cost: JSON.parse(readFileSync(join(FIXTURES, `${scenario}.cost.json`), 'utf8')) as CostDiffReport,
  template: JSON.parse(readFileSync(join(FIXTURES, `${scenario}.template.json`), 'utf8')) as TemplateDiffReport,
});

describe('prod-load-doubled: prod’s metrics/s doubled on a branch', () => {
  const body = buildReviewComment({ ...load('prod-load-doubled'), headSha: '0123456789abcdef', runUrl: 'https://github.com/o/r/actions/runs/1' });

  test('starts with the hidden marker, once, so the next run finds and updates it', () => {
    expect(body.split('\n')[0]).toBe(REVIEW_MARKER);
    expect(body.split(REVIEW_MARKER)).toHaveLength(2);
    expect(body).toContain('## MetricStream review of 0123456');
  });

  test('the summary gives each environment’s dollars and the template changes', () => {
    expect(body).toContain('**Monthly cost:** dev unchanged ($530.08) · staging unchanged ($1,519.43) · prod');
    expect(body).toContain('prod $8,303.62 → $13,355.10 (+$5,051.48, +60.8 %)');
    expect(body).toContain('**Templates:** 3 of 18 stacks change: 0 added, 0 removed, 6 modified, 0 replaced, 0 may interrupt');
    expect(body).not.toContain('[!CAUTION]');
  });

  test('the cost table shows count and dollar deltas of the changed lines', () => {
    expect(body).toContain('| ingest | EC2 instances | c6i.2xlarge | 12 → 22 | $2,978.40 | $5,460.40 | +$2,482.00 |');
    expect(body).toContain('| flink | Flink KPUs (incl. orchestration) | KPU | 13 → 22 | $1,043.90 | $1,766.60 | +$722.70 |');
    expect(body).toMatch(/\| \*\*total\*\* \|.*\| \*\*\$8,303\.62\*\* \| \*\*\$13,355\.10\*\* \| \*\*\+\$5,051\.48 \(\+60\.8 %\)\*\* \|/);
    expect(body).toContain('in [this run](https://github.com/o/r/actions/runs/1)');
  });
});

describe('influx-type-and-extra-node: a smaller InfluxDB type and a node added outside the plan', () => {
  const { cost, template } = load('influx-type-and-extra-node');
  const body = buildReviewComment({ cost, template });

  test('the stateful warning comes before everything else but the summary', () => {
    const caution = body.indexOf('> [!CAUTION]');
    expect(caution).toBeGreaterThan(body.indexOf('**Templates:**'));
    expect(caution).toBeLessThan(body.indexOf('### Monthly cost'));
    expect(body).toContain('**3 stateful resources replaced, removed or restarted — data loss on deploy:**');
    expect(body.match(/> - `MetricStream-prod-Influx` `Node\w+` \(AWS::EC2::Instance\) stopped and started \(InstanceType changed\): its instance-store data is lost/g)).toHaveLength(3);
    // Listed once, at the top, not again in the template section.
    expect(body.split('[!CAUTION]')).toHaveLength(2);
  });

  test('the extra node shows as one more instance in every environment, prod’s cheaper type as a price drop', () => {
    expect(body).toContain('| influx | EC2 instances | i3.large | 3 → 4 |');
    expect(body).toContain('| influx | EC2 instances | i3.2xlarge | 3 → 0 | $1,366.56 | $0.00 | −$1,366.56 |');
    expect(body).toContain('| influx | EC2 instances | i3.xlarge | 0 → 4 | $0.00 | $911.04 | +$911.04 |');
    expect(body).toMatch(/`Node3\w*` \| AWS::EC2::Instance \| added \(stateful\)/);
  });

  test('whole body, reviewed as a file', () => {
    expect(body).toMatchSnapshot();
  });

  test('a report too long for GitHub drops the per-stack tables but keeps the marker, totals and warnings', () => {
    const stacks = Array.from({ length: 60 }, (_, i) => template.stacks.map((s) => ({ ...s, stackName: `${s.stackName}${i}` }))).flat();
    const huge = buildReviewComment({ cost, template: { ...template, stacks } });
    expect(huge.length).toBeLessThanOrEqual(MAX_COMMENT_CHARS);
    expect(huge.startsWith(REVIEW_MARKER)).toBe(true);
    expect(huge).toContain('**3 stateful resources replaced');
    expect(huge).toContain('Per-stack resource tables left out to fit the comment');
    expect(huge).not.toContain('<details open><summary>MetricStream-prod-Influx');
  });
});

describe('scripts/review/comment.ts', () => {
  const cli = (...args: string[]) => run('npx', ['tsx', 'scripts/review/comment.ts', ...args]);

  test('prints the comment built from the two JSON files', async () => {
    const { stdout } = await cli('--cost', join(FIXTURES, 'prod-load-doubled.cost.json'), '--template', join(FIXTURES, 'prod-load-doubled.template.json'), '--head-sha', 'abcdef0123');
    expect(stdout.trimEnd()).toBe(buildReviewComment({ ...load('prod-load-doubled'), headSha: 'abcdef0123' }));
  });

  test('the files swapped: exit 1 naming the file', async () => {
    const failure = await cli('--cost', join(FIXTURES, 'prod-load-doubled.template.json'), '--template', join(FIXTURES, 'prod-load-doubled.cost.json')).then(
      () => undefined,
      (err: { code: number; stderr: string }) => err,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr.trim()).toMatch(/^review:comment: .*prod-load-doubled\.template\.json is not the expected diff JSON \(no "environments" list\)$/);
  });
});
