/**
 * The aggregates topic is every InfluxDB node's source: its retention must cover a restore from the
 * latest backup (backup interval + node replacement + restore + reset margin), and the brokers store it.
 */
import { CAPACITY_CONFIGS, ENVIRONMENT_NAMES } from '../../lib/capacity-config';
import { planCapacity } from '../../lib/plan';
import { AGGREGATE_RECORD_BYTES, INFLUX_RESTORE_BYTES_PER_SECOND, RESTORE_RESET_MARGIN_SECONDS } from '../../lib/plan/kafka';
import { SECONDS_PER_DAY, SECONDS_PER_HOUR } from '../../lib/plan/units';
import { configWith } from '../helpers';

describe.each(ENVIRONMENT_NAMES)('%s', (env) => {
  const config = CAPACITY_CONFIGS[env];
  const plan = planCapacity(config);
  const { aggregates } = plan.kafka;

  test('retention covers the backup interval, a node replacement, the restore of its data and the reset margin', () => {
    const rule = aggregates.retentionRule;
    expect(rule.backupIntervalSeconds).toBe(config.backups.intervalDays * SECONDS_PER_DAY);
    expect(rule.nodeReplaceSeconds).toBe(plan.influx.signalTimeoutSeconds);
    expect(rule.restoreSeconds).toBeGreaterThanOrEqual(plan.influx.storedBytesPerNode / INFLUX_RESTORE_BYTES_PER_SECOND);
    expect(rule.resetMarginSeconds).toBe(RESTORE_RESET_MARGIN_SECONDS);
    const needed = rule.backupIntervalSeconds + rule.nodeReplaceSeconds + rule.restoreSeconds + rule.resetMarginSeconds;
    // Whole hours, never short of the rule, at most one hour over it.
    expect(Number.isInteger(aggregates.retentionHours)).toBe(true);
    expect(aggregates.retentionHours * SECONDS_PER_HOUR).toBeGreaterThanOrEqual(needed);
    expect(aggregates.retentionHours * SECONDS_PER_HOUR).toBeLessThan(needed + SECONDS_PER_HOUR);
  });

  test('the topic carries one record per aggregate row and gets one partition per broker', () => {
    expect(aggregates.recordsPerSecond).toBe(plan.influx.aggregateRowsPerSecond);
    expect(aggregates.bytesPerSecond).toBe(plan.influx.aggregateRowsPerSecond * AGGREGATE_RECORD_BYTES);
    expect(plan.kafka.aggregatesTopicPartitions).toBe(plan.kafka.brokers);
  });
});

test('a longer backup interval lengthens the retention and grows the brokers\' retained bytes', () => {
  const weekly = planCapacity(configWith('prod', { backups: { intervalDays: 7 } })).kafka;
  const monthly = planCapacity(configWith('prod', { backups: { intervalDays: 30 } })).kafka;
  expect(monthly.aggregates.retentionHours - weekly.aggregates.retentionHours).toBe(23 * 24);
  expect(monthly.retainedBytesPerBroker - weekly.retainedBytesPerBroker).toBeCloseTo(
    (weekly.aggregates.bytesPerSecond * 23 * SECONDS_PER_DAY * weekly.replicationFactor) / weekly.brokers,
    0,
  );
});
