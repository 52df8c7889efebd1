import { CAPACITY_CONFIGS } from '../../lib/capacity-config';
import { planCapacity } from '../../lib/plan';
import { replicasLeft, staticallyStableCount, survivorsOf } from '../../lib/plan/redundancy';
import { configWith } from '../helpers';

describe('an AZ loss at 99.99 % is carried by the instances left (static stability)', () => {
  const plan = planCapacity(CAPACITY_CONFIGS.prod);
  // The reference's 10,000 req/s per c6i.2xlarge is planned at the 70 % scale-out CPU, so an
  // instance saturates at 10,000 / 0.7; survivors may run at 85 % of that.
  const survivorCapacity = (10_000 / 0.7) * 0.85;

  test('99.99 % leaves 4.4 minutes a month, under the 10 minutes replacing an AZ takes', () => {
    expect(plan.redundancy.downtimeBudgetMinutesPerMonth).toBeCloseTo(4.38, 2);
    expect(plan.redundancy.staticStabilityRequired).toBe(true);
  });

  test('prod ingest: 14 over 3 AZs (10 needed + 4 spares) leave 9 that carry 100,000 req/s at <= 85 % CPU', () => {
    expect(plan.ingest).toMatchObject({ neededInstances: 10, spareInstances: 4, desiredInstances: 14, minInstances: 14, azLossSurvivorsNeeded: 9 });
    expect(survivorsOf(14, 3)).toBe(9);
    expect(9 * survivorCapacity).toBeGreaterThanOrEqual(100_000);
    expect(plan.ingest.azLoss).toMatchObject({ survives: true, staticallyStable: true });
    expect(plan.ingest.azLoss.utilizationAfterLoss).toBeCloseTo(100_000 / 9 / (10_000 / 0.7), 6);
  });

  test('the reference’s 10 + 2 would not: 12 lose 4, and 8 left carry less than the peak at 85 %', () => {
    expect(survivorsOf(12, 3)).toBe(8);
    expect(8 * survivorCapacity).toBeLessThan(100_000);
    // 13 is uneven (5/4/4): losing the AZ of 5 leaves 8 as well.
    expect(survivorsOf(13, 3)).toBe(8);
    expect(staticallyStableCount(9, 3)).toBe(14);
    expect(staticallyStableCount(8, 3)).toBe(12);
    expect(staticallyStableCount(1, 2)).toBe(2);
  });

  test('a target whose budget outlasts the recovery keeps the configured spares, and says the AZ loss waits for new instances', () => {
    const relaxed = planCapacity(configWith('prod', { redundancy: { availabilityTarget: 0.999 } }));
    expect(relaxed.redundancy.staticStabilityRequired).toBe(false);
    expect(relaxed.ingest).toMatchObject({ neededInstances: 10, spareInstances: 2, desiredInstances: 12 });
    expect(relaxed.ingest.azLoss).toMatchObject({ survives: false, staticallyStable: false });
    expect(relaxed.ingest.azLoss.detail).toMatch(/8 of 12 instances left would need 88 % CPU, over 85 %/);
    expect(relaxed.warnings.filter((w) => w.id === 'static-stability')).toEqual([]);
  });

  test('a lower AZ-loss utilization asks for more instances', () => {
    const strict = planCapacity(configWith('prod', { redundancy: { azLossUtilization: 0.7 } }));
    // 100,000 / (14,286 x 0.7) = 10 survivors -> 15 over 3 AZs.
    expect(strict.ingest.desiredInstances).toBe(15);
  });

  test('kafka: brokers keep min ISR with an AZ gone and write at <= 85 % of their capacity: 6 x kafka.m5.xlarge', () => {
    expect(replicasLeft(3, 3)).toBe(2);
    expect(plan.kafka.brokers).toBe(6);
    expect(plan.kafka.azLoss).toMatchObject({ survives: true, staticallyStable: true });
    expect(plan.kafka.utilizationAtPeak).toBeCloseTo(300_000 / (6 * 100_000), 6);
  });

  test('kafka: 3 pinned brokers at 100 % of their write capacity fail the target', () => {
    expect(() => planCapacity(configWith('prod', { kafka: { brokers: 3 } }))).toThrow(
      /kafka\.brokers \(3\) run at 100 % of their write capacity, which the survivors of an AZ loss carry too, over the 85 % redundancy\.azLossUtilization/,
    );
  });

  test('kafka: min ISR 3 at RF 3 cannot be met with an AZ gone: fails at 99.99 %, stated at 99.9 %', () => {
    expect(() => planCapacity(configWith('prod', { kafka: { minInSyncReplicas: 3 } }))).toThrow(
      /kafka\.minInSyncReplicas \(3\) cannot be met with one AZ gone: RF 3 over 3 AZs leaves 2 replica\(s\) per partition/,
    );
    const relaxed = planCapacity(configWith('prod', { redundancy: { availabilityTarget: 0.999 }, kafka: { minInSyncReplicas: 3 } }));
    expect(relaxed.kafka.azLoss).toMatchObject({ survives: false, staticallyStable: false });
  });

  test('influx: one replica per AZ keeps every shard, each loaded on its own; a single replica fails the target', () => {
    expect(plan.influx.azLoss).toMatchObject({ survives: true, staticallyStable: true, utilizationAfterLoss: plan.influx.writeUtilization });
    expect(plan.influx.azLoss.detail).toMatch(/^2 of 3 replicas of every shard left .* each loading the aggregates topic on its own: writes go on/);
    expect(() => planCapacity(configWith('prod', { influx: { replicationFactor: 1 } }))).toThrow(
      /influx\.replicationFactor \(1\) loses every copy of a shard with its AZ/,
    );
    // More nodes than AZs: replica r sits in AZ r mod AZs, so RF 2 over 3 AZs still leaves one replica of each shard.
    const sharded = planCapacity(configWith('prod', { influx: { shards: 2, replicationFactor: 2 } }));
    expect(sharded.influx.azLoss).toMatchObject({ survives: true, staticallyStable: true });
    expect(sharded.warnings.filter((w) => w.tier === 'influx')).toEqual([]);
  });

  test('flink cannot be statically stable here: the plan warns, naming the field', () => {
    expect(plan.flink.azLoss).toMatchObject({ survives: true, staticallyStable: false, utilizationAfterLoss: null });
    expect(plan.warnings.filter((w) => w.id === 'static-stability').map((w) => `${w.tier} ${w.field}`)).toEqual(['flink redundancy.availabilityTarget']);
  });
});

describe('redundancy fields are validated', () => {
  test.each([
    [{ availabilityTarget: 1 }, /redundancy\.availabilityTarget \(1\) must be a share between 0 and 1/],
    [{ azLossUtilization: 1.2 }, /redundancy\.azLossUtilization \(1\.2\) must be in \(0, 1\]/],
    [{ azRecoveryMinutes: 0 }, /redundancy\.azRecoveryMinutes \(0\) must be greater than 0/],
  ])('%o', (redundancy, message) => {
    expect(() => planCapacity(configWith('prod', { redundancy }))).toThrow(message);
  });
});
