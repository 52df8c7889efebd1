import type { CapacityConfig } from '../capacity-config';
import { EC2_INSTANCE_TYPES } from './instance-types';

/**
 * AWS service quotas the plan can outgrow: adjustable defaults an account may have raised. A plan
 * over one still synthesizes (the quota is the account's, not the template's) but says so: a line in
 * `npm run plan` and a CDK warning on the tier's stack, naming the field, the quota and how to raise it.
 * Hard limits (no increase possible) fail validation instead, where the size is derived.
 */
export interface ServiceQuota {
  readonly name: string;
  readonly defaultValue: number;
  readonly raise: string;
  /** Where the default is documented. */
  readonly source: string;
}

const SERVICE_QUOTAS_CONSOLE = 'request an increase in the Service Quotas console';

export const SERVICE_QUOTAS = {
  flinkKpusPerApplication: {
    name: 'Managed Flink KPUs per application',
    defaultValue: 64,
    raise: `${SERVICE_QUOTAS_CONSOLE} (Managed Service for Apache Flink); parallelism is capped at this times ParallelismPerKPU`,
    source: 'https://docs.aws.amazon.com/managed-flink/latest/java/how-scaling.html',
  },
  // 30 for ZooKeeper-based clusters, 60 for KRaft; the lower one holds for either mode.
  mskBrokersPerCluster: {
    name: 'MSK brokers per cluster',
    defaultValue: 30,
    raise: `${SERVICE_QUOTAS_CONSOLE} (Amazon MSK, "Number of brokers per cluster"; KRaft clusters start at 60)`,
    source: 'https://docs.aws.amazon.com/msk/latest/developerguide/limits.html',
  },
  mskBrokersPerAccount: {
    name: 'MSK brokers per account and region',
    defaultValue: 90,
    raise: `${SERVICE_QUOTAS_CONSOLE} (Amazon MSK, "Number of brokers per account"); other clusters in the account count too`,
    source: 'https://docs.aws.amazon.com/msk/latest/developerguide/limits.html',
  },
  // L-1216C47A, in vCPUs across the A, C, D, H, I, M, R, T and Z families; AWS's default value is 5
  // (get-aws-default-service-quota), most accounts have been raised since.
  ec2OnDemandStandardVcpus: {
    name: 'EC2 Running On-Demand Standard instances (vCPUs, L-1216C47A)',
    defaultValue: 5,
    raise: `${SERVICE_QUOTAS_CONSOLE} (Amazon EC2, L-1216C47A)`,
    source: 'https://docs.aws.amazon.com/cli/latest/userguide/cli_service-quotas_code_examples.html',
  },
  albTargetsPerLoadBalancer: {
    name: 'targets per Application Load Balancer',
    defaultValue: 1_000,
    raise: `${SERVICE_QUOTAS_CONSOLE} (Elastic Load Balancing)`,
    source: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html',
  },
} as const satisfies Record<string, ServiceQuota>;

export type QuotaName = keyof typeof SERVICE_QUOTAS;

/** Managed Flink's hard maximum of ParallelismPerKPU (how-scaling.html above). */
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
