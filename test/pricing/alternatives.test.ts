/** `npm run plan -- --compare`: each alternative planned through the same validation and priced from the snapshot. */
import { CAPACITY_CONFIGS } from '../../lib/capacity-config';
import { planCapacity } from '../../lib/plan';
import { planMskExpress } from '../../lib/plan/msk-express';
import { BYTES_PER_GIB, SECONDS_PER_HOUR, SECONDS_PER_MONTH } from '../../lib/plan/units';
import { compareAlternatives } from '../../lib/pricing/alternatives';
import { costPlan } from '../../lib/pricing/cost-model';
import { loadPriceSnapshot } from '../../lib/pricing/price-catalog';
import { configWith } from '../helpers';

const prices = loadPriceSnapshot('us-east-1');
const usd = (key: string) => prices.prices[key].usd;
const prod = compareAlternatives(CAPACITY_CONFIGS.prod, prices);
const byName = (name: string) => prod.alternatives.find((a) => a.name === name)!;

test('the baseline is the plan’s own cost', () => {
  expect(prod.baseline.totalMonthlyUsd).toBeCloseTo(costPlan(planCapacity(CAPACITY_CONFIGS.prod), prices).totalMonthlyUsd, 6);
});

const plan = planCapacity(CAPACITY_CONFIGS.prod);
const { desiredInstances: ingestInstances } = plan.ingest;
const { brokers } = plan.kafka;

test('Graviton: c7g.2xlarge for every c6i.2xlarge and kafka.m7g.xlarge for every kafka.m5.xlarge, nothing else', () => {
  const expected = ingestInstances * 730 * (usd('ec2/c7g.2xlarge/on-demand') - usd('ec2/c6i.2xlarge/on-demand')) + brokers * 730 * (usd('msk/kafka.m7g.xlarge/broker') - usd('msk/kafka.m5.xlarge/broker'));
  expect(byName('Graviton').deltaUsd).toBeCloseTo(expected, 6);
});

test('i4i for InfluxDB: 3 i4i.2xlarge for i3.2xlarge, which still hold the data within the disk warning', () => {
  expect(byName('i4i for InfluxDB').deltaUsd).toBeCloseTo(3 * 730 * (usd('ec2/i4i.2xlarge/on-demand') - usd('ec2/i3.2xlarge/on-demand')), 6);
  expect(planCapacity(configWith('prod', { influx: { instanceType: 'i4i.2xlarge' } })).influx.diskUsePercent).toBeLessThan(80);
});

test('reserved and Savings Plans price only the EC2 hours differently', () => {
  expect(byName('1-year reserved EC2').totalMonthlyUsd).toBeCloseTo(costPlan(plan, prices, 'reserved-1yr-no-upfront').totalMonthlyUsd, 6);
  const ec2 = (term: string) =>
    ingestInstances * 730 * usd(`ec2/c6i.2xlarge/${term}`) + plan.influx.nodeCount * 730 * usd(`ec2/i3.2xlarge/${term}`) + plan.grafana.instances * 730 * usd(`ec2/t3.medium/${term}`);
  expect(byName('Compute Savings Plan').deltaUsd).toBeCloseTo(ec2('compute-savings-plan-1yr-no-upfront') - ec2('on-demand'), 6);
});

test('MSK Express: brokers by throughput in sets of 3, storage and data in by the GB, replacing brokers and EBS', () => {
  const bytesPerSecond = plan.kafka.producedBytesPerSecond;
  const express = (3 * 730 * usd('msk/express.m7g.large/broker')) + ((bytesPerSecond * 24 * SECONDS_PER_HOUR) / BYTES_PER_GIB) * usd('msk/express/storage') + ((bytesPerSecond * SECONDS_PER_MONTH) / BYTES_PER_GIB) * usd('msk/express/data-in');
  const provisioned = brokers * 730 * usd('msk/kafka.m5.xlarge/broker') + brokers * plan.kafka.storagePerBrokerGiB * usd('msk/storage');
  expect(byName('MSK Express brokers').deltaUsd).toBeCloseTo(express - provisioned, 6);
  // 1,000,000 metrics/s x the planned bytes per point in, over 15 MB/s per express.m7g.large, in sets of 3.
  const bigger = configWith('prod', { workload: { monitoredServers: 100_000 } });
  const mbps = (1_000_000 * CAPACITY_CONFIGS.prod.kafka.storedBytesPerRecord.value) / 1e6;
  expect(planMskExpress(bigger, planCapacity(bigger).workload).brokers).toBe(Math.ceil(Math.ceil(mbps / 15) / 3) * 3);
});

test('an alternative the config cannot take fails its validation by name: Express needs 3 AZs', () => {
  const dev = compareAlternatives(CAPACITY_CONFIGS.dev, prices).alternatives.find((a) => a.name === 'MSK Express brokers')!;
  expect(dev).toMatchObject({ totalMonthlyUsd: null, failure: 'capacity config "dev": availabilityZones (2) must be 3 for MSK Express brokers, which always replicate over 3 AZs' });
});

test('every price an alternative adds names its source, date and confidence', () => {
  const added = prod.alternatives.flatMap((a) => a.prices);
  expect(added.length).toBeGreaterThan(5);
  for (const p of added) {
    expect(p.source).toMatch(/^https:\/\/aws\.amazon\.com\/.* \(\d{4}-\d{2}-\d{2}\)$/);
    expect(p.note).toMatch(/confidence (high|medium|low)/);
  }
});
