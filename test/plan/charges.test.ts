/**
 * The charges beyond the instances: data transfer to clients by where they sit, inter-AZ flows both
 * ways, ALB access logs under the bucket's lifecycle, CloudWatch, endpoints, public IPv4, keys.
 */
import { CAPACITY_CONFIGS } from '../../lib/capacity-config';
import { planCapacity } from '../../lib/plan';
import { costPlan } from '../../lib/pricing/cost-model';
import { loadPriceSnapshot } from '../../lib/pricing/price-catalog';
import { BYTES_PER_GIB, SECONDS_PER_MONTH } from '../../lib/plan/units';
import { applyWhatIf, telegrafDefaults } from '../../lib/plan/what-if';
import { configWith } from '../helpers';
import { TOPICS } from '../../lib/topics';

const prices = loadPriceSnapshot('us-east-1');
const linesOf = (config = CAPACITY_CONFIGS.prod) => costPlan(planCapacity(config), prices).lines;
const sum = (lines: readonly { monthlyUsd: number }[]) => lines.reduce((s, l) => s + l.monthlyUsd, 0);

describe('data transfer to clients', () => {
  test('the reference workload: ~52 TB of 200 B responses a month, plus TLS and TCP/IP framing, at the tiered internet rates', () => {
    const { transfer } = planCapacity(CAPACITY_CONFIGS.prod);
    // The reference's own figure: 100,000 requests/s x 200 B of response = 52.6 TB a month.
    expect((100_000 * 200 * SECONDS_PER_MONTH) / 1e12).toBeCloseTo(52.56, 2);
    // On the wire each response also carries a 22 B TLS 1.3 record overhead and 52 B of TCP/IP headers.
    expect(transfer.outBytesPerRequest).toBe(200 + 22 + 52);
    const outGB = (100_000 * 274 * SECONDS_PER_MONTH) / BYTES_PER_GIB;
    const out = linesOf().filter((l) => l.resource === 'data transfer out to clients (internet)');
    expect(out.map((l) => l.type)).toEqual(['first-10tb', 'next-40tb', 'next-100tb']);
    expect(out.reduce((s, l) => s + l.monthlyQuantity, 0)).toBeCloseTo(outGB, 6);
    // 10 TB at $0.09, 40 TB at $0.085, the rest at $0.07 (AWS's tiers, GB of 2^30 bytes).
    expect(sum(out)).toBeCloseTo(10_240 * 0.09 + 40_960 * 0.085 + (outGB - 51_200) * 0.07, 6);
    // Responses alone (the issue's ~52 TB) would be $4.2K: the framing is what takes it to $5.5K.
    expect(sum(out)).toBeGreaterThan(4_400);
    expect(sum(out)).toBeLessThan(5_600);
  });

  test('same-region clients over public IPs pay $0.01/GB each way, requests in and responses out', () => {
    const config = configWith('prod', { workload: { clientNetwork: 'same-region' } });
    const { transfer } = planCapacity(config);
    const lines = linesOf(config).filter((l) => l.priceKey === 'transfer/same-region-public');
    expect(lines.map((l) => l.monthlyQuantity)).toEqual([transfer.clientInBytesPerMonth / BYTES_PER_GIB, transfer.clientOutBytesPerMonth / BYTES_PER_GIB]);
    expect(lines.every((l) => l.unitPriceUsd === 0.01)).toBe(true);
    expect(linesOf(config).some((l) => l.resource.startsWith('data transfer out to clients'))).toBe(false);
  });

  test('private clients reach an internal ALB: only the cross-AZ share, both ways, and no ALB public addresses', () => {
    const config = configWith('prod', { workload: { clientNetwork: 'private' } });
    const plan = planCapacity(config);
    expect(plan.network.internetFacingLoadBalancer).toBe(false);
    const lines = linesOf(config);
    const crossAz = lines.find((l) => l.resource === 'client traffic across AZs (internal ALB)')!;
    expect(crossAz.count).toBe(2);
    expect(crossAz.monthlyQuantity).toBeCloseTo((2 * (2 / 3) * (plan.transfer.clientInBytesPerMonth + plan.transfer.clientOutBytesPerMonth)) / BYTES_PER_GIB, 3);
    expect(lines.some((l) => l.tier === 'ingest' && l.resource === 'public IPv4 addresses' && l.type === 'ALB node')).toBe(false);
  });

  test('an unknown client network fails naming the field and the values', () => {
    expect(() => planCapacity(configWith('prod', { workload: { clientNetwork: 'lan' as never } }))).toThrow(
      'capacity config "prod": workload.clientNetwork ("lan") must be one of internet, same-region, private',
    );
  });
});

