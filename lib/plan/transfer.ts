import { CLIENT_NETWORKS, REQUEST_COMPRESSIONS, type CapacityConfig, type ClientNetwork, type RequestCompression } from '../config/schema';
import { CapacityConfigError } from './errors';
import { AGGREGATE_RECORD_BYTES } from './kafka';
import { SECONDS_PER_MONTH } from './units';
import type { WorkloadPlan } from './workload';

/**
 * Data transfer the deployment is billed for, at the month's average rate (billing follows the
 * month's real traffic, not the peak): bytes to and from clients, and every flow that crosses an
 * AZ. Replication between MSK brokers and ALB-to-target traffic are not billed.
 * @see https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer
 * @see https://aws.amazon.com/msk/pricing/ (no charge for data transfer between brokers)
 */

// The config's vocabulary (lib/config/schema.ts), for the plan's importers.
export { CLIENT_NETWORKS, REQUEST_COMPRESSIONS, type ClientNetwork, type RequestCompression } from '../config/schema';

/**
 * Wire overhead per HTTP exchange on a keep-alive TLS connection: a TLS 1.3 record adds a 5 B
 * header, a 16 B AEAD tag and 1 B of content type (RFC 8446 §5.2); every TCP segment carries 20 B
 * of IPv4 and 32 B of TCP header (20 B + the 12 B timestamps option Linux sends). Data transfer is
 * metered on IP packets, headers included.
 */
export const WIRE = {
  tlsRecordOverheadBytes: 22,
  tcpIpHeaderBytes: 52,
  /** MSS on a 1,500 B MTU path with TCP timestamps. */
  segmentPayloadBytes: 1_448,
  /** Delayed ACK: the receiver acknowledges every second full segment. */
  segmentsPerAck: 2,
} as const;

/**
 * Grafana and operators querying InfluxDB: a wall of about 10 dashboards of 20 panels refreshing
 * every minute, ~30 KB of JSON per panel query, i.e. ~100 KB/s. An assumption until measured.
 */
export const OPERATOR_QUERY_BYTES_PER_SECOND = 100_000;

/** One flow between tiers that crosses an AZ: billed $0.01/GB out of one AZ and $0.01/GB into the other. */
export interface CrossAzFlow {
  readonly name: 'ingest → MSK' | 'MSK → Flink' | 'Flink → MSK (aggregates)' | 'MSK → InfluxDB loaders' | 'operators → InfluxDB';
  readonly tier: 'kafka' | 'flink' | 'influx';
  /** Bytes of the flow that cross an AZ boundary per month, counted once (one direction). */
  readonly crossAzBytesPerMonth: number;
  readonly why: string;
}

export interface TransferPlan {
  readonly clientNetwork: ClientNetwork;
  readonly requestCompression: RequestCompression;
  /** Average client requests/s (the month's traffic). */
  readonly averageRequestsPerSecond: number;
  /** Bytes one request puts on the wire towards the ALB: body, headers, TLS and TCP/IP. */
  readonly inBytesPerRequest: number;
  /** Bytes the ALB sends back per request: the response, TLS, TCP/IP, and ACKs of the request. */
  readonly outBytesPerRequest: number;
  readonly clientInBytesPerMonth: number;
  readonly clientOutBytesPerMonth: number;
  /** Share of a flow between two AZ-spread tiers that crosses AZs: (AZs - 1) / AZs. */
  readonly crossAzShare: number;
  readonly crossAzFlows: readonly CrossAzFlow[];
  /** Kafka produce + fetch bytes per second (the two Kafka client flows), for reference. */
  readonly kafkaClientBytesPerSecond: number;
}

/**
 * gzip of a batch of line-protocol or JSON points: ~18 B of header and trailer, the first point
 * at ~60 % of its size, every further one at ~10 % (tags, field names and timestamps repeat).
 * An estimate from typical agent payloads, until measured.
 */
export const GZIP = { frameBytes: 18, firstMetricRatio: 0.6, furtherMetricRatio: 0.1 } as const;

/** Request body bytes on the wire: points x bytes per point, gzip-compressed when the config says so. */
export function requestBodyBytes(config: CapacityConfig): number {
  const w = config.workload;
  if ((w.requestCompression ?? 'none') !== 'gzip') return w.metricsPerRequest * w.bytesPerMetric;
  return GZIP.frameBytes + w.bytesPerMetric * (GZIP.firstMetricRatio + (w.metricsPerRequest - 1) * GZIP.furtherMetricRatio);
}

/** TCP segments needed for `payload` bytes of TLS-wrapped data. */
function segments(payload: number): number {
  return Math.max(1, Math.ceil(payload / WIRE.segmentPayloadBytes));
}

