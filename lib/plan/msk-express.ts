import type { CapacityConfig } from '../config/schema';
import { CapacityConfigError } from './errors';
import { SECONDS_PER_HOUR, SECONDS_PER_MONTH } from './units';
import type { WorkloadPlan } from './workload';

/**
 * MSK Express brokers, sized by throughput rather than by CPU and disk: each size comes with a
 * recommended ingress and egress (client) throughput; storage is pay-as-you-go, not provisioned;
 * replication is fixed at 3 over 3 AZs (min ISR 2), and data written into the cluster is billed
 * per GB. Used by `npm run plan -- --compare`, not by the stacks.
 * @see https://docs.aws.amazon.com/msk/latest/developerguide/bestpractices-express.html
 * @see https://aws.amazon.com/msk/pricing/
 */
export interface MskExpressBrokerType {
  readonly vcpus: number;
  /** Recommended sustained client throughput per broker, MB/s. */
  readonly ingressMBps: number;
  readonly egressMBps: number;
}

export const MSK_EXPRESS_BROKER_TYPES: Readonly<Record<string, MskExpressBrokerType>> = {
  'express.m7g.large': { vcpus: 2, ingressMBps: 15, egressMBps: 30 },
  'express.m7g.xlarge': { vcpus: 4, ingressMBps: 31, egressMBps: 62 },
  'express.m7g.2xlarge': { vcpus: 8, ingressMBps: 62, egressMBps: 124 },
};

export const EXPRESS_REPLICATION_FACTOR = 3;
export const EXPRESS_AVAILABILITY_ZONES = 3;

export interface MskExpressPlan {
  readonly brokerInstanceType: string;
  readonly brokers: number;
  readonly replicationFactor: number;
  readonly peakIngressMBps: number;
  readonly peakEgressMBps: number;
  /** Bytes the cluster holds for the retention (one logical copy; Express bills stored data, not replicas). */
  readonly storedBytes: number;
  /** Bytes written into the cluster a month (data in). */
  readonly dataInBytesPerMonth: number;
  readonly notes: readonly string[];
}

/**
 * The smallest broker count of `brokerType` that carries the peak produce (ingress) and fetch
 * (egress: the one Flink consumer group) within the recommended throughput, in whole sets of 3.
 */
export function planMskExpress(config: CapacityConfig, workload: WorkloadPlan, brokerType = 'express.m7g.large'): MskExpressPlan {
  const fail = (field: string, rule: string): never => {
    throw new CapacityConfigError(config.environment, field, rule);
  };
  const type = MSK_EXPRESS_BROKER_TYPES[brokerType];
  if (!type) fail('kafka.brokerInstanceType', `("${brokerType}") is not a known MSK Express broker type: expected one of ${Object.keys(MSK_EXPRESS_BROKER_TYPES).join(', ')}`);
  if (config.availabilityZones !== EXPRESS_AVAILABILITY_ZONES) {
    fail('availabilityZones', `(${config.availabilityZones}) must be ${EXPRESS_AVAILABILITY_ZONES} for MSK Express brokers, which always replicate over 3 AZs`);
  }
  const bytesPerRecord = config.kafka.storedBytesPerRecord.value;
  const peakIngressMBps = (workload.peakMetricsPerSecond * bytesPerRecord) / 1e6;
  const peakEgressMBps = peakIngressMBps; // one consumer group reads every record once
  const needed = Math.max(Math.ceil(peakIngressMBps / type.ingressMBps), Math.ceil(peakEgressMBps / type.egressMBps), 1);
  const brokers = Math.ceil(needed / EXPRESS_AVAILABILITY_ZONES) * EXPRESS_AVAILABILITY_ZONES;
  const averageBytesPerSecond = workload.averageMetricsPerSecond * bytesPerRecord;
  const notes: string[] = [];
  if (config.kafka.replicationFactor !== EXPRESS_REPLICATION_FACTOR) notes.push(`replication fixed at ${EXPRESS_REPLICATION_FACTOR} (config says ${config.kafka.replicationFactor})`);
  return {
    brokerInstanceType: brokerType,
    brokers,
    replicationFactor: EXPRESS_REPLICATION_FACTOR,
    peakIngressMBps,
    peakEgressMBps,
    storedBytes: averageBytesPerSecond * config.kafka.retentionHours * SECONDS_PER_HOUR,
    dataInBytesPerMonth: averageBytesPerSecond * SECONDS_PER_MONTH,
    notes,
  };
}

