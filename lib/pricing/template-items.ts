/**
 * Billable items counted from synthesized CloudFormation templates rather than from the plan, so
 * that a review sees what the stacks really declare: a stack edit that bypasses the plan (an extra
 * instance, a bigger volume) shows up in the cost. Stacks are mapped to tiers by their name suffix
 * (`MetricStream-<env>-<Tier>`).
 */
import { ORCHESTRATION_KPUS } from '../plan/flink';
import { items, TIERS, type BillableItem, type Tier } from './billable-items';
import type { Ec2Term } from './price-keys';

export interface CfnTemplate {
  readonly Resources?: Readonly<Record<string, { readonly Type: string; readonly Properties?: Record<string, unknown> }>>;
}

export interface SynthesizedStack {
  readonly stackName: string;
  readonly template: CfnTemplate;
}

export function tierOfStack(stackName: string): Tier {
  const suffix = stackName.slice(stackName.lastIndexOf('-') + 1).toLowerCase();
  const tier = TIERS.find((t) => t === suffix);
  if (!tier) throw new Error(`stack ${stackName}: its name does not end in a tier (${TIERS.join(', ')})`);
  return tier;
}

/** Every priced resource the templates declare, summed per tier, kind, type and size. */
export function resourceItemsFromTemplates(stacks: readonly SynthesizedStack[], term: Ec2Term): BillableItem[] {
  const found: BillableItem[] = [];
  for (const { stackName, template } of stacks) {
    const tier = tierOfStack(stackName);
    const resources = template.Resources ?? {};
    const volumes = (mappings: unknown, count: number) => {
      for (const m of (mappings as { Ebs?: { VolumeSize?: number } }[] | undefined) ?? []) {
        if (m.Ebs?.VolumeSize !== undefined) found.push(items.ebsVolumes(tier, count, Number(m.Ebs.VolumeSize)));
      }
    };
    for (const [logicalId, { Type, Properties: p = {} }] of Object.entries(resources)) {
      switch (Type) {
        case 'AWS::AutoScaling::AutoScalingGroup': {
          const count = Number(p.DesiredCapacity ?? p.MinSize);
          const ref = (p.LaunchTemplate as { LaunchTemplateId?: { Ref?: string } } | undefined)?.LaunchTemplateId?.Ref;
          const data = ref ? (resources[ref]?.Properties?.LaunchTemplateData as Record<string, unknown> | undefined) : undefined;
          if (!data?.InstanceType) throw new Error(`${stackName}/${logicalId}: cannot find the instance type of its launch template`);
          found.push(items.ec2Instances(tier, String(data.InstanceType), count, term));
          volumes(data.BlockDeviceMappings, count);
          break;
        }
        case 'AWS::EC2::Instance':
          found.push(items.ec2Instances(tier, String(p.InstanceType), 1, term));
          volumes(p.BlockDeviceMappings, 1);
          break;
        case 'AWS::EC2::Volume':
          found.push(items.ebsVolumes(tier, 1, Number(p.Size)));
          break;
        case 'AWS::EC2::NatGateway':
          found.push(items.natGateways(1));
          break;
        case 'AWS::ElasticLoadBalancingV2::LoadBalancer':
          if ((p.Type ?? 'application') === 'application') found.push(items.loadBalancers(1, tier));
          break;
        case 'AWS::MSK::Cluster': {
          const group = p.BrokerNodeGroupInfo as { InstanceType: string; StorageInfo?: { EBSStorageInfo?: { VolumeSize?: number } } };
          const brokers = Number(p.NumberOfBrokerNodes);
          found.push(items.mskBrokers(group.InstanceType, brokers));
          found.push(items.mskStorage(brokers, Number(group.StorageInfo?.EBSStorageInfo?.VolumeSize ?? 0)));
          break;
        }
        case 'AWS::KinesisAnalyticsV2::Application': {
          const parallelism = (p.ApplicationConfiguration as { FlinkApplicationConfiguration?: { ParallelismConfiguration?: { Parallelism?: number; ParallelismPerKPU?: number } } })
            ?.FlinkApplicationConfiguration?.ParallelismConfiguration;
          const kpus = Math.ceil(Number(parallelism?.Parallelism ?? 1) / Number(parallelism?.ParallelismPerKPU ?? 1));
          found.push(items.flinkKpus(kpus + ORCHESTRATION_KPUS));
          found.push(items.flinkRunningStorage(kpus));
          break;
        }
      }
    }
  }
  return sumAlike(found);
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
