import type { IngestError } from './errors';
import type { PointBatch } from './point-batch';

/** What /health reports for the sink: `ready` decides 200 or 503, `status` and `reason` go into the body. */
export interface SinkHealth {
  readonly ready: boolean;
  readonly status: 'ok' | 'spooling' | 'unavailable';
  /** Why the sink is not sending directly, in words an operator can act on. */
  readonly reason?: string;
}

/** Where accepted records go. Implementations: JsonlSink (embedded default) and KafkaSink. */
export interface Sink {
  /** For logs and /health: e.g. `jsonl:/path` or `kafka:topic`. */
  readonly description: string;
  /** Longest record value (UTF-8 bytes) one point may have to be deliverable; Infinity without a bound. */
  readonly maxPointBytes: number;
  /** Resolves once the points are durable; rejects with an IngestError (503) when they cannot be. */
  write(points: PointBatch): Promise<void>;
  /** An error to answer before reading a body when the sink cannot take data now (backpressure). */
  admission(): IngestError | undefined;
  /**
   * Resolves once the sink has room again for a request admission() refused as overloaded, or after
   * `ms`: the request waits, unread, instead of being refused at the first full queue.
   */
  room?(ms: number): Promise<void>;
  /** For /health (readiness). */
  health(): SinkHealth;
  /** Flushes everything accepted and releases resources. */
  close(): Promise<void>;
}