test('every cross-AZ flow is billed out of one AZ and into the other; MSK replication is not a flow', () => {
  const plan = planCapacity(CAPACITY_CONFIGS.prod);
  const lines = linesOf().filter((l) => l.resource.startsWith('inter-AZ: '));
  expect(lines.map((l) => l.resource)).toEqual(['inter-AZ: ingest → MSK', 'inter-AZ: MSK → Flink', 'inter-AZ: Flink → MSK (aggregates)', 'inter-AZ: MSK → InfluxDB loaders', 'inter-AZ: operators → InfluxDB']);
  const produced = plan.kafka.producedBytesPerSecond * (2 / 3) * SECONDS_PER_MONTH;
  expect(lines[0].monthlyQuantity).toBeCloseTo((2 * produced) / BYTES_PER_GIB, 6);
  expect(lines[0].monthlyUsd).toBeCloseTo(((2 * produced) / BYTES_PER_GIB) * 0.01, 6);
  expect(plan.transfer.crossAzFlows).toHaveLength(5);
  // No Flink sink any more: each node's loader fetches the aggregates topic, RF copies from the leaders.
  const aggregates = plan.kafka.aggregates.bytesPerSecond * (2 / 3) * SECONDS_PER_MONTH;
  expect(lines[2].monthlyQuantity).toBeCloseTo((2 * aggregates) / BYTES_PER_GIB, 6);
  expect(lines[3].monthlyQuantity).toBeCloseTo((2 * aggregates * 3) / BYTES_PER_GIB, 6);
});

test('ALB access logs: one line per request, compressed, kept for the expiration plus the noncurrent days of the versioned bucket', () => {
  const { observability: o, transfer } = planCapacity(CAPACITY_CONFIGS.prod);
  expect(o.accessLogs.linesPerMonth).toBe(transfer.averageRequestsPerSecond * SECONDS_PER_MONTH);
  const line = linesOf().find((l) => l.resource === 'ALB access logs (S3 Standard)')!;
  expect(line.monthlyQuantity).toBeCloseTo((o.accessLogs.linesPerMonth * 80 * (90 + 7)) / (730 / 24) / BYTES_PER_GIB, 3);
  // Batching 1,000 metrics per request cuts the lines (and the bill) 1,000-fold.
  const batched = linesOf(configWith('prod', { workload: { metricsPerRequest: 1_000 } })).find((l) => l.resource === 'ALB access logs (S3 Standard)')!;
  expect(batched.monthlyUsd).toBeCloseTo(line.monthlyUsd / 1_000, 6);
});

test('CloudWatch: alarms by metric, the dashboard, detailed monitoring and agent metrics per instance, MSK and Flink levels, logs at retention', () => {
  const plan = planCapacity(CAPACITY_CONFIGS.prod);
  const lines = linesOf();
  const get = (resource: string, type: string, tier?: string) => lines.find((l) => l.resource === resource && l.type === type && (!tier || l.tier === tier))!;
  // 8 ingest + 3 (5xx-rate math over 3 metrics) + 6 per-node CPU + 4 InfluxDB + 2 per broker disk + 1 Flink + 2 scaling + 7 Grafana.
  expect(get('CloudWatch alarms', 'alarm metric').count).toBe(31 + 2 * plan.kafka.brokers);
  expect(get('CloudWatch dashboards', 'dashboard').monthlyUsd).toBe(3);
  expect(get('CloudWatch metrics', 'detailed monitoring', 'ingest').count).toBe(plan.ingest.desiredInstances * 7);
  expect(get('CloudWatch metrics', 'agent', 'ingest').count).toBe(plan.ingest.desiredInstances * 2 + 2);
  // InfluxDB: memory, disk, CPU by instance and CPU by Node per node; memory, disk and CPU per tier.
  expect(get('CloudWatch metrics', 'agent', 'influx').count).toBe(plan.influx.nodeCount * 4 + 3);
  // Grafana: memory and disk, per host and per tier.
  expect(get('CloudWatch metrics', 'agent', 'grafana').count).toBe(plan.grafana.instances * 2 + 2);
  expect(get('CloudWatch metrics', 'MSK PER_TOPIC_PER_BROKER').count).toBe(
    // 50 per broker and 5 per topic per broker; our topics plus __consumer_offsets.
    plan.kafka.brokers * (50 + (Object.keys(TOPICS).length + 1) * 5),
  );
  expect(plan.observability.logGroups.map((g) => g.retentionDays)).toEqual([30, 30, 30, 30, 30, 30]);
  const flow = get('log storage: VPC flow logs', 'CloudWatch Logs');
  const ingested = plan.observability.logGroups[0].ingestedBytesPerMonth;
  expect(flow.monthlyQuantity).toBeCloseTo((ingested * 0.15 * 30) / (730 / 24) / BYTES_PER_GIB, 6);
});

