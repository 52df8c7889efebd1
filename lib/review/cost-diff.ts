/**
 * The cost diff: each side priced from what its templates declare (resourceItemsFromTemplates) plus
 * what its plan says is billed by use (usageItemsFromPlan), then compared line by line. Pure: the
 * stacks, plans and price snapshot come in as values.
 */
import type { CapacityPlan } from '../plan';
import { byTier, ec2Term, priceItems, type CostLine, type Tier } from '../pricing/cost-model';
import type { PriceSnapshot } from '../pricing/price-catalog';
import { resourceItemsFromTemplates, templateUsageFromPlan, type SynthesizedStack } from '../pricing/template-items';
import { usageItemsFromPlan } from '../pricing/billable-items';

export interface PricedSide {
  readonly region: string;
  readonly pricing: string;
  readonly lines: readonly CostLine[];
  readonly totalMonthlyUsd: number;
}

/** Prices one environment of one side: template counts + the plan's usage lines. */
export function priceSide(stacks: readonly SynthesizedStack[], plan: CapacityPlan, prices: PriceSnapshot): PricedSide {
  const items = [...resourceItemsFromTemplates(stacks, ec2Term(plan.pricing), templateUsageFromPlan(plan)), ...usageItemsFromPlan(plan)];
  const lines = priceItems(byTier(items), prices);
  return { region: plan.region, pricing: plan.pricing, lines, totalMonthlyUsd: lines.reduce((sum, l) => sum + l.monthlyUsd, 0) };
}

export interface CostDiffRow {
  readonly tier: Tier;
  readonly resource: string;
  readonly type: string;
  /** Unit of the quantities: Hrs, GB-Mo, ... */
  readonly unit: string;
  readonly countBefore: number;
  readonly countAfter: number;
  /** Billed units per month, so a resized volume shows although its count does not move. */
  readonly quantityBefore: number;
  readonly quantityAfter: number;
  readonly monthlyUsdBefore: number;
  readonly monthlyUsdAfter: number;
  readonly deltaUsd: number;
}

export interface EnvironmentCostDiff {
  readonly environment: string;
  readonly region: string;
  readonly pricing: string;
  /** Every line of either side, in tier order; `changed` tells which ones moved. */
  readonly rows: readonly (CostDiffRow & { readonly changed: boolean })[];
  readonly totalMonthlyUsdBefore: number;
  readonly totalMonthlyUsdAfter: number;
  readonly deltaUsd: number;
  /** Change relative to the base total; null when the base costs nothing (new environment). */
  readonly deltaPercent: number | null;
  /** Caveats: an environment missing on one side, usage lines borrowed from the other side's plan. */
  readonly notes: readonly string[];
}

export interface CostDiffReport {
  readonly base: string;
  readonly head: string;
  readonly pricesAsOf: string;
  readonly environments: readonly EnvironmentCostDiff[];
}

/** Pennies: sums of float prices differ in the last bits; a change under a cent is no change. */
const EPSILON_USD = 0.005;

export function diffEnvironmentCost(environment: string, base: PricedSide | undefined, head: PricedSide | undefined, notes: readonly string[] = []): EnvironmentCostDiff {
  const rows = new Map<string, CostDiffRow>();
  const key = (l: CostLine) => `${l.tier}|${l.resource}|${l.type}`;
  const add = (line: CostLine, side: 'before' | 'after') => {
    const k = key(line);
    const row = rows.get(k) ?? {
      tier: line.tier,
      resource: line.resource,
      type: line.type,
      unit: line.unit,
      countBefore: 0,
      countAfter: 0,
      quantityBefore: 0,
      quantityAfter: 0,
      monthlyUsdBefore: 0,
      monthlyUsdAfter: 0,
      deltaUsd: 0,
    };
    const next =
      side === 'before'
        ? { ...row, countBefore: row.countBefore + line.count, quantityBefore: row.quantityBefore + line.monthlyQuantity, monthlyUsdBefore: row.monthlyUsdBefore + line.monthlyUsd }
        : { ...row, countAfter: row.countAfter + line.count, quantityAfter: row.quantityAfter + line.monthlyQuantity, monthlyUsdAfter: row.monthlyUsdAfter + line.monthlyUsd };
    rows.set(k, { ...next, deltaUsd: next.monthlyUsdAfter - next.monthlyUsdBefore });
  };
  for (const line of base?.lines ?? []) add(line, 'before');
  for (const line of head?.lines ?? []) add(line, 'after');
  const before = base?.totalMonthlyUsd ?? 0;
  const after = head?.totalMonthlyUsd ?? 0;
  const delta = after - before;
  return {
    environment,
    region: (head ?? base)?.region ?? '',
    pricing: (head ?? base)?.pricing ?? '',
    rows: byTier([...rows.values()]).map((row) => ({
      ...row,
      changed: Math.abs(row.deltaUsd) >= EPSILON_USD || row.countBefore !== row.countAfter || Math.abs(row.quantityAfter - row.quantityBefore) > 1e-9 * Math.max(1, row.quantityBefore),
    })),
    totalMonthlyUsdBefore: before,
    totalMonthlyUsdAfter: after,
    deltaUsd: Math.abs(delta) < EPSILON_USD ? 0 : delta,
    deltaPercent: before > 0 ? (Math.abs(delta) < EPSILON_USD ? 0 : (delta / before) * 100) : null,
    notes,
  };
}

export interface CostGuardrail {
  /** Fail when an environment's monthly cost rises by more than this many dollars. */
  readonly failOverUsd?: number;
  /** Fail when an environment's monthly cost rises by more than this percentage. */
  readonly failOverPercent?: number;
}

/** One message per environment whose increase crosses a guardrail; decreases never fail. */
export function guardrailViolations(report: CostDiffReport, guardrail: CostGuardrail): string[] {
  const violations: string[] = [];
  for (const env of report.environments) {
    if (guardrail.failOverUsd !== undefined && env.deltaUsd > guardrail.failOverUsd) {
      violations.push(`${env.environment}: monthly cost rises by $${env.deltaUsd.toFixed(2)}, over --fail-over ${guardrail.failOverUsd}`);
    }
    // A new environment (no base cost) is an infinite rise: it crosses any percentage.
    const percent = env.deltaPercent ?? (env.deltaUsd > 0 ? Infinity : 0);
    if (guardrail.failOverPercent !== undefined && percent > guardrail.failOverPercent) {
      violations.push(`${env.environment}: monthly cost rises by ${Number.isFinite(percent) ? `${percent.toFixed(1)} %` : 'a new environment'}, over --fail-over-percent ${guardrail.failOverPercent}`);
    }
  }
  return violations;
}
