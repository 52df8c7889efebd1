/**
 * Everything the HTML plan report shows, as plain data: the plan's cost by tier and by resource,
 * its machine counts, and the what-if curve with the tiers' step-ups. Pure; the page embeds it as
 * JSON and its script draws the charts from it, so a test can compare what is drawn with the plan.
 */
import type { CapacityConfig } from '../../config/schema';
import { planCapacity } from '../../plan';
import { costPlan, TIERS, type Tier } from '../../pricing/cost-model';
import type { PriceSnapshot } from '../../pricing/price-catalog';
import { batchingComparison, type BatchingRow } from '../batching';
import { COUNTED_TIER_NAMES, COUNTED_TIERS, logSpaced, tierSteps, whatIfCurve, type CountedTier, type CurvePoint, type TierStep } from './what-if-curve';

export interface PlanPageData {
  readonly environment: string;
  readonly region: string;
  readonly pricing: string;
  readonly pricesAsOf: string;
  readonly averageMetricsPerSecond: number;
  readonly peakMetricsPerSecond: number;
  readonly totalMonthlyUsd: number;
  readonly costPerMillionMetricsUsd: number;
  readonly monthlyUsdByTier: readonly { readonly tier: Tier; readonly monthlyUsd: number }[];
  readonly lines: readonly { readonly tier: Tier; readonly resource: string; readonly type: string; readonly count: number; readonly monthlyQuantity: number; readonly unit: string; readonly unitPriceUsd: number; readonly monthlyUsd: number; readonly assumption: string; readonly priceSource: string }[];
  readonly instances: readonly { readonly tier: CountedTier; readonly label: string; readonly type: string; readonly count: number; readonly detail: string }[];
  /** The configured workload beside Telegraf's defaults (lib/report/batching.ts). */
  readonly batching: readonly BatchingRow[];
  readonly curve: { readonly from: number; readonly to: number; readonly points: readonly CurvePoint[]; readonly steps: readonly TierStep[] };
}

export const CURVE_FROM = 10_000;
export const CURVE_TO = 1_000_000;
export const CURVE_POINTS = 41;

export function planPageData(config: CapacityConfig, prices: PriceSnapshot): PlanPageData {
  const plan = planCapacity(config);
  const cost = costPlan(plan, prices);
  const points = whatIfCurve(config, logSpaced(CURVE_FROM, CURVE_TO, CURVE_POINTS), prices);
  return {
    environment: plan.environment,
    region: plan.region,
    pricing: cost.pricing,
    pricesAsOf: prices.generatedAt,
    averageMetricsPerSecond: plan.workload.averageMetricsPerSecond,
    peakMetricsPerSecond: plan.workload.peakMetricsPerSecond,
    totalMonthlyUsd: cost.totalMonthlyUsd,
    costPerMillionMetricsUsd: cost.costPerMillionMetricsUsd,
    monthlyUsdByTier: TIERS.filter((tier) => cost.lines.some((l) => l.tier === tier)).map((tier) => ({ tier, monthlyUsd: cost.monthlyUsdByTier[tier] })),
    lines: cost.lines.map(({ tier, resource, type, count, monthlyQuantity, unit, unitPriceUsd, monthlyUsd, assumption, priceSource }) => ({ tier, resource, type, count, monthlyQuantity, unit, unitPriceUsd, monthlyUsd, assumption: assumption ?? '', priceSource: pageText(priceSource ?? '') })),
    instances: COUNTED_TIER_NAMES.map((tier) => ({ tier, label: COUNTED_TIERS[tier].label, count: COUNTED_TIERS[tier].count(plan), ...instanceDetail(tier, plan) })),
    batching: batchingComparison(config, prices),
    curve: { from: CURVE_FROM, to: CURVE_TO, points, steps: tierSteps(config, points) },
  };
}

/** Sources without their scheme: the page is self-contained and links to nothing. */
function pageText(source: string): string {
  return source.replace(/https?:\/\//g, '');
}

function instanceDetail(tier: CountedTier, plan: ReturnType<typeof planCapacity>): { type: string; detail: string } {
  switch (tier) {
    case 'ingest':
      return { type: plan.ingest.instanceType, detail: `${plan.ingest.neededInstances} needed + ${plan.ingest.spareInstances} spare; ASG ${plan.ingest.minInstances}..${plan.ingest.maxInstances}` };
    case 'kafka':
      return { type: plan.kafka.brokerInstanceType, detail: `${plan.kafka.partitions} partitions, RF ${plan.kafka.replicationFactor}, ${plan.kafka.storagePerBrokerGiB} GiB per broker` };
    case 'flink':
      return { type: 'KPU', detail: `parallelism ${plan.flink.parallelism}, ${plan.flink.parallelismPerKpu} per KPU, ${plan.flink.kpus} + 1 orchestration` };
    case 'influx':
      return { type: plan.influx.instanceType, detail: `${plan.influx.shards} shard(s) x RF ${plan.influx.replicationFactor}, disk ${plan.influx.diskUsePercent.toFixed(1)} %` };
  }
}
