import { ENVIRONMENT_NAMES } from '../../lib/capacity-config';
import { planCapacity, type CapacityPlan } from '../../lib/plan';
import { applyWhatIf } from '../../lib/plan/what-if';
import { costPlan } from '../../lib/pricing/cost-model';
import { loadPriceSnapshot } from '../../lib/pricing/price-catalog';
import { CAPACITY_CONFIGS } from '../../lib/capacity-config';

/** Every count in a plan that must never shrink when load grows. */
function counts(plan: CapacityPlan): Record<string, number> {
  return {
    ingestDesired: plan.ingest.desiredInstances,
    ingestMax: plan.ingest.maxInstances,
    brokers: plan.kafka.brokers,
    // What the brokers must hold, not the provisioned GiB: each broker's volume is rounded up to a 10 GiB
    // step, so 3 x 710 GiB can become 6 x 350 GiB when the broker count doubles.
    brokerRetainedBytesTotal: plan.kafka.brokers * plan.kafka.retainedBytesPerBroker,
    partitions: plan.kafka.partitions,
    parallelism: plan.flink.parallelism,
    kpus: plan.flink.billedKpus,
    influxNodes: plan.influx.nodeCount,
    lcus: plan.loadBalancer.lcus,
  };
}

describe.each(ENVIRONMENT_NAMES)('%s: more load never yields fewer instances or a lower cost', (env) => {
  test('metrics/s from 1,000 to 1,000,000', () => {
    const prices = loadPriceSnapshot(CAPACITY_CONFIGS[env].region);
    // Geometric steps plus off-by-one neighbours around each, where rounding rules bite.
    const rates = [1_000, 2_500, 9_999, 10_000, 10_001, 33_333, 50_000, 99_999, 100_000, 100_001, 250_000, 500_000, 749_999, 1_000_000];
    let previous: { counts: Record<string, number>; cost: number; rate: number } | undefined;
    for (const rate of rates) {
      const plan = planCapacity(applyWhatIf(CAPACITY_CONFIGS[env], { metricsPerSecond: rate }));
      const current = { counts: counts(plan), cost: costPlan(plan, prices).totalMonthlyUsd, rate };
      if (previous) {
        for (const [name, value] of Object.entries(current.counts)) {
          expect({ rate, name, value: value >= previous.counts[name] }).toEqual({ rate, name, value: true });
        }
        expect(current.cost).toBeGreaterThanOrEqual(previous.cost);
      }
      previous = current;
    }
  });
});
