import type { CapacityConfig } from '../capacity-config';
import { SECONDS_PER_MONTH } from './units';
import type { WorkloadPlan } from './workload';

/**
 * Inter-AZ traffic between Kafka clients and brokers: a partition leader sits in another AZ than
 * its producer (ingest) or consumer (Flink) (AZs - 1) / AZs of the time. Replication between MSK
 * brokers is not billed, and neither is ALB-to-target traffic.
 */
export interface TransferPlan {
  readonly kafkaClientBytesPerSecond: number;
  readonly interAzBytesPerMonth: number;
}

export function planTransfer(config: CapacityConfig, workload: WorkloadPlan): TransferPlan {
  // Billing follows the month's real traffic, so the average rate rather than the peak.
  const producedBytesPerSecond = workload.averageMetricsPerSecond * config.kafka.storedBytesPerRecord.value;
  const kafkaClientBytesPerSecond = 2 * producedBytesPerSecond; // produced once, consumed once
  const crossAzShare = (config.availabilityZones - 1) / config.availabilityZones;
  return {
    kafkaClientBytesPerSecond,
    interAzBytesPerMonth: kafkaClientBytesPerSecond * crossAzShare * SECONDS_PER_MONTH,
  };
}
