/**
 * The plan: every size the stacks and the cost model use, derived by pure functions from one
 * capacity config. No CDK imports here: the stacks depend on the plan, never the other way round.
 */
import type { CapacityConfig, EnvironmentName, PricingModel } from '../capacity-config';
import { planBackups, type BackupPlan } from './backups';
import { planFlink, type FlinkPlan } from './flink';
import { planInflux, type InfluxPlan } from './influx';
import { planIngest, type IngestPlan } from './ingest';
import { planKafka, planKafkaBrokers, type KafkaPlan } from './kafka';
import { planLoadBalancer, type LoadBalancerPlan } from './load-balancer';
import { planNetworkCharges, type NetworkChargesPlan } from './network-charges';
import { planObservability, type ObservabilityPlan } from './observability';
import { planTransfer, validateTransferConfig, type TransferPlan } from './transfer';
import { TOPICS } from '../topics';
import { validateCapacityConfig } from './validate';
import { planWorkload, type WorkloadPlan } from './workload';

export { CapacityConfigError } from './errors';
export type { BackupPlan, FlinkPlan, InfluxPlan, IngestPlan, KafkaPlan, LoadBalancerPlan, NetworkChargesPlan, ObservabilityPlan, TransferPlan, WorkloadPlan };

export interface CapacityPlan {
  readonly environment: EnvironmentName;
  readonly account?: string;
  readonly region: string;
  readonly availabilityZones: number;
  readonly natGateways: number;
  readonly pricing: PricingModel;
  readonly workload: WorkloadPlan;
  readonly loadBalancer: LoadBalancerPlan;
  readonly ingest: IngestPlan;
  readonly kafka: KafkaPlan;
  readonly flink: FlinkPlan;
  readonly influx: InfluxPlan;
  readonly backups: BackupPlan;
  readonly transfer: TransferPlan;
  readonly observability: ObservabilityPlan;
  readonly network: NetworkChargesPlan;
}

/** Validates the config and derives the plan; throws CapacityConfigError naming the field. */
export function planCapacity(config: CapacityConfig): CapacityPlan {
  validateCapacityConfig(config);
  validateTransferConfig(config);
  const workload = planWorkload(config);
  const brokers = planKafkaBrokers(config, workload);
  const flink = planFlink(config, workload, brokers.brokers);
  const influx = planInflux(config, workload);
  const ingest = planIngest(config, workload);
  const kafka = planKafka(config, brokers, flink.parallelism);
  const transfer = planTransfer(config, workload);
  return {
    environment: config.environment,
    account: config.account,
    region: config.region,
    availabilityZones: config.availabilityZones,
    natGateways: config.natGateways,
    pricing: config.pricing,
    workload,
    loadBalancer: planLoadBalancer(config, workload),
    ingest,
    kafka,
    flink,
    influx,
    backups: planBackups(config, influx),
    transfer,
    observability: planObservability(config, workload, ingest, kafka, flink, influx, transfer, Object.keys(TOPICS).length),
    network: planNetworkCharges(config, ingest, influx, transfer),
  };
}
