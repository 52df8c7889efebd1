import type { CapacityConfig } from '../config/schema';
import { CapacityConfigError } from './errors';
import { EC2_INSTANCE_TYPES, MSK_BROKER_TYPES, SUPPORTED_REGIONS } from '../catalog/instance-types';
import { INGEST_VOLUME_RESERVE_GIB, MIN_SPOOL_GIB } from './ingest';
import { FLINK_MAX_PARALLELISM_PER_KPU, SERVICE_QUOTAS } from './quotas';

/**
 * Checks of the config on its own, before anything is derived: every number finite and in range,
 * known region and instance types, and the rules that relate fields to each other. Rules that need
 * derived sizes (disk use, partitions per broker) are checked where those sizes are computed.
 */
export function validateCapacityConfig(config: CapacityConfig): void {
  const env = config.environment;
  const fail = (field: string, rule: string): never => {
    throw new CapacityConfigError(env, field, rule);
  };

  checkNumbers(config, '', fail);

  const positiveIntegers = [
    'availabilityZones',
    'workload.monitoredServers',
    'workload.metricsPerRequest',
    'workload.seriesPerServer',
    'ingest.scaleOutInstances',
    'ingest.scaleOutAfterMinutes',
    'ingest.scaleInInstances',
    'ingest.scaleInAfterMinutes',
    'ingest.instanceWarmupMinutes',
    'kafka.replicationFactor',
    'kafka.minInSyncReplicas',
    'kafka.retentionHours',
    'flink.parallelismPerKpu',
    'flink.windowSeconds',
    'flink.checkpointIntervalSeconds',
    'influx.replicationFactor',
    'influx.aggregateRetentionDays',
    'influx.valuesPerAggregate',
    'backups.intervalDays',
    'backups.retentionDays',
  ];
  for (const path of positiveIntegers) {
    const value = valueAt(config, path);
    if (!Number.isInteger(value) || value < 1) fail(path, `(${value}) must be a positive integer`);
  }
  const nonNegativeIntegers = ['natGateways', 'ingest.spareInstances', 'ingest.volumeGiB', 'influx.rootVolumeGiB', 'backups.standardDays', 'flink.minPauseBetweenCheckpointsSeconds'];
  for (const path of nonNegativeIntegers) {
    const value = valueAt(config, path);
    if (!Number.isInteger(value)) fail(path, `(${value}) must be a whole number`);
  }
  const positives = [
    'workload.metricsPerServerPerSecond',
    'workload.bytesPerMetric',
    'workload.connectionLifetimeSeconds',
    'redundancy.azRecoveryMinutes',
    'ingest.requestsPerSecondPerInstance.value',
    'kafka.recordsPerSecondPerBroker.value',
    'kafka.storedBytesPerRecord.value',
    'flink.pointsPerSecondPerSlot.value',
    'influx.pointsPerSecondPerNode.value',
    'influx.bytesPerStoredValue.value',
  ];
  for (const path of positives) {
    const value = valueAt(config, path);
    if (!(value > 0)) fail(path, `(${value}) must be greater than 0`);
  }

  if (!(SUPPORTED_REGIONS as readonly string[]).includes(config.region)) {
    fail('region', `("${config.region}") is not a region with prices: expected one of ${SUPPORTED_REGIONS.join(', ')}`);
  }
  if (config.availabilityZones !== 2 && config.availabilityZones !== 3) {
    fail('availabilityZones', `(${config.availabilityZones}) must be 2 or 3: MSK spreads brokers over 2 or 3 AZs`);
  }
  if (config.natGateways > config.availabilityZones) {
    fail('natGateways', `(${config.natGateways}) must be <= availabilityZones (${config.availabilityZones})`);
  }
  if (!(config.redundancy.availabilityTarget > 0 && config.redundancy.availabilityTarget < 1)) {
    fail('redundancy.availabilityTarget', `(${config.redundancy.availabilityTarget}) must be a share between 0 and 1, e.g. 0.9999`);
  }
  if (!(config.redundancy.azLossUtilization > 0 && config.redundancy.azLossUtilization <= 1)) {
    fail('redundancy.azLossUtilization', `(${config.redundancy.azLossUtilization}) must be in (0, 1]: survivors cannot run above saturation`);
  }
  if (config.workload.peakFactor < 1) {
    fail('workload.peakFactor', `(${config.workload.peakFactor}) must be >= 1: the peak is never below the average`);
  }
  if (!(config.ingest.keyRateLimitHeadroom >= 1)) {
    fail('ingest.keyRateLimitHeadroom', `(${config.ingest.keyRateLimitHeadroom}) must be >= 1: a default key limit below the planned peak refuses planned traffic`);
  }
  if (config.ingest.scaleOutFactor < 1) {
    fail('ingest.scaleOutFactor', `(${config.ingest.scaleOutFactor}) must be >= 1: the ASG max cannot be below what the peak needs`);
  }
  if (!(config.ingest.scaleInCpuPercent < config.ingest.scaleOutCpuPercent) || config.ingest.scaleOutCpuPercent > 100) {
    fail(
      'ingest.scaleInCpuPercent',
      `(${config.ingest.scaleInCpuPercent}) must be below ingest.scaleOutCpuPercent (${config.ingest.scaleOutCpuPercent}), which must be <= 100`,
    );
  }

  if (config.ingest.volumeGiB < INGEST_VOLUME_RESERVE_GIB + MIN_SPOOL_GIB) {
    fail(
      'ingest.volumeGiB',
      `(${config.ingest.volumeGiB}) must be at least ${INGEST_VOLUME_RESERVE_GIB + MIN_SPOOL_GIB}: ${INGEST_VOLUME_RESERVE_GIB} GiB for the OS, packages and journal, and ${MIN_SPOOL_GIB} GiB of spool at least`,
    );
  }
  if (!EC2_INSTANCE_TYPES[config.ingest.instanceType]) {
    fail('ingest.instanceType', `("${config.ingest.instanceType}") is not a known EC2 instance type: expected one of ${Object.keys(EC2_INSTANCE_TYPES).join(', ')}`);
  }
  const influxType = EC2_INSTANCE_TYPES[config.influx.instanceType];
  if (!influxType) {
    fail('influx.instanceType', `("${config.influx.instanceType}") is not a known EC2 instance type: expected one of ${Object.keys(EC2_INSTANCE_TYPES).join(', ')}`);
  } else if (influxType.instanceStoreGB === 0) {
    fail('influx.instanceType', `("${config.influx.instanceType}") has no NVMe instance store: InfluxDB nodes need one (i3 family)`);
  }
  if (!MSK_BROKER_TYPES[config.kafka.brokerInstanceType]) {
    fail('kafka.brokerInstanceType', `("${config.kafka.brokerInstanceType}") is not a known MSK broker type: expected one of ${Object.keys(MSK_BROKER_TYPES).join(', ')}`);
  }

  const kafka = config.kafka;
  if (kafka.minInSyncReplicas > kafka.replicationFactor) {
    fail('kafka.minInSyncReplicas', `(${kafka.minInSyncReplicas}) must be <= kafka.replicationFactor (${kafka.replicationFactor})`);
  }
  if (!(kafka.storageTargetUtilization > 0 && kafka.storageTargetUtilization <= 1)) {
    fail('kafka.storageTargetUtilization', `(${kafka.storageTargetUtilization}) must be in (0, 1]`);
  }
  if (kafka.brokers !== undefined) {
    if (!Number.isInteger(kafka.brokers) || kafka.brokers < 1) fail('kafka.brokers', `(${kafka.brokers}) must be a positive integer`);
    if (kafka.brokers % config.availabilityZones !== 0) {
      fail('kafka.brokers', `(${kafka.brokers}) must be a multiple of availabilityZones (${config.availabilityZones})`);
    }
    if (kafka.replicationFactor > kafka.brokers) {
      fail('kafka.replicationFactor', `(${kafka.replicationFactor}) must be <= kafka.brokers (${kafka.brokers})`);
    }
  }
  if (kafka.partitions !== undefined && (!Number.isInteger(kafka.partitions) || kafka.partitions < 1)) {
    fail('kafka.partitions', `(${kafka.partitions}) must be a positive integer`);
  }

  if (config.flink.parallelismPerKpu > FLINK_MAX_PARALLELISM_PER_KPU) {
    fail('flink.parallelismPerKpu', `(${config.flink.parallelismPerKpu}) is over Managed Flink's maximum of ${FLINK_MAX_PARALLELISM_PER_KPU} slots per KPU, a limit that cannot be raised`);
  }
  if (config.flink.minPauseBetweenCheckpointsSeconds >= config.flink.checkpointIntervalSeconds) {
    fail(
      'flink.minPauseBetweenCheckpointsSeconds',
      `(${config.flink.minPauseBetweenCheckpointsSeconds}) must be below flink.checkpointIntervalSeconds (${config.flink.checkpointIntervalSeconds}): otherwise checkpoints come every pause, not every interval`,
    );
  }
  for (const [name, value] of Object.entries(config.serviceQuotas ?? {})) {
    if (!(name in SERVICE_QUOTAS)) fail(`serviceQuotas.${name}`, `is not a quota the plan checks: expected one of ${Object.keys(SERVICE_QUOTAS).join(', ')}`);
    if (!Number.isInteger(value) || value < 1) fail(`serviceQuotas.${name}`, `(${value}) must be a positive integer`);
  }

  const influx = config.influx;
  if (influx.shards !== undefined && (!Number.isInteger(influx.shards) || influx.shards < 1)) {
    fail('influx.shards', `(${influx.shards}) must be a positive integer`);
  }
  if (!(influx.diskWarningPercent > 0 && influx.diskWarningPercent <= 100)) {
    fail('influx.diskWarningPercent', `(${influx.diskWarningPercent}) must be in (0, 100]`);
  }
  const access = config.access;
  if (access.plainHttp && (access.ingestDomainName || access.certificateArn)) {
    fail('access.plainHttp', 'must not be set together with access.ingestDomainName or access.certificateArn');
  }
  if (!access.plainHttp && !access.ingestDomainName) {
    fail('access.ingestDomainName', 'is required unless access.plainHttp says the ALB serves plain HTTP');
  }
  if (access.plainHttp && env === 'prod') fail('access.plainHttp', 'is not allowed in prod: clients must reach ingest over HTTPS');
  for (const [field, cidrs] of [['access.clientCidrs', access.clientCidrs], ['access.operatorCidrs', access.operatorCidrs]] as const) {
    if (cidrs.length === 0) fail(field, 'must list at least one CIDR');
    for (const cidr of cidrs) {
      if (!/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d|[12]\d|3[0-2])$/.test(cidr) || cidr.split(/[./]/).slice(0, 4).some((o) => Number(o) > 255)) {
        fail(field, `("${cidr}") is not an IPv4 CIDR`);
      }
    }
  }
  for (const [region, amiId] of Object.entries(config.hostImage.amiIds)) {
    if (!/^ami-([0-9a-f]{8}|[0-9a-f]{17})$/.test(amiId ?? '')) fail(`hostImage.amiIds.${region}`, `("${amiId}") is not an AMI id (ami- and 8 or 17 hex digits)`);
  }
  if (config.backups.standardDays > config.backups.retentionDays) {
    fail('backups.standardDays', `(${config.backups.standardDays}) must be <= backups.retentionDays (${config.backups.retentionDays})`);
  }
}

/** Every number anywhere in the config must be finite and not negative. */
function checkNumbers(value: unknown, path: string, fail: (field: string, rule: string) => never): void {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) fail(path, `(${value}) must be a finite number`);
    if (value < 0) fail(path, `(${value}) must not be negative`);
    return;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) checkNumbers(child, path ? `${path}.${key}` : key, fail);
  }
}

function valueAt(config: CapacityConfig, path: string): number {
  let node: unknown = config;
  for (const key of path.split('.')) node = (node as Record<string, unknown>)[key];
  return node as number;
}