export function planTransfer(config: CapacityConfig, workload: WorkloadPlan): TransferPlan {
  const w = config.workload;
  const averageRequestsPerSecond = workload.averageMetricsPerSecond / w.metricsPerRequest;
  const requestTls = requestBodyBytes(config) + WIRE.tlsRecordOverheadBytes;
  const responseTls = w.responseBytesPerRequest + WIRE.tlsRecordOverheadBytes;
  const inBytesPerRequest = requestTls + segments(requestTls) * WIRE.tcpIpHeaderBytes;
  // The ACK of a one- or two-segment request rides on the response; longer ones need their own.
  const acks = Math.floor(segments(requestTls) / WIRE.segmentsPerAck);
  const outBytesPerRequest = responseTls + segments(responseTls) * WIRE.tcpIpHeaderBytes + acks * WIRE.tcpIpHeaderBytes;

  const crossAzShare = (config.availabilityZones - 1) / config.availabilityZones;
  const producedBytesPerSecond = workload.averageMetricsPerSecond * config.kafka.storedBytesPerRecord.value;
  const aggregateRowsPerSecond = workload.activeSeries / config.flink.windowSeconds;
  const aggregateBytesPerSecond = aggregateRowsPerSecond * AGGREGATE_RECORD_BYTES;
  const month = (bytesPerSecond: number) => bytesPerSecond * crossAzShare * SECONDS_PER_MONTH;
  const crossAzFlows: CrossAzFlow[] = [
    {
      name: 'ingest → MSK',
      tier: 'kafka',
      crossAzBytesPerMonth: month(producedBytesPerSecond),
      why: `${config.kafka.storedBytesPerRecord.value} B per point (compressed batches) to the partition leader, in another AZ ${pct(crossAzShare)} of the time`,
    },
    {
      name: 'MSK → Flink',
      tier: 'flink',
      crossAzBytesPerMonth: month(producedBytesPerSecond),
      why: `every point fetched once from the partition leader, in another AZ ${pct(crossAzShare)} of the time`,
    },
    {
      name: 'Flink → MSK (aggregates)',
      tier: 'flink',
      crossAzBytesPerMonth: month(aggregateBytesPerSecond),
      why: `${Math.round(aggregateRowsPerSecond).toLocaleString('en-US')} aggregate rows/s x ${AGGREGATE_RECORD_BYTES} B to the aggregates topic's partition leader, in another AZ ${pct(crossAzShare)} of the time`,
    },
    {
      name: 'MSK → InfluxDB loaders',
      tier: 'influx',
      // Every node's loader fetches its shard's aggregates itself: RF copies of the topic leave the leaders.
      crossAzBytesPerMonth: month(aggregateBytesPerSecond * config.influx.replicationFactor),
      why: `each node's loader fetches the aggregates topic from MSK: ${Math.round(aggregateRowsPerSecond).toLocaleString('en-US')} rows/s x ${AGGREGATE_RECORD_BYTES} B x RF ${config.influx.replicationFactor}, from a leader in another AZ ${pct(crossAzShare)} of the time`,
    },
    {
      name: 'operators → InfluxDB',
      tier: 'influx',
      crossAzBytesPerMonth: month(OPERATOR_QUERY_BYTES_PER_SECOND),
      why: `Grafana/operator query responses, ~${OPERATOR_QUERY_BYTES_PER_SECOND / 1000} KB/s assumed, from a node in another AZ`,
    },
  ];
  return {
    clientNetwork: w.clientNetwork ?? 'internet',
    requestCompression: w.requestCompression ?? 'none',
    averageRequestsPerSecond,
    inBytesPerRequest,
    outBytesPerRequest,
    clientInBytesPerMonth: averageRequestsPerSecond * inBytesPerRequest * SECONDS_PER_MONTH,
    clientOutBytesPerMonth: averageRequestsPerSecond * outBytesPerRequest * SECONDS_PER_MONTH,
    crossAzShare,
    crossAzFlows,
    kafkaClientBytesPerSecond: 2 * producedBytesPerSecond,
  };
}

function pct(share: number): string {
  return `${Math.round(share * 100)} %`;
}

/** The transfer fields of the config: one of the known values, or absent for the default. */
export function validateTransferConfig(config: CapacityConfig): void {
  const w = config.workload;
  if (w.clientNetwork !== undefined && !(CLIENT_NETWORKS as readonly string[]).includes(w.clientNetwork)) {
    throw new CapacityConfigError(config.environment, 'workload.clientNetwork', `("${w.clientNetwork}") must be one of ${CLIENT_NETWORKS.join(', ')}`);
  }
  if (w.requestCompression !== undefined && !(REQUEST_COMPRESSIONS as readonly string[]).includes(w.requestCompression)) {
    throw new CapacityConfigError(config.environment, 'workload.requestCompression', `("${w.requestCompression}") must be one of ${REQUEST_COMPRESSIONS.join(', ')}`);
  }
}
