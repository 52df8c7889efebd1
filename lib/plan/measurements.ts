/**
 * Our own benchmark figures behind every per-component capacity, and how a figure measured on the
 * benchmark machine translates to the instance type a config plans for. A planning value may sit
 * below its translated measurement (a safety margin, said in the config) but never above it; for
 * sizes (bytes per record or value) the planning value may sit above, never below.
 * See docs/benchmarks.md for the runs.
 */
import type { Capacity, CapacityConfig } from '../capacity-config';
import { EC2_INSTANCE_TYPES, MSK_BROKER_TYPES } from './instance-types';

/**
 * - `per-vcpu`: the service runs one share-nothing worker per vCPU (ingest cluster workers, Kafka
 *   network/IO threads, InfluxDB's writers), so capacity = figure / benchmark cores x vCPUs.
 * - `per-slot`: a Managed Flink slot (1 vCPU per KPU at parallelism-per-KPU 1) against one slot on the
 *   benchmark machine: taken as measured.
 * - `as-measured`: sizes (bytes), independent of the instance type.
 */
export type ScalingRule = 'per-vcpu' | 'per-slot' | 'as-measured';

export interface Measurement {
  /** The figure as measured, on `cores` cores of `machine`. */
  readonly value: number;
  readonly unit: string;
  readonly cores: number;
  readonly machine: string;
  /** YYYY-MM-DD */
  readonly date: string;
  /** The command that reproduces it. */
  readonly command: string;
  readonly rule: ScalingRule;
}

/** vCPUs of an EC2 or MSK instance type; the plan's catalogue (lib/plan/instance-types.ts). */
export function vcpusOf(instanceType: string): number {
  const type = EC2_INSTANCE_TYPES[instanceType] ?? MSK_BROKER_TYPES[instanceType];
  if (!type) throw new Error(`unknown instance type "${instanceType}"`);
  return type.vcpus;
}

/** The measurement translated to one `instanceType` (ignored by per-slot and as-measured rules). */
export function translateMeasurement(measurement: Measurement, instanceType?: string): number {
  switch (measurement.rule) {
    case 'per-vcpu':
      if (!instanceType) throw new Error('a per-vcpu measurement needs the instance type it is translated to');
      return (measurement.value / measurement.cores) * vcpusOf(instanceType);
    case 'per-slot':
    case 'as-measured':
      return measurement.value;
  }
}

/** Where a capacity sits in the config, what it is measured against, and which way the bound goes. */
export interface CapacityEntry {
  readonly path: string;
  readonly capacity: Capacity;
  /** The instance type a per-vcpu measurement is translated to. */
  readonly instanceType?: string;
  /** Throughputs may be planned below their measurement; sizes above. */
  readonly kind: 'throughput' | 'size';
}

export function capacityEntries(config: CapacityConfig): CapacityEntry[] {
  return [
    { path: 'ingest.requestsPerSecondPerInstance', capacity: config.ingest.requestsPerSecondPerInstance, instanceType: config.ingest.instanceType, kind: 'throughput' },
    { path: 'kafka.recordsPerSecondPerBroker', capacity: config.kafka.recordsPerSecondPerBroker, instanceType: config.kafka.brokerInstanceType, kind: 'throughput' },
    { path: 'kafka.storedBytesPerRecord', capacity: config.kafka.storedBytesPerRecord, kind: 'size' },
    { path: 'flink.pointsPerSecondPerSlot', capacity: config.flink.pointsPerSecondPerSlot, kind: 'throughput' },
    { path: 'influx.pointsPerSecondPerNode', capacity: config.influx.pointsPerSecondPerNode, instanceType: config.influx.instanceType, kind: 'throughput' },
    { path: 'influx.bytesPerStoredValue', capacity: config.influx.bytesPerStoredValue, kind: 'size' },
  ];
}

/** The config with every capacity set to its measurement, translated to the planned instance type. */
export function withMeasuredCapacities(config: CapacityConfig): CapacityConfig {
  const measured = (entry: CapacityEntry): Capacity => ({
    ...entry.capacity,
    value: translateMeasurement(entry.capacity.measured, entry.instanceType),
    source: `measured (${entry.capacity.measured.command}, ${entry.capacity.measured.date})`,
  });
  const [ingest, kafkaRecords, kafkaBytes, flink, influxPoints, influxBytes] = capacityEntries(config).map(measured);
  return {
    ...config,
    ingest: { ...config.ingest, requestsPerSecondPerInstance: ingest },
    kafka: { ...config.kafka, recordsPerSecondPerBroker: kafkaRecords, storedBytesPerRecord: kafkaBytes },
    flink: { ...config.flink, pointsPerSecondPerSlot: flink },
    influx: { ...config.influx, pointsPerSecondPerNode: influxPoints, bytesPerStoredValue: influxBytes },
  };
}
