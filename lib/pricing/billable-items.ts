/**
 * What a deployment bills, before prices: one item per resource kind with its count and the
 * billed quantity per unit in the price list's unit. Resources come from the plan (or, for review,
 * from synthesized templates: lib/pricing/template-items.ts); usage-driven items (ALB LCUs,
 * inter-AZ traffic, backup storage) come from the plan's traffic and data estimates.
 */
import type { PricingModel } from '../capacity-config';
import type { CapacityPlan } from '../plan';
import { RUNNING_STORAGE_GB_PER_KPU } from '../plan/flink';
import { BYTES_PER_GIB, HOURS_PER_MONTH } from '../plan/units';
import { priceKeys, type Ec2Term } from './price-keys';

/** Cost tiers, one per stack; monitoring (CloudWatch) is not priced and only shows what a review adds to it. */
export const TIERS = ['network', 'ingest', 'kafka', 'flink', 'influx', 'monitoring'] as const;
export type Tier = (typeof TIERS)[number];

export interface BillableItem {
  readonly tier: Tier;
  readonly resource: string;
  /** Instance type, volume type or price dimension. */
  readonly type: string;
  /** How many of the resource (instances, volumes, KPUs, LCUs); fractional for LCUs. */
  readonly count: number;
  /** Billed units per month of one resource, in the unit of its price. */
  readonly quantityPerUnit: number;
  readonly priceKey: string;
}

export function ec2Term(pricing: PricingModel): Ec2Term {
  return pricing === 'reserved-1yr-no-upfront' ? 'reserved-1yr-no-upfront' : 'on-demand';
}

/** Items for resources a template declares; shared by the plan and template readers. */
export const items = {
  natGateways: (count: number): BillableItem => ({ tier: 'network', resource: 'NAT gateways', type: 'nat-gateway', count, quantityPerUnit: HOURS_PER_MONTH, priceKey: priceKeys.natGatewayHour }),
  ec2Instances: (tier: Tier, instanceType: string, count: number, term: Ec2Term): BillableItem => ({
    tier,
    resource: 'EC2 instances',
    type: instanceType,
    count,
    quantityPerUnit: HOURS_PER_MONTH,
    priceKey: priceKeys.ec2Instance(instanceType, term),
  }),
  ebsVolumes: (tier: Tier, count: number, sizeGiB: number): BillableItem => ({ tier, resource: 'EBS volumes', type: 'gp3', count, quantityPerUnit: sizeGiB, priceKey: priceKeys.ebsGp3Storage }),
  loadBalancers: (count: number, tier: Tier = 'ingest'): BillableItem => ({ tier, resource: 'load balancer', type: 'application', count, quantityPerUnit: HOURS_PER_MONTH, priceKey: priceKeys.albHour }),
  mskBrokers: (brokerType: string, count: number): BillableItem => ({ tier: 'kafka', resource: 'MSK brokers', type: brokerType, count, quantityPerUnit: HOURS_PER_MONTH, priceKey: priceKeys.mskBroker(brokerType) }),
  mskStorage: (brokers: number, perBrokerGiB: number): BillableItem => ({ tier: 'kafka', resource: 'MSK broker storage', type: 'gp2', count: brokers, quantityPerUnit: perBrokerGiB, priceKey: priceKeys.mskStorage }),
  flinkKpus: (billedKpus: number): BillableItem => ({ tier: 'flink', resource: 'Flink KPUs (incl. orchestration)', type: 'KPU', count: billedKpus, quantityPerUnit: HOURS_PER_MONTH, priceKey: priceKeys.flinkKpu }),
  flinkRunningStorage: (kpus: number): BillableItem => ({ tier: 'flink', resource: 'Flink running storage', type: 'running-storage', count: kpus, quantityPerUnit: RUNNING_STORAGE_GB_PER_KPU, priceKey: priceKeys.flinkRunningStorage }),
};

/** The resources the plan asks the stacks for. */
export function resourceItemsFromPlan(plan: CapacityPlan, pricing: PricingModel = plan.pricing): BillableItem[] {
  const term = ec2Term(pricing);
  const { ingest, kafka, flink, influx } = plan;
  return [
    items.natGateways(plan.natGateways),
    items.ec2Instances('ingest', ingest.instanceType, ingest.desiredInstances, term),
    items.ebsVolumes('ingest', ingest.desiredInstances, ingest.volumeGiB),
    items.loadBalancers(1),
    items.mskBrokers(kafka.brokerInstanceType, kafka.brokers),
    items.mskStorage(kafka.brokers, kafka.storagePerBrokerGiB),
    items.flinkKpus(flink.billedKpus),
    items.flinkRunningStorage(flink.kpus),
    items.ec2Instances('influx', influx.instanceType, influx.nodes, term),
    items.ebsVolumes('influx', influx.nodes, influx.rootVolumeGiB),
  ];
}

/** Items billed by use: the plan's traffic and data estimates, not countable in a template. */
export function usageItemsFromPlan(plan: CapacityPlan): BillableItem[] {
  const gib = (bytes: number) => bytes / BYTES_PER_GIB;
  return [
    { tier: 'ingest', resource: 'load balancer capacity units', type: 'LCU', count: plan.loadBalancer.lcus, quantityPerUnit: HOURS_PER_MONTH, priceKey: priceKeys.albLcu },
    { tier: 'kafka', resource: 'client traffic across AZs', type: 'inter-AZ', count: 1, quantityPerUnit: gib(plan.transfer.interAzBytesPerMonth), priceKey: priceKeys.interAzTransfer },
    { tier: 'influx', resource: 'backups (S3 Standard)', type: 's3-standard', count: plan.backups.standardCopies, quantityPerUnit: gib(plan.backups.backupBytes), priceKey: priceKeys.s3Standard },
    { tier: 'influx', resource: 'backups (S3 Glacier Deep Archive)', type: 's3-deep-archive', count: plan.backups.archiveCopies, quantityPerUnit: gib(plan.backups.backupBytes), priceKey: priceKeys.s3DeepArchive },
  ];
}
