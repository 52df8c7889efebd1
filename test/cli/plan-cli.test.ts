import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { MEASURED } from '../../lib/config/measured';

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
    expect(stdout).toMatch(/ingest\s+EC2 instances\s+c6i\.2xlarge\s+14\s+10,220\s+Hrs\s+\$0\.34\s+\$3,474\.80/);
    expect(stdout).toMatch(/influx\s+EC2 instances\s+i3\.2xlarge\s+3\s+2,190\s+Hrs\s+\$0\.624/);
    expect(stdout).toMatch(/MSK brokers\s+kafka\.m5\.xlarge\s+6\s+4,380\s+Hrs\s+\$0\.42/);
    // Per tier, whether it carries the loss of an AZ.
    expect(stdout).toContain('az loss: 99.99 % = 4.4 min/month of downtime, under the 10 min to replace an AZ');
    expect(stdout).toMatch(/ingest: carried: 9 of 14 instances left carry the peak at 78 % CPU \(limit 85 %\)/);
    expect(stdout).toMatch(/flink:\s+recovers: /);
    expect(stdout).toMatch(/Flink KPUs \(incl\. orchestration\)\s+KPU\s+13\s+9,490\s+Hrs\s+\$0\.11/);
    // The charges beyond the instances, each with its usage assumption.
    expect(stdout).toMatch(/data transfer out to clients \(internet\)\s+next-40tb\s+1\s+40,960\s+GB\s+\$0\.085\s+\$3,481\.60\s+\S/);
    expect(stdout).toMatch(/ALB access logs \(S3 Standard\).*kept 90 days \+ 7 days as noncurrent versions/);
    expect(stdout).toMatch(/cost per million metrics: \$0\.0\d+/);
  });

  test('--json has the documented fields, and the lines add up to the total', async () => {
    const { stdout } = await plan('--env', 'prod', '--json');
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ environment: 'prod', region: 'us-east-1' });
    for (const line of report.lines) {
      expect(Object.keys(line)).toEqual(expect.arrayContaining(['tier', 'resource', 'type', 'count', 'unitPriceUsd', 'unit', 'monthlyUsd', 'assumption', 'priceSource']));
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

  test('what-ifs: batching, gzip and the client network change the LCUs, the bytes out, the access logs and the fleet', async () => {
    const [base, batched, telegraf, sameRegion] = (
      await Promise.all([
        plan('--env', 'prod', '--json'),
        plan('--env', 'prod', '--json', '--metrics-per-request', '1000', '--compression', 'gzip'),
        plan('--env', 'prod', '--json', '--telegraf'),
        plan('--env', 'prod', '--json', '--client-network', 'same-region'),
      ])
    ).map(({ stdout }) => JSON.parse(stdout));
    const usd = (r: { lines: { resource: string; monthlyUsd: number }[] }, part: string) => r.lines.filter((l) => l.resource.includes(part)).reduce((s, l) => s + l.monthlyUsd, 0);
    expect(batched.plan.transfer.averageRequestsPerSecond).toBe(100);
    expect(batched.plan.transfer.requestCompression).toBe('gzip');
    expect(batched.plan.loadBalancer.lcus).toBeLessThan(base.plan.loadBalancer.lcus / 10);
    expect(usd(batched, 'access logs')).toBeCloseTo(usd(base, 'access logs') / 1000, 6);
    expect(batched.plan.ingest.neededInstances).toBe(1);
    // Telegraf flushes every 10 s: 10 metrics/s per server -> 100 points per request, gzip.
    expect(telegraf.plan.transfer.averageRequestsPerSecond).toBe(1_000);
    expect(telegraf.plan.transfer.clientOutBytesPerMonth).toBeCloseTo(base.plan.transfer.clientOutBytesPerMonth / 100, 0);
    expect(sameRegion.plan.transfer.clientNetwork).toBe('same-region');
    expect(usd(sameRegion, 'data transfer out to clients')).toBe(0);
    expect(usd(sameRegion, 'public IPs, same region')).toBeGreaterThan(0);
  });

  test('--compare prints the plan beside its alternatives, and --json the same figures', async () => {
    const [{ stdout: text }, { stdout: json }] = await Promise.all([plan('--env', 'prod', '--compare'), plan('--env', 'prod', '--compare', '--json')]);
    for (const name of ['as configured', 'Graviton', 'MSK Express brokers', 'i4i for InfluxDB', '1-year reserved EC2', 'Compute Savings Plan']) expect(text).toContain(name);
    expect(text).toMatch(/ec2\/c7g\.2xlarge\/on-demand \$0\.289\/Hrs — https:\/\/aws\.amazon\.com\/ec2\/pricing\/on-demand\/ \(\d{4}-\d{2}-\d{2}\); seeded, confidence medium/);
    const report = JSON.parse(json);
    expect(report.alternatives).toHaveLength(6);
    expect(report.alternatives.every((a: { totalMonthlyUsd: number | null }) => a.totalMonthlyUsd !== null)).toBe(true);
  });

  test.each([
    [['--env', 'prod', '--metrics-per-request', '0'], 'plan: --metrics-per-request "0" must be a positive integer'],
    [['--env', 'prod', '--compression', 'zstd'], 'plan: --compression "zstd" is not one of none, gzip'],
    [['--env', 'prod', '--client-network', 'lan'], 'plan: --client-network "lan" is not one of internet, same-region, private'],
    [['--env', 'prod', '--region', 'mars-north-1'], 'plan: capacity config "prod": region ("mars-north-1") is not a region with prices: expected one of us-east-1, us-west-2, eu-west-1'],
    [['--env', 'qa'], 'plan: unknown environment "qa": expected one of dev, staging, prod'],
    [['--env', 'prod', '--metrics-per-second=-3'], 'plan: --metrics-per-second "-3" must be a positive number'],
    [['--env', 'prod', '--metrics-per-second', 'lots'], 'plan: --metrics-per-second "lots" must be a positive number'],
    [['--env', 'prod', '--pricing', 'spot'], 'plan: --pricing "spot" is not one of on-demand, reserved-1yr-no-upfront, compute-savings-plan-1yr-no-upfront'],
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
