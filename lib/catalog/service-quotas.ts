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
  // 60 for KRaft-based clusters, 30 for ZooKeeper-based ones; lib/catalog/msk-versions.ts admits KRaft
  // versions only, so 60 is the default every cluster of ours starts with.
  mskBrokersPerCluster: {
    name: 'MSK brokers per cluster',
    defaultValue: 60,
    raise: `${SERVICE_QUOTAS_CONSOLE} (Amazon MSK, "Number of brokers per cluster")`,
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
