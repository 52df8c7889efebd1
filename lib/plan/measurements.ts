/**
 * Our own benchmark figures behind every per-component capacity, and how a figure measured on the
 * benchmark machine translates to the instance type a config plans for. A planning value may sit
 * below its translated measurement (a safety margin, said in the config) but never above it; for
 * sizes (bytes per record or value) the planning value may sit above, never below.
 * See docs/benchmarks.md for the runs.
 */
import type { Capacity, CapacityConfig, Measurement } from '../config/schema';
import { EC2_INSTANCE_TYPES, MSK_BROKER_TYPES } from '../catalog/instance-types';

/** vCPUs of an EC2 or MSK instance type; the plan's catalogue (lib/catalog/instance-types.ts). */
export function vcpusOf(instanceType: string): number {
  const type = EC2_INSTANCE_TYPES[instanceType] ?? MSK_BROKER_TYPES[instanceType];
  if (!type) throw new Error(`unknown instance type "${instanceType}"`);
  return type.vcpus;
}

/**
 * What one vCPU of a planned instance does against one core of the benchmark machine. The benchmark
 * machine is a KVM guest whose 2 vCPUs `lscpu` shows as 2 cores of 1 thread each (Intel Xeon, family 6
 * model 207); we count each as a whole core, the conservative reading. A c6i/m5/i3 vCPU, and a Managed
 * Flink KPU's vCPU, is one hyperthread of a core whose sibling is the next vCPU: two busy siblings give
 * about 1.2x one thread, so a loaded vCPU does about 0.6 of a core.
 */
export const SMT_DERATE = 0.6;

/**
 * The measurement translated to one `instanceType` (per-vcpu) or to one Managed Flink slot at
 * `slotsPerKpu` slots per KPU (per-slot), at saturation; as-measured sizes are returned as they are.
 */
export function translateMeasurement(measurement: Measurement, instanceType?: string, slotsPerKpu = 1): number {
  switch (measurement.rule) {
    case 'per-vcpu':
      if (!instanceType) throw new Error('a per-vcpu measurement needs the instance type it is translated to');
      return (measurement.value / measurement.cores) * vcpusOf(instanceType) * SMT_DERATE;
    case 'per-slot':
      return (measurement.value * SMT_DERATE) / slotsPerKpu;
    case 'as-measured':
      return measurement.value;
  }
}

/** The translation in words, with its figures, as `npm run plan -- --capacity measured` prints it. */
export function translationRule(entry: CapacityEntry): string {
  const m = entry.capacity.measured;
  const at = entry.plannedAt === undefined ? '' : ` x ${Math.round(entry.plannedAt * 100)} % (${entry.plannedAtReason})`;
  const figure = m.value.toLocaleString('en-US');
  switch (m.rule) {
    case 'per-vcpu':
      return `${figure} on ${m.cores} cores / ${m.cores} x ${vcpusOf(entry.instanceType ?? '')} vCPU (${entry.instanceType}) x ${SMT_DERATE} SMT${at}`;
    case 'per-slot':
      return `${figure} per slot x ${SMT_DERATE} SMT / ${entry.slotsPerKpu ?? 1} slot(s) per KPU${at}`;
    case 'as-measured':
      return `${figure} as measured`;
  }
}

/** How a capacity set by `--capacity measured` begins its source, so the report can say so. */
export const MEASURED_SOURCE = 'translated measurement';

/** A capacity's measurement translated to the planned type, at the share of saturation the plan runs it. */
export function measuredPlanningValue(entry: CapacityEntry): number {
  return translateMeasurement(entry.capacity.measured, entry.instanceType, entry.slotsPerKpu) * (entry.plannedAt ?? 1);
}

/** Where a capacity sits in the config, what it is measured against, and which way the bound goes. */
export interface CapacityEntry {
  readonly path: string;
  readonly capacity: Capacity;
  /** The instance type a per-vcpu measurement is translated to. */
  readonly instanceType?: string;
  /** Flink slots sharing one KPU vCPU (per-slot measurements). */
  readonly slotsPerKpu?: number;
  /**
   * The share of saturation the planning value stands for: the ASG's scale-out CPU for ingest, which
   * the peak should reach, not exceed. Absent: planned up to the translated measurement.
   */
  readonly plannedAt?: number;
  readonly plannedAtReason?: string;
  /** Throughputs may be planned below their measurement; sizes above. */
  readonly kind: 'throughput' | 'size';
}

/** The config's capacities, by their path in the config. */
export type CapacityPath =
  | 'ingest.requestsPerSecondPerInstance'
  | 'kafka.recordsPerSecondPerBroker'
  | 'kafka.storedBytesPerRecord'
  | 'flink.pointsPerSecondPerSlot'
  | 'influx.pointsPerSecondPerNode'
  | 'influx.bytesPerStoredValue';

/** Every capacity of the config with what it is measured against, keyed by its path (in the config's order). */
export function capacityEntries(config: CapacityConfig): Readonly<Record<CapacityPath, CapacityEntry>> {
  const entries: Record<CapacityPath, Omit<CapacityEntry, 'path'>> = {
    'ingest.requestsPerSecondPerInstance': {
      capacity: config.ingest.requestsPerSecondPerInstance,
      instanceType: config.ingest.instanceType,
      plannedAt: config.ingest.scaleOutCpuPercent / 100,
      plannedAtReason: 'the ASG scale-out CPU',
      kind: 'throughput',
    },
    'kafka.recordsPerSecondPerBroker': { capacity: config.kafka.recordsPerSecondPerBroker, instanceType: config.kafka.brokerInstanceType, kind: 'throughput' },
    'kafka.storedBytesPerRecord': { capacity: config.kafka.storedBytesPerRecord, kind: 'size' },
    'flink.pointsPerSecondPerSlot': { capacity: config.flink.pointsPerSecondPerSlot, slotsPerKpu: config.flink.parallelismPerKpu, kind: 'throughput' },
    'influx.pointsPerSecondPerNode': { capacity: config.influx.pointsPerSecondPerNode, instanceType: config.influx.instanceType, kind: 'throughput' },
    'influx.bytesPerStoredValue': { capacity: config.influx.bytesPerStoredValue, kind: 'size' },
  };
  return Object.fromEntries(Object.entries(entries).map(([path, entry]) => [path, { path, ...entry }])) as Record<CapacityPath, CapacityEntry>;
}

/** The config with every capacity set to its measurement, translated to the planned instance type. */
export function withMeasuredCapacities(config: CapacityConfig): CapacityConfig {
  const entries = capacityEntries(config);
  const measured = (path: CapacityPath): Capacity => {
    const entry = entries[path];
    return {
      ...entry.capacity,
      value: measuredPlanningValue(entry),
      source: `${MEASURED_SOURCE} (${entry.capacity.measured.command}, ${entry.capacity.measured.date}): ${translationRule(entry)}`,
    };
  };
  return {
    ...config,
    ingest: { ...config.ingest, requestsPerSecondPerInstance: measured('ingest.requestsPerSecondPerInstance') },
    kafka: { ...config.kafka, recordsPerSecondPerBroker: measured('kafka.recordsPerSecondPerBroker'), storedBytesPerRecord: measured('kafka.storedBytesPerRecord') },
    flink: { ...config.flink, pointsPerSecondPerSlot: measured('flink.pointsPerSecondPerSlot') },
    influx: { ...config.influx, pointsPerSecondPerNode: measured('influx.pointsPerSecondPerNode'), bytesPerStoredValue: measured('influx.bytesPerStoredValue') },
  };
}
