import type { CapacityConfig } from '../config/schema';
import { BYTES_PER_GIB, SECONDS_PER_HOUR } from './units';
import { OPERATOR_QUERY_BYTES_PER_SECOND, requestBodyBytes } from './transfer';
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

/**
 * One NLCU (TCP listener) buys, per hour, the largest of: 800 new connections/s, 100,000 active
 * connections, 1 GB processed per hour.
 * @see https://aws.amazon.com/elasticloadbalancing/pricing/
 */
export const NLCU = {
  newConnectionsPerSecond: 800,
  activeConnections: 100_000,
  processedBytesPerHour: BYTES_PER_GIB,
} as const;

/**
 * What reads InfluxDB through the internal NLB: Grafana's dashboards and operators' queries. No
 * measured figure exists yet; these are stated assumptions (the query bytes of lib/plan/transfer.ts,
 * over a few keep-alive connections), priced so the line shows and moves with them.
 */
export const INFLUX_READ_LOAD = {
  /** Query responses through the NLB. */
  processedBytesPerSecond: OPERATOR_QUERY_BYTES_PER_SECOND,
  activeConnections: 50,
  newConnectionsPerSecond: 1,
} as const;

export interface InfluxReadPlan {
  /** HTTP health check of every node: InfluxDB 1.x answers GET /ping with 204 No Content. */
  readonly healthCheck: {
    readonly path: string;
    /** NLB HTTP health checks accept codes 200-599 (default 200-399): https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_Matcher.html */
    readonly successCodes: string;
    readonly intervalSeconds: number;
    readonly timeoutSeconds: number;
    readonly healthyThreshold: number;
    readonly unhealthyThreshold: number;
  };
  /** A node leaving the target group finishes its running queries within this. */
  readonly deregistrationDelaySeconds: number;
  /**
   * Cross-zone balancing: needed when some AZ does not hold a copy of every shard (replication
   * factor below the AZ count), so its NLB node can reach one; off otherwise (no inter-AZ charge).
   */
  readonly crossZone: boolean;
  readonly load: typeof INFLUX_READ_LOAD;
  readonly nlcuByDimension: { readonly newConnections: number; readonly activeConnections: number; readonly processedBytes: number };
  /** NLCUs billed per hour: the largest dimension. */
  readonly nlcus: number;
}

export function planInfluxRead(config: CapacityConfig): InfluxReadPlan {
  const load = INFLUX_READ_LOAD;
  const nlcuByDimension = {
    newConnections: load.newConnectionsPerSecond / NLCU.newConnectionsPerSecond,
    activeConnections: load.activeConnections / NLCU.activeConnections,
    processedBytes: (load.processedBytesPerSecond * SECONDS_PER_HOUR) / NLCU.processedBytesPerHour,
  };
  return {
    healthCheck: { path: '/ping', successCodes: '204', intervalSeconds: 10, timeoutSeconds: 5, healthyThreshold: 2, unhealthyThreshold: 2 },
    deregistrationDelaySeconds: 30,
    crossZone: config.influx.replicationFactor < config.availabilityZones,
    load,
    nlcuByDimension,
    nlcus: Math.max(...Object.values(nlcuByDimension)),
  };
}
