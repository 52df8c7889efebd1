/** The what-if curve's pure parts: load levels, gaps for configs the plan rejects, exact step-ups. */
import { CAPACITY_CONFIGS } from '../../lib/capacity-config';
import { planCapacity } from '../../lib/plan';
import { applyWhatIf } from '../../lib/plan/what-if';
import { loadPriceSnapshot } from '../../lib/pricing/price-catalog';
import { logSpaced, tierSteps, whatIfCurve } from '../../lib/report/html/what-if-curve';
import { configWith } from '../helpers';

const prices = loadPriceSnapshot('us-east-1');

test('logSpaced: ends included, evenly spaced in log, 3 significant digits', () => {
  expect(logSpaced(10_000, 1_000_000, 5)).toEqual([10_000, 31_600, 100_000, 316_000, 1_000_000]);
  expect(() => logSpaced(0, 10, 3)).toThrow(/0 < from < to/);
});

test('loads the config cannot carry are gaps carrying the plan’s reason, not failures', () => {
  const curve = whatIfCurve(configWith('prod', { kafka: { brokers: 6 } }), [100_000, 1_000_000], prices);
  expect(curve[0].valid).toBe(true);
  expect(curve[1]).toMatchObject({ metricsPerSecond: 1_000_000, valid: false, reason: expect.stringMatching(/^capacity config "prod": kafka\.brokers \(6\) cannot carry/) });
});

test('each step is the first whole server at which the tier’s count rises', () => {
  const prod = CAPACITY_CONFIGS.prod;
  const brokers = (mps: number) => planCapacity(applyWhatIf(prod, { metricsPerSecond: mps })).kafka.brokers;
  // Three brokers carry 3 x per-broker replica writes at RF 3, within the 85 % an AZ loss allows:
  // the step is one server past that load.
  const lastLoadOnThree = prod.kafka.recordsPerSecondPerBroker.value * prod.redundancy.azLossUtilization;
  const curve = whatIfCurve(prod, [lastLoadOnThree / 2, lastLoadOnThree * 1.5], prices);
  const steps = tierSteps(prod, curve).filter((s) => s.tier === 'kafka');
  const perServer = prod.workload.metricsPerServerPerSecond;
  expect(steps).toEqual([{ tier: 'kafka', metricsPerSecond: lastLoadOnThree + perServer, from: 3, to: 6 }]);
  expect([brokers(lastLoadOnThree), brokers(lastLoadOnThree + perServer)]).toEqual([3, 6]);
});
