import { SERVICE_QUOTAS, type QuotaName } from '../catalog/service-quotas';
import type { CapacityConfig } from '../config/schema';
import { EC2_INSTANCE_TYPES } from '../catalog/instance-types';

export { SERVICE_QUOTAS, type QuotaName, type ServiceQuota } from '../catalog/service-quotas';

/** Managed Flink's hard maximum of ParallelismPerKPU (https://docs.aws.amazon.com/managed-flink/latest/java/how-scaling.html). */
export const FLINK_MAX_PARALLELISM_PER_KPU = 8;

/** A quota the plan exceeds, for the plan's warnings. */
export interface QuotaExcess {
  readonly quota: QuotaName;
  readonly tier: 'ingest' | 'kafka' | 'flink' | 'influx';
  readonly field: string;
  readonly planned: number;
  readonly limit: number;
  readonly message: string;
}

/** The sizes the quotas are checked against. */
export interface QuotaUsage {
  readonly flinkKpus: number;
  readonly brokers: number;
  readonly ingestMaxInstances: number;
  readonly influxNodes: number;
}

export function quotaExcesses(config: CapacityConfig, usage: QuotaUsage): QuotaExcess[] {
  const limit = (quota: QuotaName): number => config.serviceQuotas?.[quota] ?? SERVICE_QUOTAS[quota].defaultValue;
  const ingestVcpus = usage.ingestMaxInstances * EC2_INSTANCE_TYPES[config.ingest.instanceType].vcpus;
  const influxVcpus = usage.influxNodes * EC2_INSTANCE_TYPES[config.influx.instanceType].vcpus;
  // t3 is a Standard family too (A, C, D, H, I, M, R, T, Z), so Grafana's server counts against the same quota.
  const grafanaVcpus = config.grafana.instances * (EC2_INSTANCE_TYPES[config.grafana.instanceType]?.vcpus ?? 0);
  const largerBrokers = 'or plan larger brokers';
  const largerInstances = 'or plan larger instances';
  const checks: { quota: QuotaName; tier: QuotaExcess['tier']; field: string; planned: number; what: string; otherwise: string }[] = [
    {
      quota: 'flinkKpusPerApplication',
      tier: 'flink',
      field: 'flink.parallelismPerKpu',
      planned: usage.flinkKpus,
      what: `${usage.flinkKpus} KPUs`,
      otherwise: `or run more slots per KPU (at most ${FLINK_MAX_PARALLELISM_PER_KPU}) where the job waits on I/O`,
    },
    { quota: 'mskBrokersPerCluster', tier: 'kafka', field: 'kafka.brokerInstanceType', planned: usage.brokers, what: `${usage.brokers} brokers`, otherwise: largerBrokers },
    { quota: 'mskBrokersPerAccount', tier: 'kafka', field: 'kafka.brokerInstanceType', planned: usage.brokers, what: `${usage.brokers} brokers`, otherwise: largerBrokers },
    {
      quota: 'ec2OnDemandStandardVcpus',
      tier: 'ingest',
      field: 'ingest.instanceType',
      planned: ingestVcpus + influxVcpus + grafanaVcpus,
      what: `${ingestVcpus + influxVcpus + grafanaVcpus} vCPUs (ingest ASG max ${usage.ingestMaxInstances} x ${config.ingest.instanceType} + ${usage.influxNodes} x ${config.influx.instanceType} + ${config.grafana.instances} x ${config.grafana.instanceType})`,
      otherwise: `or state the account's applied value in serviceQuotas.ec2OnDemandStandardVcpus`,
    },
    {
      quota: 'albTargetsPerLoadBalancer',
      tier: 'ingest',
      field: 'ingest.instanceType',
      planned: usage.ingestMaxInstances,
      what: `${usage.ingestMaxInstances} targets (the ASG max)`,
      otherwise: largerInstances,
    },
  ];
  return checks
    .filter((c) => c.planned > limit(c.quota))
    .map((c) => {
      const q = SERVICE_QUOTAS[c.quota];
      const applied = config.serviceQuotas?.[c.quota] === undefined ? 'default' : 'stated in serviceQuotas';
      return {
        quota: c.quota,
        tier: c.tier,
        field: c.field,
        planned: c.planned,
        limit: limit(c.quota),
        message: `the plan needs ${c.what}, over the ${q.name} quota of ${limit(c.quota).toLocaleString('en-US')} (${applied}): ${q.raise}, ${c.otherwise} (${q.source})`,
      };
    });
}
