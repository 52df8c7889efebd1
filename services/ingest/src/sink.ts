import type { IngestError } from './errors';
import type { PointRecord } from './record';

/** Where accepted records go. Implementations: JsonlSink (embedded default) and KafkaSink. */
export interface Sink {
  /** For logs and /health: e.g. `jsonl:/path` or `kafka:topic`. */
  readonly description: string;
  /** Resolves once the records are durable; rejects with an IngestError (503) when they cannot be. */
  write(records: PointRecord[]): Promise<void>;
  /** An error to answer before reading a body when the sink cannot take data now (backpressure). */
  admission(): IngestError | undefined;
  /** false when no data can be taken at all (for /health). */
  healthy(): boolean;
  /** Flushes everything accepted and releases resources. */
  close(): Promise<void>;
}
