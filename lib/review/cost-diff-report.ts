/**
 * Builds the cost diff report of two review sides: per environment, each side's templates priced
 * with its own plan's usage lines, then compared. Pure given the sides and a price lookup.
 */
import type { CapacityPlan } from '../plan';
import type { PriceSnapshot } from '../pricing/price-catalog';
import { diffEnvironmentCost, priceSide, type CostDiffReport, type PricedSide } from './cost-diff';
import type { ReviewSide } from './review-side';

/**
 * Both sides are priced with the head's price snapshot, so the diff is what the change deploys, not
 * a price refresh (`npm run plan` shows prices).
 */
export function buildCostDiffReport(base: ReviewSide, head: ReviewSide, pricesFor: (region: string) => PriceSnapshot, environments?: readonly string[]): CostDiffReport {
  const envs = environments ?? union(base.stacksByEnv.keys(), head.stacksByEnv.keys());
  let pricesAsOf = '';
  const result = envs.map((env) => {
    const notes: string[] = [];
    const side = (which: ReviewSide, name: 'base' | 'head', other: ReviewSide): PricedSide | undefined => {
      const stacks = which.stacksByEnv.get(env);
      if (!stacks?.length) {
        notes.push(`${name} (${which.label}) has no stacks for ${env}`);
        return undefined;
      }
      let plan: CapacityPlan | undefined = which.plansByEnv?.get(env);
      if (!plan) {
        plan = other.plansByEnv?.get(env);
        if (!plan) throw new Error(`no capacity plan for ${env} on either side: usage lines (ALB LCUs, inter-AZ traffic, backups) cannot be priced`);
        notes.push(`${name} has no plan of its own (synthesized templates only): its usage lines (ALB LCUs, inter-AZ traffic, backups) are the other side's`);
      }
      const prices = pricesFor(plan.region);
      pricesAsOf = prices.generatedAt;
      return priceSide(stacks, plan, prices);
    };
    const before = side(base, 'base', head);
    const after = side(head, 'head', base);
    return diffEnvironmentCost(env, before, after, notes);
  });
  return { base: base.label, head: head.label, pricesAsOf, environments: result };
}

/** Environments in the order dev, staging, prod (then any others), from both sides. */
function union(...lists: Iterable<string>[]): string[] {
  const order = ['dev', 'staging', 'prod'];
  const all = [...new Set(lists.flatMap((l) => [...l]))];
  return all.sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99) || a.localeCompare(b));
}
