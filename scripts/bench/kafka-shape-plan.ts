/**
 * The production shape `npm run bench:kafka-shape` reproduces, read from the plan (never restated):
 * per-worker request and point rates, points per request, connections per worker and partitions, and
 * the bulk bytes-per-record figure it is compared with.
 * Prints shell assignments for scripts/bench/kafka-shape.sh to eval.
 *   tsx scripts/bench/kafka-shape-plan.ts [env]   (default prod)
 */
import { capacityConfigFor } from '../../lib/capacity-config';
import { MEASURED } from '../../lib/config/measured';
import { planCapacity } from '../../lib/plan';

const env = process.argv[2] ?? 'prod';
const plan = planCapacity(capacityConfigFor(env));
const workers = plan.ingest.desiredInstances * plan.ingest.workersPerInstance;
const shape = {
  SHAPE_ENV: env,
  SHAPE_WORKERS_TOTAL: workers,
  SHAPE_REQUESTS_PER_WORKER: Math.round(plan.workload.peakRequestsPerSecond / workers),
  SHAPE_POINTS_PER_WORKER: Math.round(plan.workload.peakMetricsPerSecond / workers),
  SHAPE_POINTS_PER_REQUEST: Math.round(plan.workload.peakMetricsPerSecond / plan.workload.peakRequestsPerSecond),
  SHAPE_CONNECTIONS_PER_WORKER: Math.ceil(plan.workload.activeConnections / workers),
  SHAPE_PARTITIONS: plan.kafka.partitions,
  SHAPE_BULK_BYTES: MEASURED.kafkaStoredBytes.value,
};
for (const [k, v] of Object.entries(shape)) console.log(`${k}=${v}`);
