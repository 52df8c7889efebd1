/**
 * Billable items counted from synthesized CloudFormation templates rather than from the plan, so
 * that a review sees what the stacks really declare: a stack edit that bypasses the plan (an extra
 * instance, a bigger volume, another endpoint, key, secret or alarm) shows up in the cost.
 * Resources are counted by type, wherever they are declared; stacks are mapped to tiers by their
 * name suffix (`MetricStream-<env>-<Tier>`). What a template cannot say (log volume, access-log
 * lines) comes from the plan as `TemplateUsage`, applied at the levels and retentions the
 * templates set.
 */
import type { CapacityPlan } from '../plan';
import { ORCHESTRATION_KPUS } from '../plan/flink';
import { rdsBilledBackupGiB } from '../plan/grafana';
import { flinkLevelMetrics, KAFKA_INTERNAL_TOPICS, mskLevelMetrics, type LogGroupPlan } from '../plan/observability';
import { agentMetricItems, flinkMetricsItem, items, mskMetricsItem, TIERS, type BillableItem, type Tier } from './billable-items';
import type { Ec2Term } from './price-keys';

type Properties = Record<string, unknown>;
export interface CfnTemplate {
  readonly Resources?: Readonly<Record<string, { readonly Type: string; readonly Properties?: Properties }>>;
}

export interface SynthesizedStack {
  readonly stackName: string;
  readonly template: CfnTemplate;
}

/** The plan's usage estimates that template-declared resources are priced with. */
export interface TemplateUsage {
  readonly logGroups: readonly LogGroupPlan[];
  readonly accessLogBytesPerMonth: number;
  /** The tiers whose hosts run the CloudWatch agent: their instances in the templates bill its metrics. */
  readonly agentTiers: readonly Tier[];
}

export function templateUsageFromPlan(plan: CapacityPlan): TemplateUsage {
  return {
    logGroups: plan.observability.logGroups,
    accessLogBytesPerMonth: plan.observability.accessLogs.bytesPerMonth,
    agentTiers: Object.keys(plan.observability.agentInstances) as Tier[],
  };
}

const NO_USAGE: TemplateUsage = { logGroups: [], accessLogBytesPerMonth: 0, agentTiers: [] };

export function tierOfStack(stackName: string): Tier {
  const suffix = stackName.slice(stackName.lastIndexOf('-') + 1).toLowerCase();
  const tier = TIERS.find((t) => t === suffix);
  if (!tier) throw new Error(`stack ${stackName}: its name does not end in a tier (${TIERS.join(', ')})`);
  return tier;
}

