import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { MEASURED } from '../../lib/capacity-config';

const run = promisify(execFile);
// Each case starts a TypeScript process; on a busy 2-core machine that takes seconds.
jest.setTimeout(60_000);
const plan = (...args: string[]) => run('npx', ['tsx', 'scripts/plan.ts', ...args]);

describe('npm run plan', () => {
  test('--env prod prints the table with the reference sizes and the us-east-1 prices', async () => {
    const { stdout } = await plan('--env', 'prod');
    expect(stdout).toContain('10 x c6i.2xlarge needed + 4 spare = min/desired 14, max 20');
    expect(stdout).toContain('6 x kafka.m5.xlarge, 12 partitions');
    expect(stdout).toContain('parallelism 12');
    expect(stdout).toContain('3 x i3.2xlarge');
    expect(stdout).toMatch(/ingest\s+EC2 instances\s+c6i\.2xlarge\s+14\s+\$0\.34\s+Hrs\s+\$3,474\.80/);
    expect(stdout).toMatch(/influx\s+EC2 instances\s+i3\.2xlarge\s+3\s+\$0\.624\s+Hrs/);
    expect(stdout).toMatch(/MSK brokers\s+kafka\.m5\.xlarge\s+6\s+\$0\.42\s+Hrs/);
    // Per tier, whether it carries the loss of an AZ.
    expect(stdout).toContain('az loss: 99.99 % = 4.4 min/month of downtime, under the 10 min to replace an AZ');
    expect(stdout).toMatch(/ingest: carried: 9 of 14 instances left carry the peak at 78 % CPU \(limit 85 %\)/);
    expect(stdout).toMatch(/flink:\s+recovers: /);
    expect(stdout).toMatch(/Flink KPUs \(incl\. orchestration\)\s+KPU\s+13\s+\$0\.11\s+Hrs/);
    expect(stdout).toMatch(/cost per million metrics: \$0\.0\d+/);
  });

  test('--json has the documented fields, and the lines add up to the total', async () => {
    const { stdout } = await plan('--env', 'prod', '--json');
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ environment: 'prod', region: 'us-east-1' });
    for (const line of report.lines) {
      expect(Object.keys(line)).toEqual(expect.arrayContaining(['tier', 'resource', 'type', 'count', 'unitPriceUsd', 'unit', 'monthlyUsd']));
    }
    const sum = report.lines.reduce((s: number, l: { monthlyUsd: number }) => s + l.monthlyUsd, 0);
    expect(report.totalMonthlyUsd).toBeCloseTo(sum, 6);
    expect(report.costPerMillionMetricsUsd).toBeGreaterThan(0);
    expect(report.plan.ingest.desiredInstances).toBe(14);
    expect(report.plan.ingest.azLoss).toMatchObject({ survives: true, staticallyStable: true });
  });

  test('--capacity measured prints the translation rule of every capacity', async () => {
    const { stdout } = await plan('--env', 'prod', '--capacity', 'measured');
    expect(stdout).toContain(`ingest.requestsPerSecondPerInstance = ${Math.round((MEASURED.ingestRequests.value / 2) * 8 * 0.6 * 0.7).toLocaleString('en-US')} requests/s per instance at the scale-out CPU`);
    expect(stdout).toContain(`${MEASURED.ingestRequests.value.toLocaleString('en-US')} on 2 cores / 2 x 8 vCPU (c6i.2xlarge) x 0.6 SMT x 70 % (the ASG scale-out CPU)`);
  });

  test('what-ifs: --metrics-per-second and --region change the plan and the prices', async () => {
    const [base, bigger, ireland] = (
      await Promise.all([
        plan('--env', 'prod', '--json'),
        plan('--env', 'prod', '--json', '--metrics-per-second', '500000'),
        plan('--env', 'prod', '--json', '--region', 'eu-west-1'),
      ])
    ).map(({ stdout }) => JSON.parse(stdout));
    expect(bigger.plan.workload.averageMetricsPerSecond).toBe(500_000);
    expect(bigger.plan.ingest.neededInstances).toBe(50);
    expect(bigger.totalMonthlyUsd).toBeGreaterThan(base.totalMonthlyUsd);
    expect(ireland.region).toBe('eu-west-1');
    expect(ireland.plan.ingest.desiredInstances).toBe(14);
    expect(ireland.totalMonthlyUsd).not.toBe(base.totalMonthlyUsd);
  });

  test.each([
    [['--env', 'prod', '--region', 'mars-north-1'], 'plan: capacity config "prod": region ("mars-north-1") is not a region with prices: expected one of us-east-1, us-west-2, eu-west-1'],
    [['--env', 'qa'], 'plan: unknown environment "qa": expected one of dev, staging, prod'],
    [['--env', 'prod', '--metrics-per-second=-3'], 'plan: --metrics-per-second "-3" must be a positive number'],
    [['--env', 'prod', '--metrics-per-second', 'lots'], 'plan: --metrics-per-second "lots" must be a positive number'],
    [['--env', 'prod', '--pricing', 'spot'], 'plan: --pricing "spot" is not one of on-demand, reserved-1yr-no-upfront'],
  ])('%j exits 1 with a one-line reason', async (args, message) => {
    const failure = await plan(...args).then(
      () => undefined,
      (err: { code: number; stderr: string; stdout: string }) => err,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr.trim()).toBe(message);
    expect(failure?.stdout).toBe('');
  });
});
