import { CAPACITY_CONFIGS } from '../../lib/capacity-config';
import { planCapacity } from '../../lib/plan';
import { costPlan } from '../../lib/pricing/cost-model';
import { loadPriceSnapshot } from '../../lib/pricing/price-catalog';
import { ORCHESTRATION_KPUS, RUNNING_STORAGE_GB_PER_KPU } from '../../lib/plan/flink';
import { BROKER_STORAGE_STEP_GIB } from '../../lib/plan/kafka';
import { BYTES_PER_GB, BYTES_PER_GIB, SECONDS_PER_DAY, SECONDS_PER_MONTH } from '../../lib/plan/units';
import { configWith } from '../helpers';

describe('the prod plan reproduces the reference document', () => {
  const plan = planCapacity(CAPACITY_CONFIGS.prod);

  test('ingest: ceil(100,000 / 10,000) = 10 instances needed; the AZ-loss rule makes the spares 4 (reference: 2), ASG max 20', () => {
    expect(plan.workload.peakRequestsPerSecond).toBe(100_000);
    expect(plan.ingest).toMatchObject({ instanceType: 'c6i.2xlarge', neededInstances: 10, minInstances: 14, desiredInstances: 14, maxInstances: 20 });
    expect(plan.ingest.requestsPerSecondPerInstanceAtPeak).toBeCloseTo(7_142.86, 2);
  });

  test('kafka: 6 x kafka.m5.xlarge (reference: 3; the AZ-loss rule), replication 3, 12 partitions', () => {
    expect(plan.kafka).toMatchObject({ brokerInstanceType: 'kafka.m5.xlarge', brokers: 6, replicationFactor: 3, partitions: 12 });
  });

  test('flink: parallelism 12, one KPU per slot plus the orchestration KPU', () => {
    expect(plan.flink).toMatchObject({ parallelism: 12, parallelismPerKpu: 1, kpus: 12, billedKpus: 13 });
  });

  test('influx: 1 shard x replication 3 = 3 x i3.2xlarge', () => {
    expect(plan.influx).toMatchObject({ instanceType: 'i3.2xlarge', shards: 1, replicationFactor: 3, nodeCount: 3 });
    // One replica per AZ: each AZ holds a full copy.
    expect(plan.influx.nodes).toEqual([
      { shard: 0, replica: 0, az: 0 },
      { shard: 0, replica: 1, az: 1 },
      { shard: 0, replica: 2, az: 2 },
    ]);
  });

  test('the layout: shard-major, replica r of every shard in AZ r mod AZs', () => {
    const two = planCapacity(configWith('prod', { influx: { shards: 2, replicationFactor: 4 } })).influx;
    expect(two.nodes.map(({ shard, replica, az }) => `${shard}/${replica}@${az}`)).toEqual(['0/0@0', '0/1@1', '0/2@2', '0/3@0', '1/0@0', '1/1@1', '1/2@2', '1/3@0']);
    expect(two.nodeCount).toBe(8);
    // RF >= AZs: every AZ holds every shard.
    for (let az = 0; az < 3; az++) for (const shard of [0, 1]) expect(two.nodes.some((n) => n.az === az && n.shard === shard)).toBe(true);
    // dev: one node over 2 AZs sits in the first.
    expect(planCapacity(CAPACITY_CONFIGS.dev).influx.nodes).toEqual([{ shard: 0, replica: 0, az: 0 }]);
  });
});

