/** The pure cost diff: rows matched by tier, resource and type; totals, percentages and guardrails. */
import type { CostLine } from '../../lib/pricing/cost-model';
import { diffEnvironmentCost, guardrailViolations, type PricedSide } from '../../lib/review/cost-diff';

const line = (resource: string, type: string, count: number, unitUsd: number, tier: CostLine['tier'] = 'ingest'): CostLine => ({
  tier,
  resource,
  type,
  count,
  unitPriceUsd: unitUsd,
  unit: 'Hrs',
  monthlyQuantity: count * 730,
  monthlyUsd: count * 730 * unitUsd,
  priceKey: `${resource}/${type}`,
});
const side = (...lines: CostLine[]): PricedSide => ({ region: 'us-east-1', pricing: 'on-demand', lines, totalMonthlyUsd: lines.reduce((s, l) => s + l.monthlyUsd, 0) });

test('a type change is one row going to zero and one coming from zero; unchanged rows are marked so', () => {
  const diff = diffEnvironmentCost('prod', side(line('EC2 instances', 'c6i.2xlarge', 12, 0.34), line('NAT gateways', 'nat', 3, 0.045, 'network')), side(line('EC2 instances', 'c6i.xlarge', 12, 0.17), line('NAT gateways', 'nat', 3, 0.045, 'network')));
  expect(diff.rows.map((r) => [r.tier, r.type, r.countBefore, r.countAfter, r.changed])).toEqual([
    ['network', 'nat', 3, 3, false],
    ['ingest', 'c6i.2xlarge', 12, 0, true],
    ['ingest', 'c6i.xlarge', 0, 12, true],
  ]);
  expect(diff.deltaUsd).toBeCloseTo(-12 * 730 * 0.17, 6);
  expect(diff.deltaPercent).toBeCloseTo((diff.deltaUsd / diff.totalMonthlyUsdBefore) * 100, 9);
});

test('float noise under a cent is no change', () => {
  const a = side(line('x', 'a', 3, 0.1), line('y', 'b', 3, 0.2));
  const b = side(line('y', 'b', 3, 0.2), line('x', 'a', 3, 0.1));
  const diff = diffEnvironmentCost('prod', a, b);
  expect(diff.deltaUsd).toBe(0);
  expect(diff.deltaPercent).toBe(0);
  expect(diff.rows.every((r) => !r.changed)).toBe(true);
});

test('a new environment has no percentage, and crosses any percentage guardrail', () => {
  const diff = diffEnvironmentCost('qa', undefined, side(line('EC2 instances', 'c6i.large', 2, 0.085)), ['base has no stacks for qa']);
  expect(diff.deltaPercent).toBeNull();
  const report = { base: 'main', head: 'tree', pricesAsOf: '', environments: [diff] };
  expect(guardrailViolations(report, { failOverPercent: 1000 })).toEqual(['qa: monthly cost rises by a new environment, over --fail-over-percent 1000']);
});

test.each<[{ failOverUsd?: number; failOverPercent?: number }, number]>([
  [{ failOverUsd: 50 }, 1],
  [{ failOverUsd: 100 }, 0],
  [{ failOverPercent: 40 }, 1],
  [{ failOverPercent: 60 }, 0],
  [{}, 0],
])('guardrail %j on a $62.05 (+50 %%) rise: %i violation(s); the decrease beside it never fails', (guardrail, expected) => {
  const up = diffEnvironmentCost('prod', side(line('EC2 instances', 'c6i.large', 2, 0.085)), side(line('EC2 instances', 'c6i.large', 3, 0.085)));
  const down = diffEnvironmentCost('dev', side(line('EC2 instances', 'c6i.large', 3, 0.085)), side(line('EC2 instances', 'c6i.large', 1, 0.085)));
  expect(up.deltaUsd).toBeCloseTo(62.05, 6);
  expect(up.deltaPercent).toBeCloseTo(50, 9);
  expect(guardrailViolations({ base: '', head: '', pricesAsOf: '', environments: [up, down] }, guardrail)).toHaveLength(expected);
});
