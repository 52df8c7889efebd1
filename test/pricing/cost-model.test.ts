import { CAPACITY_CONFIGS } from '../../lib/capacity-config';
import { planCapacity } from '../../lib/plan';
import { HOURS_PER_MONTH } from '../../lib/plan/units';
import { costPlan } from '../../lib/pricing/cost-model';
import { loadPriceSnapshot, priceOf, type PriceSnapshot } from '../../lib/pricing/price-catalog';
import { configWith } from '../helpers';

const usEast1 = loadPriceSnapshot('us-east-1');

function line(report: ReturnType<typeof costPlan>, resource: string, tier?: string) {
  const found = report.lines.find((l) => l.resource === resource && (tier === undefined || l.tier === tier));
  if (!found) throw new Error(`no line "${resource}"`);
  return found;
}

describe('us-east-1 unit prices the design cross-checks', () => {
  test.each([
    ['ec2/c6i.2xlarge/on-demand', 0.34],
    ['ec2/i3.2xlarge/on-demand', 0.624],
    ['msk/kafka.m5.xlarge/broker', 0.42],
    ['flink/kpu', 0.11],
  ])('%s = $%d/h', (key, usd) => {
    expect(priceOf(usEast1, key)).toMatchObject({ usd, unit: 'Hrs', region: 'us-east-1' });
  });
});

describe('the prod cost', () => {
  const plan = planCapacity(CAPACITY_CONFIGS.prod);
  const report = costPlan(plan, usEast1);

  test('every line is count x quantity x unit price', () => {
    for (const l of report.lines) {
      expect(l.monthlyUsd).toBeCloseTo(l.monthlyQuantity * l.unitPriceUsd, 9);
    }
    expect(report.totalMonthlyUsd).toBeCloseTo(report.lines.reduce((s, l) => s + l.monthlyUsd, 0), 9);
    expect(Object.values(report.monthlyUsdByTier).reduce((a, b) => a + b, 0)).toBeCloseTo(report.totalMonthlyUsd, 9);
  });

  test('instances and brokers are priced per hour over a 730-hour month', () => {
    expect(line(report, 'EC2 instances')).toMatchObject({ type: 'c6i.2xlarge', count: 14, monthlyQuantity: 14 * HOURS_PER_MONTH });
    expect(line(report, 'EC2 instances').monthlyUsd).toBeCloseTo(14 * 730 * 0.34, 6);
    expect(line(report, 'EC2 instances', 'influx').monthlyUsd).toBeCloseTo(3 * 730 * 0.624, 6);
    expect(line(report, 'MSK brokers').monthlyUsd).toBeCloseTo(6 * 730 * 0.42, 6);
  });

  test('Flink bills the job KPUs plus one orchestration KPU, and 50 GB running storage per job KPU', () => {
    expect(line(report, 'Flink KPUs (incl. orchestration)')).toMatchObject({ count: 13 });
    expect(line(report, 'Flink KPUs (incl. orchestration)').monthlyUsd).toBeCloseTo(13 * 730 * 0.11, 6);
    expect(line(report, 'Flink running storage').monthlyQuantity).toBe(12 * 50);
  });

  test('ALB LCUs follow the plan’s traffic, MSK storage its broker volumes', () => {
    expect(line(report, 'load balancer capacity units').count).toBe(plan.loadBalancer.lcus);
    expect(line(report, 'load balancer capacity units').monthlyUsd).toBeCloseTo(plan.loadBalancer.lcus * 730 * 0.008, 6);
    expect(line(report, 'MSK broker storage').monthlyQuantity).toBe(6 * plan.kafka.storagePerBrokerGiB);
  });

  test('cost per million metrics divides the total by the month’s average metrics', () => {
    const millions = (100_000 * 730 * 3600) / 1e6;
    expect(report.millionMetricsPerMonth).toBe(millions);
    expect(report.costPerMillionMetricsUsd).toBeCloseTo(report.totalMonthlyUsd / millions, 12);
  });
});

describe('reserved pricing', () => {
  test('uses the reserved-term price of each EC2 type, and leaves MSK and Flink on-demand', () => {
    const plan = planCapacity(configWith('prod', { pricing: 'reserved-1yr-no-upfront' }));
    const reserved = costPlan(plan, usEast1);
    const onDemand = costPlan(plan, usEast1, 'on-demand');
    const ri = priceOf(usEast1, 'ec2/c6i.2xlarge/reserved-1yr-no-upfront').usd;
    expect(line(reserved, 'EC2 instances').unitPriceUsd).toBe(ri);
    expect(ri).toBeLessThan(0.34);
    expect(line(reserved, 'MSK brokers').monthlyUsd).toBe(line(onDemand, 'MSK brokers').monthlyUsd);
    expect(line(reserved, 'Flink KPUs (incl. orchestration)').monthlyUsd).toBe(line(onDemand, 'Flink KPUs (incl. orchestration)').monthlyUsd);
    expect(reserved.totalMonthlyUsd).toBeLessThan(onDemand.totalMonthlyUsd);
  });
});

describe('prices come from the snapshot, not from constants', () => {
  test('doubling one unit price doubles exactly the lines that use it', () => {
    const plan = planCapacity(CAPACITY_CONFIGS.prod);
    const base = costPlan(plan, usEast1);
    const key = 'msk/kafka.m5.xlarge/broker';
    const doubled: PriceSnapshot = { ...usEast1, prices: { ...usEast1.prices, [key]: { ...usEast1.prices[key], usd: 0.84 } } };
    const after = costPlan(plan, doubled);
    expect(after.totalMonthlyUsd - base.totalMonthlyUsd).toBeCloseTo(line(base, 'MSK brokers').monthlyUsd, 6);
  });

  test('a missing price fails naming the key and region', () => {
    const { ['flink/kpu']: _dropped, ...rest } = usEast1.prices;
    expect(() => costPlan(planCapacity(CAPACITY_CONFIGS.prod), { ...usEast1, prices: rest })).toThrow('no price "flink/kpu" in the us-east-1 snapshot');
  });
});
