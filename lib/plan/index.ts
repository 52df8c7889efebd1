/**
 * The plan: every size the stacks and the cost model use, derived by pure functions from one
 * capacity config. No CDK imports here: the stacks depend on the plan, never the other way round.
 */
import type { CapacityConfig, EnvironmentName, PricingModel } from '../config/schema';
import { planBackups, type BackupPlan } from './backups';
import { planDeployment, validateDeployment, type DeploymentPlan } from './deployment';
import { planFlink, type FlinkPlan } from './flink';
import { planGrafana, type GrafanaPlan } from './grafana';
import { planHostImage, type HostImagePlan } from './hosts';
import { planInflux, type InfluxPlan } from './influx';
import { planIngest, type IngestPlan } from './ingest';
import { planKafka, planKafkaBrokers, type KafkaPlan } from './kafka';
import { planInfluxRead, planLoadBalancer, type InfluxReadPlan, type LoadBalancerPlan } from './load-balancer';
import { capacityEntries } from './measurements';
import { quotaExcesses } from './quotas';
import { planRedundancy, type AzLossPlan, type RedundancyPlan } from './redundancy';
import { planNetworkCharges, type NetworkChargesPlan } from './network-charges';
import { planObservability, type ObservabilityPlan } from './observability';
import { planTransfer, validateTransferConfig, type TransferPlan } from './transfer';
import { TOPICS } from '../topics';
import { validateCapacityConfig } from './validate';
import { planAlarms, type AlarmPlan } from './thresholds';
import { planWorkload, type WorkloadPlan } from './workload';

export { CapacityConfigError } from './errors';
export { requireAmiId } from './hosts';
export type { DeploymentPlan, PlaceholderSetting } from './deployment';
export type { GrafanaPlan };
export type { AlarmPlan, AzLossPlan, RedundancyPlan, BackupPlan, HostImagePlan, FlinkPlan, InfluxPlan, IngestPlan, InfluxReadPlan, KafkaPlan, LoadBalancerPlan, TransferPlan, WorkloadPlan, NetworkChargesPlan, ObservabilityPlan };

export interface CapacityPlan {
  readonly environment: EnvironmentName;
  readonly account?: string;
  readonly region: string;
  readonly availabilityZones: number;
  readonly natGateways: number;
  readonly pricing: PricingModel;
  readonly redundancy: RedundancyPlan;
  readonly workload: WorkloadPlan;
  readonly loadBalancer: LoadBalancerPlan;
  readonly ingest: IngestPlan;
  readonly kafka: KafkaPlan;
  readonly flink: FlinkPlan;
  readonly influx: InfluxPlan;
  /** The internal NLB readers (Grafana, operators) query InfluxDB through. */
  readonly influxRead: InfluxReadPlan;
  readonly backups: BackupPlan;
  /** The Grafana server, its metadata database and its operators-only ALB (lib/plan/grafana.ts). */
  readonly grafana: GrafanaPlan;
  readonly transfer: TransferPlan;
  readonly observability: ObservabilityPlan;
  /** Alarm thresholds and their period (lib/plan/thresholds.ts), for the alarms and the Flink job's alert rules. */
  readonly alarms: AlarmPlan;
  readonly network: NetworkChargesPlan;
  /** Kafka version, AZ IDs, VPC CIDR, protection and placeholder settings (lib/plan/deployment.ts). */
  readonly deployment: DeploymentPlan;
  readonly hostImage: HostImagePlan;
  /** What the plan could not make hold: soft limits it exceeds, redundancy it cannot give. */
  readonly warnings: readonly PlanWarning[];
  /** The per-component capacities the plan divided by, and where each comes from. */
  readonly capacities: readonly PlannedCapacity[];
}

/** A soft problem the plan keeps: the stacks show it as a CDK warning on the tier's stack. */
export interface PlanWarning {
  /** Unique per tier: the CDK warning's id. */
  readonly id: string;
  readonly tier: 'ingest' | 'kafka' | 'flink' | 'influx';
  /** The config field to change. */
  readonly field: string;
  readonly message: string;
}