test('endpoints per AZ-hour, public IPv4 for NAT and ALB nodes, KMS keys and the secret', () => {
  const lines = linesOf();
  const endpoints = lines.find((l) => l.resource === 'VPC interface endpoints')!;
  expect(endpoints).toMatchObject({ count: 5 * 3, monthlyQuantity: 15 * 730, unitPriceUsd: 0.01 });
  const ipv4 = lines.filter((l) => l.resource === 'public IPv4 addresses');
  // Grafana's ALB is internet-facing in prod: its operator CIDR (192.0.2.0/24) is not a private range.
  expect(ipv4.map((l) => [l.tier, l.type, l.count])).toEqual([['network', 'elastic IP', 3], ['ingest', 'ALB node', 3], ['grafana', 'ALB node', 3]]);
  expect(lines.filter((l) => l.resource === 'KMS keys').reduce((s, l) => s + l.count, 0)).toBe(7);
  // The ingest API keys, the InfluxDB admin, loader and reader users, Grafana's admin and database.
  const secrets = lines.filter((l) => l.resource === 'Secrets Manager secrets');
  expect(secrets.map((l) => [l.tier, l.count])).toEqual([['ingest', 1], ['influx', 3], ['grafana', 2]]);
  expect(sum(secrets)).toBeCloseTo(6 * 0.4, 9);
});

test('the InfluxDB read NLB: hours and the NLCUs of its assumed read load, at the NLB prices', () => {
  const lines = linesOf();
  const hours = lines.find((l) => l.tier === 'influx' && l.resource === 'load balancer')!;
  expect(hours).toMatchObject({ type: 'network', count: 1, monthlyQuantity: 730, unitPriceUsd: 0.0225 });
  const nlcu = lines.find((l) => l.tier === 'influx' && l.type === 'NLCU')!;
  // 100 kB/s of query responses = 0.36 GB an hour (the largest dimension: 1 new connection/s is 1/800, 50 active 1/2,000).
  expect(nlcu.count).toBeCloseTo((100_000 * 3600) / BYTES_PER_GIB, 9);
  expect(nlcu).toMatchObject({ monthlyQuantity: nlcu.count * 730, unitPriceUsd: 0.006 });
});

test('every line names its usage assumption and the source of its price', () => {
  for (const line of linesOf()) {
    expect({ line: line.resource, assumption: (line.assumption ?? '').length > 5 }).toEqual({ line: line.resource, assumption: true });
    expect(line.priceSource).toMatch(/^https:\/\/aws\.amazon\.com\/.* \(\d{4}-\d{2}-\d{2}\)/);
  }
});

describe('what-ifs', () => {
  test('gzip shrinks the request bytes on the wire, and with them the ALB’s processed bytes', () => {
    const plain = planCapacity(configWith('prod', { workload: { metricsPerRequest: 100, bytesPerMetric: 60 } }));
    const gzip = planCapacity(configWith('prod', { workload: { metricsPerRequest: 100, bytesPerMetric: 60, requestCompression: 'gzip' } }));
    // 18 B of gzip framing + 60 B x (0.6 + 99 x 0.1) = 648 B instead of 6,000 B.
    expect(gzip.transfer.inBytesPerRequest).toBe(648 + 22 + 52);
    expect(plain.transfer.inBytesPerRequest).toBe(6_000 + 22 + 5 * 52);
    expect(gzip.loadBalancer.processedBytesPerSecond).toBeCloseTo(1_000 * (648 + 200), 6);
  });

  test('Telegraf’s defaults: a 10 s flush sends 100 of the 1,000-point batch at 10 metrics/s, gzip, line protocol', () => {
    const w = applyWhatIf(CAPACITY_CONFIGS.prod, telegrafDefaults(CAPACITY_CONFIGS.prod)).workload;
    expect(w).toMatchObject({ metricsPerRequest: 100, requestCompression: 'gzip', bytesPerMetric: 60 });
    expect(applyWhatIf(CAPACITY_CONFIGS.prod, telegrafDefaults(CAPACITY_CONFIGS.prod, true)).workload.metricsPerRequest).toBe(1_000);
    expect(applyWhatIf(CAPACITY_CONFIGS.prod, { clientNetwork: 'private' }).workload.clientNetwork).toBe('private');
  });
});
