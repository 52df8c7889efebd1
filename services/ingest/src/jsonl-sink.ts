/**
 * The embedded default sink: one JSON record value per line (exactly the Kafka record value of
 * docs/wire-format.md), appended to one file with batched fsync. Workers share the file through
 * O_APPEND; each batch is a single write() of whole lines, so lines of different workers never interleave.
 */
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { IngestError } from './errors';
import { GroupCommitFile } from './group-commit';
import type { PointBatch } from './point-batch';
import type { Sink, SinkHealth } from './sink';

export class JsonlSink implements Sink {
  readonly maxPointBytes = Infinity;
  private constructor(private readonly file: GroupCommitFile, readonly description: string) {}

  static async open(filePath: string, lingerMs: number): Promise<JsonlSink> {
    mkdirSync(path.dirname(filePath), { recursive: true });
    return new JsonlSink(await GroupCommitFile.open(filePath, lingerMs), `jsonl:${filePath}`);
  }

  async write(points: PointBatch): Promise<void> {
    if (points.count === 0) return;
    // The batch's values are already LF-separated lines: one copy adds the final LF.
    const data = Buffer.allocUnsafe(points.values.length + 1);
    points.values.copy(data);
    data[points.values.length] = 10;
    try {
      await this.file.append(data);
    } catch (e) {
      throw new IngestError('INGEST_ERR_SINK_FAILED', `writing the JSONL file failed: ${(e as Error).message}`, undefined, 5);
    }
  }

  admission(): IngestError | undefined {
    return this.file.closed ? new IngestError('INGEST_ERR_DRAINING', undefined, undefined, 1) : undefined;
  }

  health(): SinkHealth {
    return this.file.closed ? { ready: false, status: 'unavailable', reason: 'closed' } : { ready: true, status: 'ok' };
  }

  close(): Promise<void> {
    return this.file.close();
  }
}
