import type { CapacityConfig } from '../config/schema';
import { HOURS_PER_MONTH } from './units';

/**
 * What the availability target asks of an AZ loss. A month at 99.99 % allows 4.4 minutes of
 * downtime; replacing a lost AZ's instances takes `redundancy.azRecoveryMinutes`. When the budget is
 * shorter than the recovery, the instances left in the other AZs must carry the peak on their own,
 * without launching new ones (static stability), at no more than `redundancy.azLossUtilization` of
 * what they carry at saturation.
 */
export interface RedundancyPlan {
  readonly availabilityTarget: number;
  readonly downtimeBudgetMinutesPerMonth: number;
  readonly azRecoveryMinutes: number;
  readonly staticStabilityRequired: boolean;
  readonly azLossUtilization: number;
}

/** Whether a tier carries its load with one AZ gone, and how. */
export interface AzLossPlan {
  /** Nothing accepted is lost and the tier serves again without operator action. */
  readonly survives: boolean;
  /** It carries the peak with the instances left, without waiting for new ones. */
  readonly staticallyStable: boolean;
  /** Share of saturation the survivors run at, at peak; null where the service places capacity itself. */
  readonly utilizationAfterLoss: number | null;
  readonly detail: string;
}

export function planRedundancy(config: CapacityConfig): RedundancyPlan {
  const r = config.redundancy;
  const downtimeBudgetMinutesPerMonth = (1 - r.availabilityTarget) * HOURS_PER_MONTH * 60;
  return {
    availabilityTarget: r.availabilityTarget,
    downtimeBudgetMinutesPerMonth,
    azRecoveryMinutes: r.azRecoveryMinutes,
    staticStabilityRequired: downtimeBudgetMinutesPerMonth < r.azRecoveryMinutes,
    azLossUtilization: r.azLossUtilization,
  };
}

/** Instances left when the AZ holding the most of `count` (spread evenly, as ASGs and MSK do) is lost. */
export function survivorsOf(count: number, azs: number): number {
  return count - Math.ceil(count / azs);
}

/** The smallest even spread over `azs` AZs that leaves `survivors` instances after losing one AZ. */
export function staticallyStableCount(survivors: number, azs: number): number {
  let count = survivors;
  while (survivorsOf(count, azs) < survivors) count++;
  return count;
}

/** Replicas of one partition or shard left after losing an AZ, replicas spread over the AZs round robin. */
export function replicasLeft(replicationFactor: number, azs: number): number {
  return replicationFactor - Math.ceil(replicationFactor / azs);
}

/** A share as a whole percentage, for the plan's messages. */
export function pct(share: number): string {
  return `${Math.round(share * 100)} %`;
}
