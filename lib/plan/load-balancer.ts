import type { CapacityConfig } from '../config/schema';
import { BYTES_PER_GIB, SECONDS_PER_HOUR } from './units';
import { requestBodyBytes } from './transfer';
import type { WorkloadPlan } from './workload';

/**
 * One ALB LCU buys, per hour, the largest of: 25 new connections/s, 3,000 active connections,
 * 1 GB processed per hour, 1,000 rule evaluations/s (the first 10 rules of a request are free).
 * @see https://aws.amazon.com/elasticloadbalancing/pricing/
 */
export const LCU = {
  newConnectionsPerSecond: 25,
  activeConnections: 3_000,
  processedBytesPerHour: BYTES_PER_GIB,
  ruleEvaluationsPerSecond: 1_000,
  freeRules: 10,
} as const;

/** Listener rules the ingest ALB evaluates per request (one forward rule). */
export const ALB_RULES_PER_REQUEST = 1;

export interface LoadBalancerPlan {
  readonly requestsPerSecond: number;
  /** Request and response bytes the ALB processes per second. */
  readonly processedBytesPerSecond: number;
  readonly activeConnections: number;
  readonly newConnectionsPerSecond: number;
  readonly lcuByDimension: {
    readonly newConnections: number;
    readonly activeConnections: number;
    readonly processedBytes: number;
    readonly ruleEvaluations: number;
  };
  /** LCUs billed per hour: the largest dimension. */
  readonly lcus: number;
}

export function planLoadBalancer(config: CapacityConfig, workload: WorkloadPlan): LoadBalancerPlan {
  const w = config.workload;
  const requestsPerSecond = workload.peakRequestsPerSecond;
  const bytesPerRequest = requestBodyBytes(config) + w.responseBytesPerRequest;
  const processedBytesPerSecond = requestsPerSecond * bytesPerRequest;
  const newConnectionsPerSecond = workload.activeConnections / w.connectionLifetimeSeconds;
  const billableRules = Math.max(0, ALB_RULES_PER_REQUEST - LCU.freeRules);
  const lcuByDimension = {
    newConnections: newConnectionsPerSecond / LCU.newConnectionsPerSecond,
    activeConnections: workload.activeConnections / LCU.activeConnections,
    processedBytes: (processedBytesPerSecond * SECONDS_PER_HOUR) / LCU.processedBytesPerHour,
    ruleEvaluations: (requestsPerSecond * billableRules) / LCU.ruleEvaluationsPerSecond,
  };
  return {
    requestsPerSecond,
    processedBytesPerSecond,
    activeConnections: workload.activeConnections,
    newConnectionsPerSecond,
    lcuByDimension,
    lcus: Math.max(...Object.values(lcuByDimension)),
  };
}
