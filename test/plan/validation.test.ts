import { CAPACITY_CONFIGS, capacityConfigFor } from '../../lib/capacity-config';
import { CapacityConfigError, planCapacity } from '../../lib/plan';
import { configWith } from '../helpers';

describe('every shipped config plans without error', () => {
  test.each(Object.keys(CAPACITY_CONFIGS))('%s', (env) => {
    expect(() => planCapacity(capacityConfigFor(env))).not.toThrow();
  });
});

describe('invalid configs fail naming the field and the rule', () => {
  test.each<[string, Parameters<typeof configWith>[1], RegExp]>([
    // design §3: the listed inconsistencies
    ['brokers not a multiple of AZs', { kafka: { brokers: 4 } }, /"prod": kafka\.brokers \(4\) must be a multiple of availabilityZones \(3\)/],
    ['partitions below parallelism', { kafka: { partitions: 6 } }, /kafka\.partitions \(6\) must be >= the Flink parallelism \(12\)/],
    ['replication factor above brokers', { kafka: { brokers: 3, replicationFactor: 4, minInSyncReplicas: 2 } }, /kafka\.replicationFactor \(4\) must be <= kafka\.brokers \(3\)/],
    ['pinned shards over the disk warning', { influx: { shards: 1, aggregateRetentionDays: 900 } }, /influx\.shards \(1\) fills \d+\.\d % of each i3\.2xlarge instance store with 900 days of aggregates, over the 80 % disk warning/],
    ['unknown EC2 instance type', { ingest: { instanceType: 'c6i.huge' } }, /ingest\.instanceType \("c6i\.huge"\) is not a known EC2 instance type/],
    ['unknown InfluxDB instance type', { influx: { instanceType: 'x1.large' } }, /influx\.instanceType \("x1\.large"\) is not a known EC2 instance type/],
    ['InfluxDB type without instance store', { influx: { instanceType: 'c6i.2xlarge' } }, /influx\.instanceType \("c6i\.2xlarge"\) has no NVMe instance store/],
    ['unknown MSK broker type', { kafka: { brokerInstanceType: 'kafka.m9.xlarge' } }, /kafka\.brokerInstanceType \("kafka\.m9\.xlarge"\) is not a known MSK broker type/],
    ['unknown region', { region: 'mars-north-1' }, /region \("mars-north-1"\) is not a region with prices/],
    // numbers
    ['negative number', { workload: { monitoredServers: -5 } }, /workload\.monitoredServers \(-5\) must not be negative/],
    ['NaN', { workload: { bytesPerMetric: NaN } }, /workload\.bytesPerMetric \(NaN\) must be a finite number/],
    ['infinity', { kafka: { recordsPerSecondPerBroker: { value: Infinity } } }, /kafka\.recordsPerSecondPerBroker\.value \(Infinity\) must be a finite number/],
    ['zero capacity', { ingest: { requestsPerSecondPerInstance: { value: 0 } } }, /ingest\.requestsPerSecondPerInstance\.value \(0\) must be greater than 0/],
    ['fractional count', { ingest: { spareInstances: 1.5 } }, /ingest\.spareInstances \(1\.5\) must be a whole number/],
    ['zero replication', { kafka: { replicationFactor: 0 } }, /kafka\.replicationFactor \(0\) must be a positive integer/],
    ['fractional partitions', { kafka: { partitions: 12.5 } }, /kafka\.partitions \(12\.5\) must be a positive integer/],
    ['ingest volume without room for a spool', { ingest: { volumeGiB: 8 } }, /ingest\.volumeGiB \(8\) must be at least 9: 8 GiB for the OS, packages and journal, and 1 GiB of spool at least/],
    ['checkpoint pause not below the interval', { flink: { minPauseBetweenCheckpointsSeconds: 60 } }, /flink\.minPauseBetweenCheckpointsSeconds \(60\) must be below flink\.checkpointIntervalSeconds \(60\)/],
    ['fractional checkpoint pause', { flink: { minPauseBetweenCheckpointsSeconds: 2.5 } }, /flink\.minPauseBetweenCheckpointsSeconds \(2\.5\) must be a whole number/],
    // other rules
    ['one AZ', { availabilityZones: 1, natGateways: 1 }, /availabilityZones \(1\) must be 2 or 3/],
    ['more NAT gateways than AZs', { natGateways: 4 }, /natGateways \(4\) must be <= availabilityZones \(3\)/],
    ['peak below average', { workload: { peakFactor: 0.5 } }, /workload\.peakFactor \(0\.5\) must be >= 1/],
    ['scale-out factor below 1', { ingest: { scaleOutFactor: 0.5 } }, /ingest\.scaleOutFactor \(0\.5\) must be >= 1/],
    ['key limit headroom below 1', { ingest: { keyRateLimitHeadroom: 0.9 } }, /ingest\.keyRateLimitHeadroom \(0\.9\) must be >= 1/],
    ['scale-in above scale-out', { ingest: { scaleInCpuPercent: 80 } }, /ingest\.scaleInCpuPercent \(80\) must be below ingest\.scaleOutCpuPercent \(70\)/],
    ['min ISR above RF', { kafka: { minInSyncReplicas: 4 } }, /kafka\.minInSyncReplicas \(4\) must be <= kafka\.replicationFactor \(3\)/],
    ['storage utilization above 1', { kafka: { storageTargetUtilization: 1.5 } }, /kafka\.storageTargetUtilization \(1\.5\) must be in \(0, 1\]/],
    ['pinned brokers too few for the load', { kafka: { brokers: 3 }, workload: { monitoredServers: 100_000 } }, /kafka\.brokers \(3\) cannot carry 3000000 replica writes\/s at 100000 per broker/],
    ['too many partitions per broker', { kafka: { partitions: 3200 } }, /kafka\.partitions \(3200\) puts 1600 partition replicas on each broker, over the 1500 above which MSK refuses configuration updates and resizing of kafka\.m5\.xlarge/],
    ['retention over the MSK volume limit', { kafka: { retentionHours: 24 * 200 } }, /kafka\.retentionHours \(4800\) needs \d+ GiB per broker, over MSK's 16384 GiB limit/],
    ['pinned shards over write capacity', { influx: { shards: 1, pointsPerSecondPerNode: { value: 100 } } }, /influx\.shards \(1\) gives each node 1667 writes\/s, over its 100\/s capacity/],
    ['disk warning above 100', { influx: { diskWarningPercent: 120 } }, /influx\.diskWarningPercent \(120\) must be in \(0, 100\]/],
    ['plain HTTP in prod', { access: { plainHttp: true, ingestDomainName: undefined } }, /access\.plainHttp is not allowed in prod/],
    ['neither HTTPS nor plain HTTP', { access: { ingestDomainName: undefined } }, /access\.ingestDomainName is required unless access\.plainHttp/],
    ['plain HTTP with a certificate', { access: { plainHttp: true, certificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/x' } }, /access\.plainHttp must not be set together with/],
    ['a malformed CIDR', { access: { clientCidrs: ['10.0.0.300/8'] } }, /access\.clientCidrs \("10\.0\.0\.300\/8"\) is not an IPv4 CIDR/],
    ['no operator CIDR', { access: { operatorCidrs: [] } }, /access\.operatorCidrs must list at least one CIDR/],
    ['standard days beyond retention', { backups: { standardDays: 400 } }, /backups\.standardDays \(400\) must be <= backups\.retentionDays \(365\)/],
    ['a generation for a node the plan lacks', { influx: { nodeGenerations: { 3: 1 } } }, /influx\.nodeGenerations\.3 names no node: the plan has nodes 0\.\.2/],
    ['a fractional generation', { influx: { nodeGenerations: { 0: 1.5 } } }, /influx\.nodeGenerations\.0 \(1\.5\) must be a whole number/],
    ['a malformed AMI id', { hostImage: { amiIds: { 'us-east-1': 'ami-xyz' } } }, /hostImage\.amiIds\.us-east-1 \("ami-xyz"\) is not an AMI id/],
  ])('%s', (_name, patch, message) => {
    const config = configWith('prod', patch);
    expect(() => planCapacity(config)).toThrow(CapacityConfigError);
    expect(() => planCapacity(config)).toThrow(message);
  });

  // issue 13 item 9: CloudFormation rejects a rolling update with MinInstancesInService >= MaxSize
  // (dev planned 2..2). Every environment, at every load, leaves MaxSize room for one batch.
  test.each(Object.keys(CAPACITY_CONFIGS))('%s: MinInstancesInService + a batch <= MaxSize at any load', (env) => {
    for (const monitoredServers of [1, 10, 100, 1_000, 10_000, 100_000]) {
      const { ingest } = planCapacity(configWith(env as 'dev', { workload: { monitoredServers } }));
      expect(ingest.lifecycle.minInstancesInService).toBeLessThan(ingest.maxInstances);
      expect(ingest.lifecycle.minInstancesInService + ingest.lifecycle.maxBatchSize).toBeLessThanOrEqual(ingest.maxInstances);
    }
  });

  test('the error carries the field and the rule separately', () => {
    try {
      planCapacity(configWith('prod', { kafka: { brokers: 4 } }));
      throw new Error('expected planCapacity to throw');
    } catch (err) {
      expect(err).toBeInstanceOf(CapacityConfigError);
      expect((err as CapacityConfigError).field).toBe('kafka.brokers');
      expect((err as CapacityConfigError).environment).toBe('prod');
    }
  });

  test('an unknown environment names the known ones', () => {
    expect(() => capacityConfigFor('qa')).toThrow('unknown environment "qa": expected one of dev, staging, prod');
  });
});
