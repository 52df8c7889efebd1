/**
 * The contract fixtures (test/fixtures/contracts) are what synthesis writes today: the Flink job's
 * and the ingest service's tests load them, so they must not go stale. Regenerate with
 * `npm run contracts:write` and review the diff.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CAPACITY_CONFIGS, ENVIRONMENT_NAMES } from '../../lib/capacity-config';
import { THRESHOLDS } from '../../lib/plan/thresholds';
import { contractFixtures, CONTRACTS_DIR } from './contract-fixtures';

jest.setTimeout(120_000);

describe.each(ENVIRONMENT_NAMES)('%s', (env) => {
  const fixtures = contractFixtures(CAPACITY_CONFIGS[env]);

  test.each(Object.keys(fixtures))('%s matches synthesis', (file) => {
    expect(readFileSync(join(CONTRACTS_DIR, file), 'utf8')).toEqual(fixtures[file]);
  });

  test('the Flink alert rules carry the CloudWatch alarms’ thresholds and durations', () => {
    const groups = JSON.parse(fixtures[`${env}-flink-properties.json`]) as { PropertyGroupId: string; PropertyMap: Record<string, string> }[];
    const alerts = groups.find((g) => g.PropertyGroupId === 'alerts')!.PropertyMap;
    for (const [rule, threshold] of [['memory', THRESHOLDS.memoryPercent], ['disk', THRESHOLDS.diskPercent], ['cpu', THRESHOLDS.cpuPercent]] as const) {
      expect(alerts[`rule.${rule}.warning`]).toBe(String(threshold.warning.value));
      expect(alerts[`rule.${rule}.warning.for`]).toBe(`${threshold.warning.minutes} min`);
      expect(alerts[`rule.${rule}.critical`]).toBe(String(threshold.critical.value));
      expect(alerts[`rule.${rule}.critical.for`]).toBe(`${threshold.critical.minutes} min`);
    }
    expect(alerts['rule.latency_p99.critical']).toBe(String(THRESHOLDS.p99LatencySeconds.critical.value * 1000));
  });
});