/** Every priced resource the templates declare, summed per tier, kind, type and size. */
export function resourceItemsFromTemplates(stacks: readonly SynthesizedStack[], term: Ec2Term, usage: TemplateUsage = NO_USAGE): BillableItem[] {
  const found: BillableItem[] = [];
  const agentInstances: Partial<Record<Tier, number>> = {};
  const unusedLogGroups = [...usage.logGroups];
  for (const { stackName, template } of stacks) {
    const tier = tierOfStack(stackName);
    const resources = template.Resources ?? {};
    const volumes = (mappings: unknown, count: number) => {
      for (const m of (mappings as { Ebs?: { VolumeSize?: number } }[] | undefined) ?? []) {
        if (m.Ebs?.VolumeSize !== undefined) found.push(items.ebsVolumes(tier, count, Number(m.Ebs.VolumeSize)));
      }
    };
    const instances = (instanceType: unknown, count: number, mappings: unknown, monitoring: unknown) => {
      found.push(items.ec2Instances(tier, String(instanceType), count, term));
      volumes(mappings, count);
      if ((monitoring as { Enabled?: boolean } | boolean | undefined) === true || (monitoring as { Enabled?: boolean } | undefined)?.Enabled === true) {
        found.push(items.detailedMonitoring(tier, count));
      }
      if (usage.agentTiers.includes(tier)) agentInstances[tier] = (agentInstances[tier] ?? 0) + count;
    };
    const topics = Object.values(resources).filter((r) => r.Type === 'AWS::MSK::Topic').length;
    for (const [logicalId, { Type, Properties: p = {} }] of Object.entries(resources)) {
      switch (Type) {
        case 'AWS::AutoScaling::AutoScalingGroup': {
          const count = Number(p.DesiredCapacity ?? p.MinSize);
          const ref = (p.LaunchTemplate as { LaunchTemplateId?: { Ref?: string } } | undefined)?.LaunchTemplateId?.Ref;
          const data = ref ? (resources[ref]?.Properties?.LaunchTemplateData as Properties | undefined) : undefined;
          if (!data?.InstanceType) throw new Error(`${stackName}/${logicalId}: cannot find the instance type of its launch template`);
          instances(data.InstanceType, count, data.BlockDeviceMappings, data.Monitoring);
          break;
        }
        case 'AWS::EC2::Instance':
          instances(p.InstanceType, 1, p.BlockDeviceMappings, p.Monitoring);
          break;
        case 'AWS::EC2::Volume':
          found.push(items.ebsVolumes(tier, 1, Number(p.Size)));
          break;
        case 'AWS::EC2::NatGateway':
          found.push(items.natGateways(1));
          break;
        case 'AWS::EC2::EIP':
          found.push(items.publicIpv4(tier, 1, 'elastic IP'));
          break;
        case 'AWS::EC2::VPCEndpoint':
          // Gateway endpoints (S3, DynamoDB) are free; an interface endpoint bills per AZ (subnet).
          if (p.VpcEndpointType === 'Interface') found.push(items.interfaceEndpoints(((p.SubnetIds as unknown[] | undefined) ?? []).length));
          break;
        case 'AWS::ElasticLoadBalancingV2::LoadBalancer': {
          const kind = String(p.Type ?? 'application');
          if (kind === 'network') {
            // The only NLB is internal (the InfluxDB readers'): no public addresses.
            found.push(items.loadBalancers(1, tier, 'network'));
            break;
          }
          if (kind !== 'application') break;
          found.push(items.loadBalancers(1, tier));
          const subnets = ((p.Subnets ?? p.SubnetMappings) as unknown[] | undefined) ?? [];
          if (p.Scheme !== 'internal') found.push(items.publicIpv4(tier, subnets.length, 'ALB node'));
          const accessLogs = accessLogBucket(p, resources);
          if (accessLogs) found.push(items.accessLogStorage(tier, usage.accessLogBytesPerMonth, accessLogs.expirationDays, accessLogs.noncurrentDays, accessLogs.versioned));
          break;
        }
        case 'AWS::MSK::Cluster': {
          const group = p.BrokerNodeGroupInfo as { InstanceType: string; StorageInfo?: { EBSStorageInfo?: { VolumeSize?: number } } };
          const brokers = Number(p.NumberOfBrokerNodes);
          found.push(items.mskBrokers(group.InstanceType, brokers));
          found.push(items.mskStorage(brokers, Number(group.StorageInfo?.EBSStorageInfo?.VolumeSize ?? 0)));
          const level = String(p.EnhancedMonitoring ?? 'DEFAULT');
          const metrics = mskLevelMetrics(level, brokers, topics + KAFKA_INTERNAL_TOPICS);
          if (metrics > 0) found.push(mskMetricsItem(level, metrics));
          break;
        }
        case 'AWS::KinesisAnalyticsV2::Application': {
          const flink = (p.ApplicationConfiguration as { FlinkApplicationConfiguration?: { ParallelismConfiguration?: { Parallelism?: number; ParallelismPerKPU?: number }; MonitoringConfiguration?: { MetricsLevel?: string } } })
            ?.FlinkApplicationConfiguration;
          const parallelism = flink?.ParallelismConfiguration;
          const kpus = Math.ceil(Number(parallelism?.Parallelism ?? 1) / Number(parallelism?.ParallelismPerKPU ?? 1));
          found.push(items.flinkKpus(kpus + ORCHESTRATION_KPUS));
          found.push(items.flinkRunningStorage(kpus));
          const level = flink?.MonitoringConfiguration?.MetricsLevel ?? 'APPLICATION';
          const metrics = flinkLevelMetrics(level);
          if (metrics > 0) found.push(flinkMetricsItem(level, metrics));
          break;
        }
        case 'AWS::RDS::DBInstance': {
          if (p.StorageType !== 'gp3') throw new Error(`${stackName}/${logicalId}: storage type ${String(p.StorageType)} has no price (gp3 only)`);
          const multiAz = p.MultiAZ === true || p.MultiAZ === 'true';
          const storageGiB = Number(p.AllocatedStorage);
          const retentionDays = Number(p.BackupRetentionPeriod ?? 1);
          found.push(items.rdsInstances(tier, String(p.DBInstanceClass), multiAz));
          found.push(items.rdsStorage(tier, multiAz, storageGiB));
          found.push(items.rdsBackupStorage(tier, rdsBilledBackupGiB(storageGiB, retentionDays), storageGiB, retentionDays));
          break;
        }
        case 'AWS::KMS::Key':
          found.push(items.kmsKeys(tier, 1));
          break;
        case 'AWS::SecretsManager::Secret':
          found.push(items.secrets(tier, 1));
          break;
        case 'AWS::CloudWatch::Alarm': {
          // An alarm on one metric bills one alarm metric; a metric-math alarm one per metric it reads.
          const metrics = p.MetricName !== undefined ? 1 : ((p.Metrics as { MetricStat?: unknown }[] | undefined) ?? []).filter((m) => m.MetricStat).length;
          found.push(items.alarmMetrics(metrics));
          break;
        }
        case 'AWS::CloudWatch::Dashboard':
          found.push(items.dashboards(1));
          break;
        case 'AWS::Logs::LogGroup': {
          // The plan estimates each log group's volume by tier; a group it has no estimate for is
          // still listed, at no volume, so it is seen.
          const index = unusedLogGroups.findIndex((g) => g.tier === tier);
          const group = index >= 0 ? unusedLogGroups.splice(index, 1)[0] : undefined;
          const name = group?.name ?? `${logicalId} (no plan estimate)`;
          const bytes = group?.ingestedBytesPerMonth ?? 0;
          // Without RetentionInDays CloudWatch keeps logs forever: priced at the longest retention.
          const retentionDays = Number(p.RetentionInDays ?? 3653);
          found.push(items.logIngestion(tier, name, bytes, group?.why), items.logStorage(tier, name, bytes, retentionDays));
          break;
        }
      }
    }
  }
  found.push(...agentMetricItems(agentInstances));
  return sumAlike(found);
}

