/**
 * The cost model: a pure function from a plan and a price snapshot to monthly line items. Each line
 * is count x quantity x unit price, with the quantity in the price list's own unit, so a reviewer
 * can recompute any line from the table.
 */
import type { PricingModel } from '../capacity-config';
import type { CapacityPlan } from '../plan';
import { RUNNING_STORAGE_GB_PER_KPU } from '../plan/flink';
import { BYTES_PER_GIB, HOURS_PER_MONTH } from '../plan/units';
import { priceOf, type PriceSnapshot } from './price-catalog';
import { priceKeys, type Ec2Term } from './price-keys';

export const TIERS = ['network', 'ingest', 'kafka', 'flink', 'influx'] as const;
export type Tier = (typeof TIERS)[number];

export interface CostLine {
  readonly tier: Tier;
  readonly resource: string;
  /** Instance type, volume type or price dimension. */
  readonly type: string;
  /** How many of the resource (instances, volumes, KPUs, LCUs); fractional for LCUs. */
  readonly count: number;
  readonly unitPriceUsd: number;
  /** Price-list unit of `unitPriceUsd`. */
  readonly unit: string;
  /** Billed units per month across all `count` resources. */
  readonly monthlyQuantity: number;
  readonly monthlyUsd: number;
  readonly priceKey: string;
}

export interface CostReport {
  readonly environment: string;
  readonly region: string;
  readonly pricing: PricingModel;
  readonly lines: readonly CostLine[];
  readonly monthlyUsdByTier: Readonly<Record<Tier, number>>;
  readonly totalMonthlyUsd: number;
  /** Average metrics per month, in millions. */
  readonly millionMetricsPerMonth: number;
  readonly costPerMillionMetricsUsd: number;
  readonly prices: { readonly generatedAt: string; readonly refreshedFromApi: boolean };
}

export function ec2Term(pricing: PricingModel): Ec2Term {
  return pricing === 'reserved-1yr-no-upfront' ? 'reserved-1yr-no-upfront' : 'on-demand';
}

/** Prices the plan; `pricing` overrides the plan's pricing model (EC2 reserved vs on-demand). */
export function costPlan(plan: CapacityPlan, prices: PriceSnapshot, pricing: PricingModel = plan.pricing): CostReport {
  const lines: CostLine[] = [];
  const add = (tier: Tier, resource: string, type: string, count: number, perResourceQuantity: number, key: string): void => {
    const price = priceOf(prices, key);
    const monthlyQuantity = count * perResourceQuantity;
    lines.push({
      tier,
      resource,
      type,
      count,
      unitPriceUsd: price.usd,
      unit: price.unit,
      monthlyQuantity,
      monthlyUsd: monthlyQuantity * price.usd,
      priceKey: key,
    });
  };
  const term = ec2Term(pricing);
  const gib = (bytes: number) => bytes / BYTES_PER_GIB;

  add('network', 'NAT gateways', 'nat-gateway', plan.natGateways, HOURS_PER_MONTH, priceKeys.natGatewayHour);

  const { ingest, loadBalancer: alb } = plan;
  add('ingest', 'ingest instances', ingest.instanceType, ingest.desiredInstances, HOURS_PER_MONTH, priceKeys.ec2Instance(ingest.instanceType, term));
  add('ingest', 'ingest volumes', 'gp3', ingest.desiredInstances, ingest.volumeGiB, priceKeys.ebsGp3Storage);
  add('ingest', 'load balancer', 'application', 1, HOURS_PER_MONTH, priceKeys.albHour);
  add('ingest', 'load balancer capacity units', 'LCU', alb.lcus, HOURS_PER_MONTH, priceKeys.albLcu);

  const { kafka } = plan;
  add('kafka', 'MSK brokers', kafka.brokerInstanceType, kafka.brokers, HOURS_PER_MONTH, priceKeys.mskBroker(kafka.brokerInstanceType));
  add('kafka', 'MSK broker storage', 'gp2', kafka.brokers, kafka.storagePerBrokerGiB, priceKeys.mskStorage);
  add('kafka', 'client traffic across AZs', 'inter-AZ', 1, gib(plan.transfer.interAzBytesPerMonth), priceKeys.interAzTransfer);

  const { flink } = plan;
  add('flink', 'Flink KPUs (incl. orchestration)', 'KPU', flink.billedKpus, HOURS_PER_MONTH, priceKeys.flinkKpu);
  add('flink', 'Flink running storage', 'running-storage', flink.kpus, RUNNING_STORAGE_GB_PER_KPU, priceKeys.flinkRunningStorage);

  const { influx, backups } = plan;
  add('influx', 'InfluxDB instances', influx.instanceType, influx.nodes, HOURS_PER_MONTH, priceKeys.ec2Instance(influx.instanceType, term));
  add('influx', 'InfluxDB root volumes', 'gp3', influx.nodes, influx.rootVolumeGiB, priceKeys.ebsGp3Storage);
  add('influx', 'backups (S3 Standard)', 's3-standard', backups.standardCopies, gib(backups.backupBytes), priceKeys.s3Standard);
  add('influx', 'backups (S3 Glacier Deep Archive)', 's3-deep-archive', backups.archiveCopies, gib(backups.backupBytes), priceKeys.s3DeepArchive);

  const monthlyUsdByTier = Object.fromEntries(TIERS.map((tier) => [tier, 0])) as Record<Tier, number>;
  for (const line of lines) monthlyUsdByTier[line.tier] += line.monthlyUsd;
  const totalMonthlyUsd = lines.reduce((sum, line) => sum + line.monthlyUsd, 0);
  const millionMetricsPerMonth = (plan.workload.averageMetricsPerSecond * HOURS_PER_MONTH * 3600) / 1e6;
  const entries = Object.values(prices.prices);
  return {
    environment: plan.environment,
    region: plan.region,
    pricing,
    lines,
    monthlyUsdByTier,
    totalMonthlyUsd,
    millionMetricsPerMonth,
    costPerMillionMetricsUsd: totalMonthlyUsd / millionMetricsPerMonth,
    prices: { generatedAt: prices.generatedAt, refreshedFromApi: entries.every((e) => e.refreshedFromApi) },
  };
}
