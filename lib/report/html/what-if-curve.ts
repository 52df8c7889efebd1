/**
 * The what-if curve of the plan report: plan and price an environment at a range of load levels
 * (metrics/s, log-spaced) and find where each tier steps up. Pure: config and prices in, points out.
 * Load levels the plan rejects (CapacityConfigError: a disk over 80 %, too many partitions per
 * broker, ...) become gaps that carry the reason, not failures.
 */
import type { CapacityConfig } from '../../config/schema';
import { CapacityConfigError, planCapacity, type CapacityPlan } from '../../plan';
import { applyWhatIf } from '../../plan/what-if';
import { costPlan, TIERS, type Tier } from '../../pricing/cost-model';
import type { PriceSnapshot } from '../../pricing/price-catalog';

/** The tiers whose machine count the curve follows, and how a plan counts them. */
export const COUNTED_TIERS = {
  ingest: { label: 'ingest instances', count: (p: CapacityPlan) => p.ingest.desiredInstances },
  kafka: { label: 'MSK brokers', count: (p: CapacityPlan) => p.kafka.brokers },
  flink: { label: 'Flink KPUs (billed)', count: (p: CapacityPlan) => p.flink.billedKpus },
  influx: { label: 'InfluxDB nodes', count: (p: CapacityPlan) => p.influx.nodeCount },
} as const;
export type CountedTier = keyof typeof COUNTED_TIERS;
export const COUNTED_TIER_NAMES = Object.keys(COUNTED_TIERS) as CountedTier[];

export type CurvePoint =
  | {
      readonly metricsPerSecond: number;
      readonly valid: true;
      readonly totalMonthlyUsd: number;
      readonly monthlyUsdByTier: Readonly<Record<Tier, number>>;
      readonly counts: Readonly<Record<CountedTier, number>>;
    }
  | { readonly metricsPerSecond: number; readonly valid: false; readonly reason: string };

export interface TierStep {
  readonly tier: CountedTier;
  /** Lowest load (metrics/s, in whole monitored servers) at which the count is above `from`. */
  readonly metricsPerSecond: number;
  readonly from: number;
  readonly to: number;
}

/** `count` load levels from `from` to `to`, evenly spaced on a log scale, rounded to 3 significant digits. */
export function logSpaced(from: number, to: number, count: number): number[] {
  if (!(from > 0 && to > from && count >= 2)) throw new Error(`logSpaced: need 0 < from < to and count >= 2 (got ${from}, ${to}, ${count})`);
  const step = Math.log10(to / from) / (count - 1);
  return Array.from({ length: count }, (_, i) => Number((from * 10 ** (step * i)).toPrecision(3)));
}

/** The plan at one load level, or the reason the config cannot carry it. */
export function planAt(config: CapacityConfig, metricsPerSecond: number): CapacityPlan | CapacityConfigError {
  try {
    return planCapacity(applyWhatIf(config, { metricsPerSecond }));
  } catch (err) {
    if (err instanceof CapacityConfigError) return err;
    throw err;
  }
}

export function whatIfCurve(config: CapacityConfig, loads: readonly number[], prices: PriceSnapshot): CurvePoint[] {
  return loads.map((metricsPerSecond) => {
    const plan = planAt(config, metricsPerSecond);
    if (plan instanceof CapacityConfigError) return { metricsPerSecond, valid: false, reason: plan.message };
    const cost = costPlan(plan, prices);
    const counts = Object.fromEntries(COUNTED_TIER_NAMES.map((t) => [t, COUNTED_TIERS[t].count(plan)])) as Record<CountedTier, number>;
    return { metricsPerSecond, valid: true, totalMonthlyUsd: cost.totalMonthlyUsd, monthlyUsdByTier: { ...cost.monthlyUsdByTier }, counts };
  });
}

/**
 * Where each tier's count rises between neighbouring valid points, located exactly by bisection on
 * the load (the plan is monotonic in load). The curve's resolution bounds how many steps show: a
 * tier that steps several times between two points shows its first step, `to` being the count at
 * the upper point.
 */
export function tierSteps(config: CapacityConfig, curve: readonly CurvePoint[]): TierStep[] {
  const steps: TierStep[] = [];
  const perServer = config.workload.metricsPerServerPerSecond;
  for (let i = 1; i < curve.length; i++) {
    const lower = curve[i - 1];
    const upper = curve[i];
    if (!lower.valid || !upper.valid) continue;
    for (const tier of COUNTED_TIER_NAMES) {
      if (upper.counts[tier] <= lower.counts[tier]) continue;
      // Bisect on whole servers: applyWhatIf rounds the load up to one, so that is the resolution.
      let low = Math.ceil(lower.metricsPerSecond / perServer);
      let high = Math.ceil(upper.metricsPerSecond / perServer);
      while (high - low > 1) {
        const mid = Math.floor((low + high) / 2);
        const plan = planAt(config, mid * perServer);
        if (!(plan instanceof CapacityConfigError) && COUNTED_TIERS[tier].count(plan) > lower.counts[tier]) high = mid;
        else low = mid;
      }
      steps.push({ tier, metricsPerSecond: high * perServer, from: lower.counts[tier], to: upper.counts[tier] });
    }
  }
  return steps.sort((a, b) => a.metricsPerSecond - b.metricsPerSecond || TIERS.indexOf(a.tier) - TIERS.indexOf(b.tier));
}
