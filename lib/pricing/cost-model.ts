/**
 * The cost model: a pure function from billable items and a price snapshot to monthly lines. Each
 * line is count x quantity per unit x unit price, with the quantity in the price list's own unit,
 * so a reviewer can recompute any line from the table.
 */
import type { PricingModel } from '../config/schema';
import type { CapacityPlan } from '../plan';
import { HOURS_PER_MONTH, SECONDS_PER_HOUR } from '../plan/units';
import { resourceItemsFromPlan, TIERS, usageItemsFromPlan, type BillableItem, type Tier } from './billable-items';
import { priceOf, type PriceSnapshot } from './price-catalog';

export { ec2Term, TIERS, type Tier } from './billable-items';

export interface CostLine {
  readonly tier: Tier;
  readonly resource: string;
  readonly type: string;
  readonly count: number;
  readonly unitPriceUsd: number;
  /** Price-list unit of `unitPriceUsd`. */
  readonly unit: string;
  /** Billed units per month across all `count` resources. */
  readonly monthlyQuantity: number;
  readonly monthlyUsd: number;
  readonly priceKey: string;
  /** The usage assumption behind the quantity. */
  readonly assumption?: string;
  /** Where the unit price comes from: the snapshot entry's source and date, and its confidence note. */
  readonly priceSource?: string;
}

export interface CostReport {
  readonly environment: string;
  readonly region: string;
  readonly pricing: PricingModel;
  readonly lines: readonly CostLine[];
  readonly monthlyUsdByTier: Readonly<Record<Tier, number>>;
  readonly totalMonthlyUsd: number;
  /** Average metrics per month, in millions. */
  readonly millionMetricsPerMonth: number;
  readonly costPerMillionMetricsUsd: number;
  readonly prices: { readonly generatedAt: string; readonly refreshedFromApi: boolean };
}

export function priceItems(items: readonly BillableItem[], prices: PriceSnapshot): CostLine[] {
  return items.map((item) => {
    const price = priceOf(prices, item.priceKey);
    const monthlyQuantity = item.count * item.quantityPerUnit;
    return {
      tier: item.tier,
      resource: item.resource,
      type: item.type,
      count: item.count,
      unitPriceUsd: price.usd,
      unit: price.unit,
      monthlyQuantity,
      monthlyUsd: monthlyQuantity * price.usd,
      priceKey: item.priceKey,
      ...(item.assumption ? { assumption: item.assumption } : {}),
      priceSource: `${price.source} (${price.asOf})${price.note ? `; ${price.note}` : ''}`,
    };
  });
}

/** Totals, per-tier subtotals and the cost per million metrics of priced lines. */
export function costReport(plan: CapacityPlan, lines: readonly CostLine[], prices: PriceSnapshot, pricing: PricingModel): CostReport {
  const monthlyUsdByTier = Object.fromEntries(TIERS.map((tier) => [tier, 0])) as Record<Tier, number>;
  for (const line of lines) monthlyUsdByTier[line.tier] += line.monthlyUsd;
  const totalMonthlyUsd = lines.reduce((sum, line) => sum + line.monthlyUsd, 0);
  const millionMetricsPerMonth = (plan.workload.averageMetricsPerSecond * HOURS_PER_MONTH * SECONDS_PER_HOUR) / 1e6;
  return {
    environment: plan.environment,
    region: plan.region,
    pricing,
    lines,
    monthlyUsdByTier,
    totalMonthlyUsd,
    millionMetricsPerMonth,
    costPerMillionMetricsUsd: totalMonthlyUsd / millionMetricsPerMonth,
    prices: { generatedAt: prices.generatedAt, refreshedFromApi: Object.values(prices.prices).every((e) => e.refreshedFromApi) },
  };
}

/** Prices the plan; `pricing` overrides the plan's pricing model (EC2 reserved vs on-demand). */
export function costPlan(plan: CapacityPlan, prices: PriceSnapshot, pricing: PricingModel = plan.pricing): CostReport {
  const lines = priceItems(byTier([...resourceItemsFromPlan(plan, pricing), ...usageItemsFromPlan(plan)]), prices);
  return costReport(plan, lines, prices, pricing);
}

/** Items in tier order (network, ingest, kafka, flink, influx), keeping their order within a tier. */
export function byTier<T extends { readonly tier: Tier }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => TIERS.indexOf(a.tier) - TIERS.indexOf(b.tier));
}
