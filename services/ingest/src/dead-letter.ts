/**
 * Where a point goes that Kafka refuses for good (too large, corrupt, invalid): one JSON line per point,
 * `{"at":ISO time,"reason":…,"key":series key,"value":point-json}`, appended and fsynced to
 * `dead-letter.jsonl` in the worker's spool directory (the same volume as the spool). Setting it aside is
 * what keeps the FIFO spool flowing; the file keeps the point for an operator to inspect or resend.
 */
import { open } from 'node:fs/promises';
import * as path from 'node:path';
import type { PointRecord } from './record';

export const DEAD_LETTER_FILE = 'dead-letter.jsonl';

export class DeadLetterFile {
  readonly path: string;

  constructor(dir: string) {
    this.path = path.join(dir, DEAD_LETTER_FILE);
  }

  /** Resolves once the line is on disk. Rare by construction, so one open/write/fsync per call. */
  async append(record: PointRecord, reason: string): Promise<void> {
    // The value is point-json already (no raw newlines): embedded as is, the line stays one JSON object.
    const line = `{"at":${JSON.stringify(new Date().toISOString())},"reason":${JSON.stringify(reason)},"key":${JSON.stringify(record.key)},"value":${record.value}}\n`;
    const fh = await open(this.path, 'a');
    try {
      await fh.write(line);
      await fh.datasync();
    } finally {
      await fh.close();
    }
  }
}

/** Parses the file's lines (for tests and tools). */
export function parseDeadLetters(text: string): Array<{ at: string; reason: string; key: string; value: Record<string, unknown> }> {
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l));
}