describe('ingest sizing', () => {
  test.each([
    // metrics/s, per request, capacity, spares -> needed
    [1_000, 1, 5_000, 1, 1],
    [5_000, 1, 5_000, 1, 1],
    [5_001, 1, 5_000, 1, 2],
    [50_000, 10, 5_000, 0, 1],
    [123_456, 1, 10_000, 3, 13],
  ])('%d metrics/s at %d per request, %d req/s per instance, %d spares', (mps, perRequest, capacity, spares, needed) => {
    const config = configWith('staging', {
      workload: { monitoredServers: mps, metricsPerServerPerSecond: 1, metricsPerRequest: perRequest, peakFactor: 1 },
      ingest: { requestsPerSecondPerInstance: { value: capacity }, spareInstances: spares, scaleOutFactor: 2 },
    });
    const { ingest } = planCapacity(config);
    expect(ingest.neededInstances).toBe(needed);
    expect(ingest.desiredInstances).toBe(needed + spares);
    expect(ingest.minInstances).toBe(needed + spares);
    // Room above the planned fleet for one rolling-update batch (the spares' worth, at least 1).
    expect(ingest.maxInstances).toBe(Math.max(needed + spares + Math.max(1, spares), Math.ceil(needed * 2)));
  });

  test('one worker per vCPU; rolling updates replace the spares’ worth of instances at a time', () => {
    expect(planCapacity(CAPACITY_CONFIGS.prod).ingest).toMatchObject({ workersPerInstance: 8, rollingUpdateBatchSize: 4 });
    expect(planCapacity(configWith('staging', { ingest: { spareInstances: 0 } })).ingest).toMatchObject({ workersPerInstance: 4, rollingUpdateBatchSize: 1 });
  });

  test('the peak factor multiplies the load the fleet is sized for', () => {
    const base = configWith('staging', { workload: { monitoredServers: 10_000, metricsPerServerPerSecond: 1, metricsPerRequest: 1, peakFactor: 1 } });
    const peaky = configWith('staging', { workload: { monitoredServers: 10_000, metricsPerServerPerSecond: 1, metricsPerRequest: 1, peakFactor: 3 } });
    expect(planCapacity(base).ingest.neededInstances).toBe(2); // 10,000 / 5,000
    expect(planCapacity(peaky).ingest.neededInstances).toBe(6); // 30,000 / 5,000
  });
});

describe('kafka sizing', () => {
  test('brokers are at least the replication factor, rounded up to a multiple of the AZs', () => {
    const plan = planCapacity(configWith('dev', { availabilityZones: 2, kafka: { replicationFactor: 2 } }));
    expect(plan.kafka.brokers).toBe(2);
    const three = planCapacity(configWith('staging', { availabilityZones: 3, kafka: { replicationFactor: 2, minInSyncReplicas: 1 } }));
    expect(three.kafka.brokers).toBe(3);
  });

  test('brokers grow with replica writes: ceil(peak x RF / (per-broker x the 85 % AZ-loss utilization)), rounded to the AZs', () => {
    const perBroker = CAPACITY_CONFIGS.prod.kafka.recordsPerSecondPerBroker.value * 0.85;
    const expected = (writes: number) => Math.ceil(Math.max(3, Math.ceil(writes / perBroker)) / 3) * 3;
    // 1,000,000 metrics/s x RF 3 = 3,000,000 replica writes.
    const plan = planCapacity(configWith('prod', { workload: { monitoredServers: 100_000 } }));
    expect(plan.kafka.replicaWritesPerSecond).toBe(3_000_000);
    expect(plan.kafka.brokers).toBe(expected(3_000_000));
    expect(plan.kafka.brokers).toBeGreaterThan(3);
    expect(plan.kafka.brokers % 3).toBe(0);
    expect(planCapacity(configWith('prod', { workload: { monitoredServers: 70_000 } })).kafka.brokers).toBe(expected(2_100_000));
  });

  test('broker storage = (metrics peak bytes x retention + aggregates bytes x their retention) x RF / brokers over the target utilization, in 10 GiB steps', () => {
    const config = CAPACITY_CONFIGS.prod;
    const plan = planCapacity(config);
    const { aggregates } = plan.kafka;
    const retained = ((100_000 * config.kafka.storedBytesPerRecord.value * 24 * 3600 + aggregates.bytesPerSecond * aggregates.retentionHours * 3600) * 3) / 6;
    expect(aggregates.bytesPerSecond).toBeGreaterThan(0);
    expect(plan.kafka.retainedBytesPerBroker).toBe(retained);
    const expectedGiB = Math.ceil(retained / 0.8 / BYTES_PER_GIB / BROKER_STORAGE_STEP_GIB) * BROKER_STORAGE_STEP_GIB;
    expect(plan.kafka.storagePerBrokerGiB).toBe(expectedGiB);
    expect(plan.kafka.storagePerBrokerGiB % BROKER_STORAGE_STEP_GIB).toBe(0);
    expect(plan.kafka.storagePerBrokerGiB * BYTES_PER_GIB * 0.8).toBeGreaterThanOrEqual(retained);
  });

  test('partitions follow the Flink parallelism unless pinned; replicas per broker = partitions x RF / brokers', () => {
    const plan = planCapacity(configWith('prod', { kafka: { partitions: 24 } }));
    expect(plan.kafka.partitions).toBe(24);
    expect(plan.kafka.partitionReplicasPerBroker).toBe(12); // 24 x 3 / 6
    expect(planCapacity(CAPACITY_CONFIGS.prod).kafka.partitionReplicasPerBroker).toBe(6);
  });

  test('pinned brokers are used as given when valid; the alerts topic gets one partition per broker', () => {
    expect(planCapacity(configWith('prod', { kafka: { brokers: 6 } })).kafka).toMatchObject({ brokers: 6, alertsTopicPartitions: 6 });
  });
});

