/**
 * Capacities shared by every environment: the per-vCPU (and per-slot) rules that turn our measurements
 * (lib/config/measured.ts) and the reference's figures into the planning values a config carries. Each
 * per-vCPU figure is translated with the SMT derate of lib/plan/measurements.ts (a planned vCPU is a
 * hyperthread, about 0.6 of a benchmark core).
 */
import { EC2_INSTANCE_TYPES, MSK_BROKER_TYPES } from '../catalog/instance-types';
import { MEASURED } from '../config/measured';
import type { Capacity, Measurement, SizeFactor } from '../config/schema';
import { SMT_DERATE } from './measurements';

const REFERENCE = 'shared/reference capacity-planning document';

/** A 2-core measurement per core, as the capacities' notes quote it (the figure itself stays in MEASURED). */
const perCore = (m: Measurement): string => Math.round(m.value / m.cores).toLocaleString('en-US');
/** The same per hyperthread vCPU of a planned instance (lib/plan/measurements.ts SMT_DERATE). */
const perVcpu = (m: Measurement): string => Math.round((m.value / m.cores) * SMT_DERATE).toLocaleString('en-US');
/** Capacities scale with the type's vCPUs (lib/catalog/instance-types.ts); unknown types fail validation, naming the field. */
const ec2Vcpus = (instanceType: string): number => EC2_INSTANCE_TYPES[instanceType]?.vcpus ?? NaN;

/**
 * Kafka broker capacity by vCPU: 25,000 records/s each, about 11 % under the measurement per core x
 * the SMT derate. The reference's 500,000 msg/s per broker is far above what we measured, so it is not used.
 */
export function kafkaCapacity(brokerType: string): Capacity {
  const vcpus = MSK_BROKER_TYPES[brokerType]?.vcpus ?? NaN;
  return {
    value: 25_000 * vcpus,
    unit: 'records/s per broker',
    source: `measured ${perCore(MEASURED.kafkaRecords)} records/s per core with gzip and acks=all (${perVcpu(MEASURED.kafkaRecords)} per hyperthread vCPU), planned at 25,000 per vCPU (${brokerType}: ${vcpus}); the reference's 500,000/broker is above any measurement`,
    measured: MEASURED.kafkaRecords,
  };
}
/**
 * What the brokers store (and replicate, and send to consumers) per point as the ingest service batches
 * at production's per-worker rate, not with bulk batches: a send's ~30 ms of points in one zstd batch.
 */
export const KAFKA_STORED_BYTES: SizeFactor = {
  value: 30,
  unit: 'bytes per record on disk',
  source: `measured ${MEASURED.kafkaStoredBytesProductionShape.value} at the production shape (bulk batches: ${MEASURED.kafkaStoredBytes.value}), rounded up`,
  measured: MEASURED.kafkaStoredBytesProductionShape,
};
/**
 * Flink slot capacity: the reference's 10,000 points/s per worker for one slot per KPU, shared by the
 * slots of a KPU otherwise. A KPU is 1 vCPU (a hyperthread): the measured slot x the SMT derate is
 * 18,480 points/s, so 10,000 keeps a margin; the slot was measured on 2 cores, not re-measured on one yet.
 */
export function flinkSlotCapacity(parallelismPerKpu: number): Capacity {
  return {
    value: 10_000 / parallelismPerKpu,
    unit: 'points/s per parallel slot',
    source: `${REFERENCE}, "Flink": 12 workers carry 100,000 metrics/s (8,333/s each); planned at 10,000/s per KPU (${parallelismPerKpu} slot(s) each), under the measured slot x the SMT derate`,
    measured: MEASURED.flinkSlot,
  };
}
/**
 * InfluxDB write capacity by vCPU: 7,000 points/s each, under the measurement per core x the SMT
 * derate. The reference's 500,000 points/s per node is far above what we measured, so it is not used.
 */
export function influxCapacity(instanceType: string): Capacity {
  const vcpus = ec2Vcpus(instanceType);
  return {
    value: 7_000 * vcpus,
    unit: 'points/s per node',
    source: `measured ${perCore(MEASURED.influxPoints)} points/s per core in 5,000-point batches (${perVcpu(MEASURED.influxPoints)} per hyperthread vCPU), planned at 7,000 per vCPU (${instanceType}: ${vcpus}); the reference's 500,000/node is above any measurement`,
    measured: MEASURED.influxPoints,
  };
}
export const INFLUX_BYTES_PER_VALUE: SizeFactor = {
  value: 8.5,
  unit: 'bytes per stored field value',
  source: `measured ${MEASURED.influxStoredBytes.value}, rounded up: aggregates are noisy floats, which TSM compresses poorly`,
  measured: MEASURED.influxStoredBytes,
};

/**
 * Ingest capacity of a c6i size at the ASG's scale-out CPU (70 %), scaled by vCPU from the reference's
 * c6i.2xlarge figure: the peak should reach the scale-out threshold, not saturation.
 */
export function ingestCapacity(instanceType: string): Capacity {
  const vcpus = ec2Vcpus(instanceType);
  return {
    value: 1_250 * vcpus,
    unit: 'requests/s per instance at the scale-out CPU',
    source: `${REFERENCE}: ~10,000 RPS per c6i.2xlarge (8 vCPU), i.e. 1,250 per vCPU; ${instanceType} scaled by vCPU. Measured ${perCore(MEASURED.ingestRequests)} per core, ${perVcpu(MEASURED.ingestRequests)} per hyperthread vCPU at saturation (by CPU per request): the margin covers a loaded broker and the ±2x spread of the runs`,
    measured: MEASURED.ingestRequests,
  };
}
