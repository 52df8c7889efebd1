import { CAPACITY_CONFIGS, ENVIRONMENT_NAMES } from '../../lib/capacity-config';
import { MEASURED } from '../../lib/config/measured';
import { planCapacity } from '../../lib/plan';
import { SMT_DERATE, capacityEntries, measuredPlanningValue, translateMeasurement, withMeasuredCapacities } from '../../lib/plan/measurements';
import { applyWhatIf } from '../../lib/plan/what-if';

test.each(ENVIRONMENT_NAMES)('%s: each capacity entry is the config field its key names, and --capacity measured writes each back by name', (env) => {
  const config = CAPACITY_CONFIGS[env];
  const field = (c: object, path: string): unknown => path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], c);
  const measured = withMeasuredCapacities(config);
  for (const [path, entry] of Object.entries(capacityEntries(config))) {
    expect(entry.path).toBe(path);
    expect(field(config, path)).toBe(entry.capacity);
    expect((field(measured, path) as { value: number }).value).toBeCloseTo(measuredPlanningValue(entry), 9);
  }
});

describe.each(ENVIRONMENT_NAMES)('%s: every capacity stands on a measurement', (env) => {
  const entries = capacityEntries(CAPACITY_CONFIGS[env]);

  test.each(Object.values(entries).map((e) => [e.path, e] as const))('%s', (_path, entry) => {
    const { capacity } = entry;
    // At the share of saturation the plan runs it (ingest: the scale-out CPU), SMT-derated.
    const measured = measuredPlanningValue(entry);
    // A throughput may be planned below what we measured (a margin), never above; a size the other way.
    if (entry.kind === 'throughput') expect({ planned: capacity.value, atMostMeasured: capacity.value <= measured, measured }).toMatchObject({ atMostMeasured: true });
    else expect({ planned: capacity.value, atLeastMeasured: capacity.value >= measured, measured }).toMatchObject({ atLeastMeasured: true });
    expect(capacity.measured.command).toMatch(/^(taskset -c \d+ )?(npm run |bash )/); // pinned to a core where the figure is per vCPU
    expect(capacity.measured.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(capacity.measured.machine.length).toBeGreaterThan(10);
    expect(capacity.source.length).toBeGreaterThan(10);
  });
});

test('per-vcpu measurements scale with the planned type’s vCPUs, each a hyperthread worth 0.6 of a benchmark core', () => {
  const m = MEASURED.kafkaRecords; // 2 cores
  expect(SMT_DERATE).toBe(0.6);
  expect(translateMeasurement(m, 'kafka.m5.xlarge')).toBeCloseTo((m.value / 2) * 4 * 0.6, 6);
  // 2 benchmark cores against 2 hyperthreads: the same vCPU count carries less.
  expect(translateMeasurement(m, 'kafka.m5.large')).toBeCloseTo(m.value * 0.6, 6);
  expect(() => translateMeasurement(m)).toThrow('needs the instance type');
});

test('a Flink slot gets the KPU’s one vCPU (a hyperthread), shared by the slots of the KPU', () => {
  expect(translateMeasurement(MEASURED.flinkSlot)).toBeCloseTo(41_548 * 0.6, 6);
  expect(translateMeasurement(MEASURED.flinkSlot, undefined, 2)).toBeCloseTo(41_548 * 0.6 / 2, 6);
});

test('ingest is planned at the ASG’s scale-out CPU, not at saturation', () => {
  const prod = CAPACITY_CONFIGS.prod;
  const ingest = capacityEntries(prod)['ingest.requestsPerSecondPerInstance'];
  expect(ingest.plannedAt).toBe(0.7);
  // The 2-core figure / 2 x 8 vCPU x 0.6 SMT x 70 % per c6i.2xlarge (23,810 -> 40,000.8 requests/s).
  const perVcpuAtSaturation = (MEASURED.ingestRequests.value / 2) * 0.6;
  expect(measuredPlanningValue(ingest)).toBeCloseTo(perVcpuAtSaturation * 8 * 0.7, 6);
  const lowerThreshold = capacityEntries({ ...prod, ingest: { ...prod.ingest, scaleOutCpuPercent: 50 } })['ingest.requestsPerSecondPerInstance'];
  expect(measuredPlanningValue(lowerThreshold)).toBeCloseTo(perVcpuAtSaturation * 8 * 0.5, 6);
});

test('--capacity measured plans at the translated measurements and says the rule', () => {
  const measured = withMeasuredCapacities(CAPACITY_CONFIGS.prod);
  expect(measured.kafka.recordsPerSecondPerBroker.value).toBeCloseTo((MEASURED.kafkaRecords.value / 2) * 4 * 0.6, 6);
  expect(measured.influx.bytesPerStoredValue.value).toBe(MEASURED.influxStoredBytes.value);
  expect(measured.ingest.requestsPerSecondPerInstance.value).toBeCloseTo((MEASURED.ingestRequests.value / 2) * 8 * 0.6 * 0.7, 6);
  expect(measured.ingest.requestsPerSecondPerInstance.source).toContain(`${MEASURED.ingestRequests.value.toLocaleString('en-US')} on 2 cores / 2 x 8 vCPU (c6i.2xlarge) x 0.6 SMT x 70 % (the ASG scale-out CPU)`);
  expect(measured.flink.pointsPerSecondPerSlot.source).toContain('41,548 per slot x 0.6 SMT / 1 slot(s) per KPU');
  // Same rules, other inputs: the what-if flag goes through the same function.
  const plan = planCapacity(applyWhatIf(CAPACITY_CONFIGS.prod, { capacity: 'measured' }));
  expect(plan.ingest.neededInstances).toBe(Math.ceil(100_000 / measured.ingest.requestsPerSecondPerInstance.value));
});

test('the ingest measurement is capacity by CPU per request: cores x 10^6 / the service µs per request it states', () => {
  const m = MEASURED.ingestRequests;
  const us = Number(/from ([0-9.]+) µs service CPU per request/.exec(m.unit)?.[1]);
  expect(us).toBeGreaterThan(0);
  expect(m.value).toBe(Math.round((m.cores * 1e6) / us));
});

test('Kafka bytes per point are planned from the production-shape measurement, not bulk batches', () => {
  const shape = MEASURED.kafkaStoredBytesProductionShape;
  expect(shape.command).toMatch(/^npm run bench:kafka-shape/);
  // At prod's per-worker rate the batches are small: far more bytes per point than bulk batches.
  expect(shape.value).toBeGreaterThan(MEASURED.kafkaStoredBytes.value);
  for (const env of ENVIRONMENT_NAMES) {
    const planned = CAPACITY_CONFIGS[env].kafka.storedBytesPerRecord;
    expect({ env, measured: planned.measured }).toEqual({ env, measured: shape });
    expect(planned.value).toBeGreaterThanOrEqual(shape.value);
  }
});