/** Lifecycle of the bucket an ALB writes its access logs to, when it does. */
function accessLogBucket(lb: Properties, resources: NonNullable<CfnTemplate['Resources']>): { expirationDays: number; noncurrentDays: number; versioned: boolean } | undefined {
  const attributes = (lb.LoadBalancerAttributes as { Key: string; Value: unknown }[] | undefined) ?? [];
  const attribute = (key: string) => attributes.find((a) => a.Key === key)?.Value;
  if (String(attribute('access_logs.s3.enabled')) !== 'true') return undefined;
  const ref = (attribute('access_logs.s3.bucket') as { Ref?: string } | undefined)?.Ref;
  const bucket = ref ? resources[ref]?.Properties : undefined;
  const rules = ((bucket?.LifecycleConfiguration as { Rules?: { Status?: string; ExpirationInDays?: number; NoncurrentVersionExpiration?: { NoncurrentDays?: number } }[] } | undefined)?.Rules ?? []).filter(
    (r) => r.Status !== 'Disabled',
  );
  // Without an expiration the logs are kept for good; priced at 10 years so it shows.
  const expirationDays = Math.min(...rules.map((r) => r.ExpirationInDays ?? Infinity), 3650);
  const noncurrentDays = Math.min(...rules.map((r) => r.NoncurrentVersionExpiration?.NoncurrentDays ?? Infinity), 3650);
  const versioned = (bucket?.VersioningConfiguration as { Status?: string } | undefined)?.Status === 'Enabled';
  return { expirationDays, noncurrentDays, versioned };
}

/** One item per tier, kind, type and size, with the counts added up. */
function sumAlike(list: readonly BillableItem[]): BillableItem[] {
  const byKey = new Map<string, BillableItem>();
  for (const item of list) {
    const key = `${item.tier}|${item.resource}|${item.type}|${item.quantityPerUnit}|${item.priceKey}`;
    const seen = byKey.get(key);
    byKey.set(key, seen ? { ...seen, count: seen.count + item.count } : item);
  }
  return [...byKey.values()];
}
