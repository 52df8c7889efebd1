/**
 * Our measurements (docs/benchmarks.md): each on this project's 2-core benchmark machine, with the
 * command that reproduces it and the rule that translates it to an instance type. Keyed by name; the
 * capacities in lib/plan/capacities.ts quote them by that name.
 */
import type { Measurement } from './schema';

const MACHINE = '2-core x86_64 Debian 12 development machine (shared, load average 3-8 during the runs)';
export const MEASURED = {
  ingestRequests: {
    // Capacity by CPU per request, not by the requests/s of a loaded run: 84 µs of the service's own CPU
    // (workers and primary, the broker apart) per 1-point request at saturation, so 2 cores at full CPU
    // carry 2 x 10^6 / 84 requests/s. The shared machine's load moves requests/s by 2-4x, CPU per request far less.
    value: Math.round((2 * 1e6) / 84),
    unit: 'requests/s on 2 cores at full CPU from 84 µs service CPU per request, 1 point per request, Kafka sink acks=all (point-json-lines-v1), 1,000 keep-alive connections (median of 3 rounds)',
    cores: 2,
    machine: '2-vCPU KVM guest, Intel Xeon family 6 model 207, lscpu: 1 thread per core (shared, load average 15-20 during the runs)',
    date: '2026-12-01',
    command: 'npm run bench:ingest -- --targets ours-kafka',
    rule: 'per-vcpu',
  },
  kafkaRecords: {
    value: 93_967,
    unit: 'records/s into one broker, acks=all, gzip, idempotent producer on the same cores',
    cores: 2,
    machine: MACHINE,
    date: '2026-11-27',
    command: 'npm run bench:kafka -- 1000000',
    rule: 'per-vcpu',
  },
  /** Bulk: large producer batches. Log segments only (the 27 Nov figure, 67.9, counted sparse preallocated indexes). */
  kafkaStoredBytes: {
    value: 26.4,
    unit: 'bytes of log segments per point-json record (gzip batches of up to 256 KiB; indexes negligible)',
    cores: 2,
    machine: MACHINE,
    date: '2026-12-01',
    command: 'npm run bench:kafka -- 1000000',
    rule: 'as-measured',
  },
  /**
   * The ingest service at prod's per-worker rate (the plan's peak points/s over instances x workers, 1
   * point per request) with its default batching (KAFKA_LINGER_MS=30, one partition per send) and codec
   * (zstd): 28 points per record batch. gzip in the same session: 37.4 B (35.1 B the run before). Before
   * the batching change (5 ms linger, series-key partitions, gzip): 2.2 points per batch, 137.1 B. A
   * batch of 1 point takes ~260 B, of 4-7 points ~71 B, of 16+ points ~30 B (gzip 37).
   */
  kafkaStoredBytesProductionShape: {
    value: 29.9,
    unit: 'bytes of log segments per point, ingest bundle (point-json-lines-v1, zstd) at 893 points/s per worker, 2 workers, 12 partitions, KAFKA_LINGER_MS=30, KAFKA_PARTITIONER=sticky',
    cores: 2,
    machine: MACHINE,
    date: '2026-12-01',
    command: 'npm run bench:kafka-shape -- --workers 2 --duration 15 --linger 30',
    rule: 'as-measured',
  },
  flinkSlot: {
    // On one core, as a KPU has one vCPU: the benchmark's JVM (and Maven) pinned to core 0, the broker not.
    value: 41_548,
    unit: 'points/s per parallel slot at parallelism 1, MiniCluster, real Kafka source and aggregates-topic sink',
    cores: 1,
    machine: MACHINE,
    date: '2026-12-01',
    command: 'taskset -c 0 npm run bench:flink -- -Dbench.parallelism=1',
    rule: 'per-slot',
  },
  influxPoints: {
    value: 25_144,
    unit: 'points/s written over HTTP /write in 5,000-point batches (the Flink sink batch), 4 connections',
    cores: 2,
    machine: MACHINE,
    date: '2026-11-27',
    command: 'npm run loadtest -- --url http://127.0.0.1:8086/write?db=bench --connections 4 --requests 300 --points 5000 --series 20000',
    rule: 'per-vcpu',
  },
  influxStoredBytes: {
    value: 8.38,
    unit: 'bytes of TSM per stored value of 1-minute aggregate rows (random-walk floats), after full compaction',
    cores: 2,
    machine: MACHINE,
    date: '2026-11-27',
    command: 'npm run bench:influx-storage',
    rule: 'as-measured',
  },
} as const satisfies Record<string, Measurement>;

export type MeasurementName = keyof typeof MEASURED;