describe('flink sizing', () => {
  test('parallelism = ceil(peak / per-slot), rounded up to a multiple of the brokers', () => {
    // 25,000 points/s / 10,000 per slot = 3 slots, 3 brokers -> 3.
    const config = configWith('staging', { workload: { monitoredServers: 2_500, peakFactor: 1 } });
    expect(planCapacity(config).flink.parallelism).toBe(3);
    // 40,000 / 10,000 = 4 -> 6 over 3 brokers.
    expect(planCapacity(configWith('staging', { workload: { monitoredServers: 4_000, peakFactor: 1 } })).flink.parallelism).toBe(6);
  });

  test('KPUs = ceil(parallelism / per-KPU) plus the orchestration KPU; 50 GB running storage per KPU', () => {
    const plan = planCapacity(configWith('prod', { flink: { parallelismPerKpu: 4 } }));
    expect(plan.flink.kpus).toBe(3); // 12 / 4
    expect(plan.flink.billedKpus).toBe(3 + ORCHESTRATION_KPUS);
    expect(plan.flink.runningStorageGB).toBe(3 * RUNNING_STORAGE_GB_PER_KPU);
    expect(planCapacity(configWith('prod', { flink: { parallelismPerKpu: 5 } })).flink.kpus).toBe(3); // ceil(12 / 5)
  });
});

describe('influx sizing', () => {
  test('nodes = shards x replication factor', () => {
    expect(planCapacity(configWith('prod', { influx: { shards: 2, replicationFactor: 2 } })).influx.nodeCount).toBe(4);
  });

  test('disk use = aggregate rows x values x retention x bytes per value, per node', () => {
    const config = CAPACITY_CONFIGS.prod;
    const { influx } = planCapacity(config);
    const rowsPerSecond = (10_000 * config.workload.seriesPerServer) / config.flink.windowSeconds;
    const stored = rowsPerSecond * 6 * 90 * SECONDS_PER_DAY * config.influx.bytesPerStoredValue.value;
    expect(influx.aggregateRowsPerSecond).toBeCloseTo(rowsPerSecond, 6);
    expect(influx.storedBytes).toBeCloseTo(stored, 0);
    // RF 3 over 3 nodes: every node holds a full copy.
    expect(influx.storedBytesPerNode).toBeCloseTo(stored, 0);
    expect(influx.diskUsePercent).toBeCloseTo((100 * stored) / (1900 * BYTES_PER_GB), 6);
  });

  test('shards grow with the data so each node stays under the disk warning', () => {
    // 10x prod's series: ten times the data of one shard, spread over just enough shards.
    const oneShard = planCapacity(CAPACITY_CONFIGS.prod).influx.diskUsePercent;
    const plan = planCapacity(configWith('prod', { workload: { monitoredServers: 100_000 } }));
    expect(plan.influx.shards).toBe(Math.ceil((oneShard * 10) / 80));
    expect(plan.influx.nodeCount).toBe(plan.influx.shards * 3);
    expect(plan.influx.diskUsePercent).toBeLessThanOrEqual(80);
    expect(plan.influx.diskUsePercent).toBeCloseTo((oneShard * 10) / plan.influx.shards, 6);
  });

  test('two shards halve each node’s share', () => {
    const one = planCapacity(configWith('prod', { influx: { shards: 1 } })).influx;
    const two = planCapacity(configWith('prod', { influx: { shards: 2 } })).influx;
    expect(two.storedBytesPerNode).toBeCloseTo(one.storedBytesPerNode / 2, 0);
    expect(two.writesPerNodePerSecond).toBeCloseTo(one.writesPerNodePerSecond / 2, 6);
  });
});

