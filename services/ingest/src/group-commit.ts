/**
 * An append-only file with group commit: appends made while a write+fsync is in progress wait and share
 * the next one, so N concurrent requests cost one fdatasync, not N. append() resolves only after the
 * bytes are on disk — the condition for answering 204.
 */
import { open, type FileHandle } from 'node:fs/promises';

interface Waiter {
  resolve: () => void;
  reject: (e: Error) => void;
}

export class GroupCommitFile {
  private parts: Array<string | Buffer> = [];
  private waiters: Waiter[] = [];
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Bytes on disk plus bytes accepted into the current batch. */
  size: number;

  private constructor(private readonly fh: FileHandle, size: number, private readonly lingerMs: number) {
    this.size = size;
  }

  static async open(path: string, lingerMs = 0): Promise<GroupCommitFile> {
    const fh = await open(path, 'a'); // O_APPEND: workers sharing the JSONL file never overwrite each other
    const { size } = await fh.stat();
    return new GroupCommitFile(fh, size, lingerMs);
  }

  /** Set by close(): a closed file takes no more appends. */
  closed = false;

  append(data: string | Buffer, bytes = typeof data === 'string' ? Buffer.byteLength(data) : data.length): Promise<void> {
    if (this.closed) return Promise.reject(new Error('append to a closed file'));
    this.parts.push(data);
    this.size += bytes;
    const p = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (!this.flushing && !this.timer) {
      // lingerMs > 0 lets a few more requests join the batch; 0 still batches everything that arrives
      // while the previous fsync runs.
      if (this.lingerMs > 0) this.timer = setTimeout(() => this.kick(), this.lingerMs);
      else queueMicrotask(() => this.kick());
    }
    return p;
  }

  private kick(): void {
    this.timer = undefined;
    if (this.flushing || this.parts.length === 0) return;
    this.flushing = this.flushOnce().finally(() => {
      this.flushing = undefined;
      if (this.parts.length) this.kick();
    });
  }

  private async flushOnce(): Promise<void> {
    const parts = this.parts;
    const data = parts.length === 1 && typeof parts[0] !== 'string' ? parts[0] : Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));
    const waiters = this.waiters;
    this.parts = [];
    this.waiters = [];
    try {
      let off = 0;
      while (off < data.length) off += (await this.fh.write(data, off, data.length - off)).bytesWritten;
      await this.fh.datasync();
      for (const w of waiters) w.resolve();
    } catch (e) {
      for (const w of waiters) w.reject(e as Error);
    }
  }

  /** True while bytes are accepted but not yet on disk. */
  get busy(): boolean {
    return this.parts.length > 0 || this.flushing !== undefined;
  }

  /** Waits for every accepted append to be on disk. */
  async drain(): Promise<void> {
    while (this.busy) {
      if (this.timer) { clearTimeout(this.timer); this.kick(); }
      await (this.flushing ?? new Promise((r) => setImmediate(r)));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.drain();
    await this.fh.close();
  }
}