export interface PlannedCapacity {
  readonly path: string;
  readonly value: number;
  readonly unit: string;
  readonly source: string;
}

/** Validates the config and derives the plan; throws CapacityConfigError naming the field. */
export function planCapacity(config: CapacityConfig): CapacityPlan {
  validateCapacityConfig(config);
  validateDeployment(config);
  validateTransferConfig(config);
  const workload = planWorkload(config);
  const redundancy = planRedundancy(config);
  const influx = planInflux(config, workload, redundancy);
  const brokers = planKafkaBrokers(config, workload, redundancy, influx);
  const flink = planFlink(config, workload, brokers.brokers, redundancy);
  const ingest = planIngest(config, workload, redundancy);
  const tiers = { ingest: ingest.azLoss, kafka: brokers.azLoss, flink: flink.azLoss, influx: influx.azLoss };
  const kafka = planKafka(config, brokers, flink.parallelism);
  const warnings: PlanWarning[] = [
    ...(redundancy.staticStabilityRequired ? redundancyWarnings(redundancy, tiers) : []),
    ...(kafka.partitionReplicasPerBroker > kafka.maxPartitionsPerBroker
      ? [
          {
            id: 'msk-partitions-per-broker',
            tier: 'kafka' as const,
            field: 'kafka.partitions',
            message: `${kafka.partitionReplicasPerBroker} partition replicas per ${kafka.brokerInstanceType} broker, over the ${kafka.maxPartitionsPerBroker} MSK recommends (https://docs.aws.amazon.com/msk/latest/developerguide/bestpractices.html): use fewer partitions, more or larger brokers`,
          },
        ]
      : []),
    ...quotaExcesses(config, { flinkKpus: flink.kpus, brokers: brokers.brokers, ingestMaxInstances: ingest.maxInstances, influxNodes: influx.nodeCount }).map(
      ({ quota, tier, field, message }) => ({ id: quota, tier, field, message }),
    ),
  ];
  const transfer = planTransfer(config, workload);
  const grafana = planGrafana(config);
  return {
    environment: config.environment,
    account: config.account,
    region: config.region,
    availabilityZones: config.availabilityZones,
    natGateways: config.natGateways,
    pricing: config.pricing,
    redundancy,
    workload,
    loadBalancer: planLoadBalancer(config, workload),
    ingest,
    kafka,
    flink,
    influx,
    influxRead: planInfluxRead(config),
    backups: planBackups(config, influx),
    grafana,
    transfer,
    observability: planObservability(config, workload, ingest, kafka, flink, influx, transfer, Object.keys(TOPICS).length, grafana.instances),
    alarms: planAlarms(),
    network: planNetworkCharges(config, ingest, influx, transfer, grafana),
    warnings,
    capacities: Object.values(capacityEntries(config)).map(({ path, capacity: { value, unit, source } }) => ({ path, value, unit, source })),
    deployment: planDeployment(config),
    hostImage: planHostImage(config),
  };
}

/** Tiers the target asks to be statically stable that cannot be (a managed service's placement, a design limit). */
function redundancyWarnings(redundancy: RedundancyPlan, tiers: Record<PlanWarning['tier'], AzLossPlan>): PlanWarning[] {
  const budget = redundancy.downtimeBudgetMinutesPerMonth.toFixed(1);
  return Object.entries(tiers)
    .filter(([, azLoss]) => !azLoss.staticallyStable)
    .map(([tier, azLoss]) => ({
      id: 'static-stability',
      tier: tier as PlanWarning['tier'],
      field: 'redundancy.availabilityTarget',
      message: `${tier} is not statically stable for an AZ loss, which availabilityTarget ${redundancy.availabilityTarget} (${budget} min/month) asks for: ${azLoss.detail}`,
    }));
}
