/**
 * The service's default per-key rate limits come from the plan (ingest.keyRateLimit) through the ingest
 * stack, and do not refuse the traffic the plan expects: the service's own limiter, fed the planned
 * per-instance peak on one key (prod has one generated key), admits all of it.
 */
import { CAPACITY_CONFIGS, ENVIRONMENT_NAMES } from '../lib/capacity-config';
import { planCapacity } from '../lib/plan';
import { KeyRateLimiter, type RateLimits } from '../services/ingest/src/rate-limit';
import { synthesizeStage } from './stacks/synth';

/**
 * Simulated seconds of one worker's traffic: `requestsPerSecond` evenly spaced requests of
 * `pointsPerRequest` points on one key through the limiter of one of `workers` workers. Returns the share refused.
 */
function refusedShare(limits: RateLimits, workers: number, requestsPerSecond: number, pointsPerRequest: number, seconds = 10): number {
  const limiter = new KeyRateLimiter(limits, workers);
  const key = { id: 'the-one-key' };
  const n = Math.round(requestsPerSecond * seconds);
  let refused = 0;
  for (let i = 0; i < n; i++) {
    const now = (i / requestsPerSecond) * 1000;
    if (limiter.takeRequest(key, now) > 0 || limiter.takePoints(key, pointsPerRequest, now) > 0) refused++;
  }
  return refused / n;
}

describe.each(ENVIRONMENT_NAMES)('%s', (env) => {
  const plan = planCapacity(CAPACITY_CONFIGS[env]);
  const { ingest, workload } = plan;
  const limits = ingest.keyRateLimit;
  const pointsPerRequest = workload.peakMetricsPerSecond / workload.peakRequestsPerSecond;
  const workers = ingest.workersPerInstance;

  test('the planned peak per instance on one key gets no 429, also with the spares gone and one worker at 1.5x its share', () => {
    const planned = ingest.requestsPerSecondPerInstanceAtPeak / workers;
    const sparesLost = workload.peakRequestsPerSecond / ingest.neededInstances / workers;
    expect(refusedShare(limits, workers, planned, pointsPerRequest)).toBe(0);
    expect(refusedShare(limits, workers, sparesLost, pointsPerRequest)).toBe(0);
    expect(refusedShare(limits, workers, sparesLost * 1.5, pointsPerRequest)).toBe(0);
  });

  test('the limit still limits: a key at 3x the planned peak is refused', () => {
    const sparesLost = workload.peakRequestsPerSecond / ingest.neededInstances / workers;
    expect(refusedShare(limits, workers, sparesLost * 3, pointsPerRequest)).toBeGreaterThan(0.2);
  });
});

test("prod: the planned peak per instance, most of which the service's built-in default (1,000) refused", () => {
  const { ingest, workload } = planCapacity(CAPACITY_CONFIGS.prod);
  // 100,000 requests/s over the desired fleet: ~7,100 per instance with 14, ~8,300 with the reference's 12.
  expect(ingest.requestsPerSecondPerInstanceAtPeak).toBeCloseTo(workload.peakRequestsPerSecond / ingest.desiredInstances, 6);
  const builtIn = { requestsPerSecondPerInstance: 1000, pointsPerSecondPerInstance: 100_000 };
  const pointsPerRequest = workload.peakMetricsPerSecond / workload.peakRequestsPerSecond;
  const refused = refusedShare(builtIn, ingest.workersPerInstance, ingest.requestsPerSecondPerInstanceAtPeak / ingest.workersPerInstance, pointsPerRequest);
  expect(refused).toBeGreaterThan(0.8);
  expect(refused).toBeCloseTo(1 - 1000 / ingest.requestsPerSecondPerInstanceAtPeak, 1);
  expect(ingest.keyRateLimit).toEqual({ requestsPerSecondPerInstance: 20_000, pointsPerSecondPerInstance: 20_000, headroom: 2 });
});

test('the ingest stack hands the plan’s limits to the service', () => {
  const { stage, templates } = synthesizeStage(CAPACITY_CONFIGS.prod);
  const userData = JSON.stringify(Object.values(templates.Ingest.findResources('AWS::EC2::LaunchTemplate'))[0].Properties.LaunchTemplateData.UserData);
  const { keyRateLimit } = stage.plan.ingest;
  expect(userData).toContain(`Environment=INGEST_RATE_REQUESTS_PER_SEC=${keyRateLimit.requestsPerSecondPerInstance}\\n`);
  expect(userData).toContain(`Environment=INGEST_RATE_POINTS_PER_SEC=${keyRateLimit.pointsPerSecondPerInstance}\\n`);
}, 120_000);