describe('load balancer traffic', () => {
  test('prod: 100,000 req/s of 500 + 200 bytes, one keep-alive connection per server', () => {
    const { loadBalancer } = planCapacity(CAPACITY_CONFIGS.prod);
    expect(loadBalancer.requestsPerSecond).toBe(100_000);
    expect(loadBalancer.processedBytesPerSecond).toBe(100_000 * 700);
    expect(loadBalancer.activeConnections).toBe(10_000);
    expect(loadBalancer.newConnectionsPerSecond).toBeCloseTo(10_000 / 600, 9);
  });

  test('LCUs are the largest of the four dimensions', () => {
    const { loadBalancer } = planCapacity(CAPACITY_CONFIGS.prod);
    const d = loadBalancer.lcuByDimension;
    expect(d.processedBytes).toBeCloseTo((70e6 * 3600) / BYTES_PER_GIB, 6);
    expect(d.activeConnections).toBeCloseTo(10_000 / 3_000, 9);
    expect(d.newConnections).toBeCloseTo(10_000 / 600 / 25, 9);
    expect(d.ruleEvaluations).toBe(0); // one rule, the first 10 are free
    expect(loadBalancer.lcus).toBe(d.processedBytes);

    // Few bytes, many idle connections: active connections dominate.
    const idle = planCapacity(configWith('prod', { workload: { metricsPerServerPerSecond: 0.01, bytesPerMetric: 1, responseBytesPerRequest: 1 } }));
    expect(idle.loadBalancer.lcus).toBeCloseTo(10_000 / 3_000, 9);
  });
});

describe('backups and transfer', () => {
  test('S3 copies: standard = ceil(standardDays / interval), archive = the rest of the retention', () => {
    const { backups, influx } = planCapacity(configWith('prod', { backups: { intervalDays: 7, standardDays: 14, retentionDays: 365 } }));
    expect(backups.standardCopies).toBe(2);
    expect(backups.archiveCopies).toBe(Math.ceil((365 - 14) / 7));
    expect(backups.standardBytes).toBe(2 * influx.storedBytes);
    // 351 days in Deep Archive: past its 180-day minimum, billed as held.
    expect(backups.archiveBilledCopies).toBe(backups.archiveCopies);
  });

  test('Deep Archive bills its 180-day minimum: a shorter archive stay is priced as 180 days of copies', () => {
    // dev: daily, 7 days Standard, deleted at day 90: 83 copies held, each billed 180 days.
    const plan = planCapacity(CAPACITY_CONFIGS.dev);
    expect(plan.backups.archiveCopies).toBe(83);
    expect(plan.backups.archiveBilledCopies).toBe(180);
    const line = costPlan(plan, loadPriceSnapshot('us-east-1')).lines.find((l) => l.resource === 'backups (S3 Glacier Deep Archive)')!;
    expect(line.count).toBe(180);
    expect(line.assumption).toContain('83 held, billed as 180');
    // No archive stay at all (deleted when it would move): nothing billed there.
    const none = planCapacity(configWith('dev', { backups: { intervalDays: 1, standardDays: 7, retentionDays: 7 } }));
    expect(none.backups.archiveBilledCopies).toBe(0);
  });

  test('inter-AZ bytes: produced and consumed once each, (AZs - 1) / AZs of it crossing', () => {
    const config = CAPACITY_CONFIGS.prod;
    const { transfer } = planCapacity(config);
    const produced = 100_000 * config.kafka.storedBytesPerRecord.value;
    const flows = Object.fromEntries(transfer.crossAzFlows.map((f) => [f.name, f.crossAzBytesPerMonth]));
    expect(flows['ingest → MSK']).toBeCloseTo(produced * (2 / 3) * SECONDS_PER_MONTH, 0);
    expect(flows['MSK → Flink']).toBeCloseTo(produced * (2 / 3) * SECONDS_PER_MONTH, 0);
  });
});
