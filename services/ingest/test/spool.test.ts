import { appendFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { IngestError } from '../src/errors';
import { PointBatch } from '../src/point-batch';
import type { PointRecord } from '../src/record';
import { Spool } from '../src/spool';

const rec = (i: number, key = `m,h=${i % 3}`): PointRecord => ({ key, value: `{"v":1,"m":"m","t":{},"f":{"i":${i}},"ts":"${i}","rcv":0}` });
const recs = (from: number, n: number) => Array.from({ length: n }, (_, i) => rec(from + i));

let dir: string;
beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'spool-test-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function drainAll(spool: Spool, chunk = 5000): Promise<PointRecord[]> {
  const got: PointRecord[] = [];
  await spool.replay(async (c) => void got.push(...c.toRecords()), chunk);
  return got;
}

describe('Spool', () => {
  test('replays appended records in order, then is empty with no files left', async () => {
    const spool = new Spool({ dir, maxBytes: 1 << 20 });
    await spool.append([PointBatch.of(recs(0, 10))]);
    await spool.append([PointBatch.of(recs(10, 5))]);
    expect(spool.isEmpty).toBe(false);
    expect(await drainAll(spool)).toEqual(recs(0, 15));
    expect(spool.isEmpty).toBe(true);
    expect(spool.bytes).toBe(0);
    expect(readdirSync(dir)).toEqual([]);
  });

  test('keys with tabs, quotes and newlines survive the framing', async () => {
    const spool = new Spool({ dir, maxBytes: 1 << 20 });
    const odd = [rec(1, 'm,t=a\tb'), rec(2, 'm,t="q"\nx'), rec(3, '温度')];
    await spool.append([PointBatch.of(odd)]);
    expect(await drainAll(spool)).toEqual(odd);
  });

  test('rotates segments and keeps order across them', async () => {
    const spool = new Spool({ dir, maxBytes: 1 << 20, segmentBytes: 500 });
    for (let i = 0; i < 20; i++) await spool.append([PointBatch.of(recs(i * 5, 5))]);
    expect(readdirSync(dir).filter((f) => f.endsWith('.spool')).length).toBeGreaterThan(3);
    expect(await drainAll(spool, 7)).toEqual(recs(0, 100));
  });

  test('refuses with SPOOL_FULL over the bound and keeps what it had', async () => {
    const spool = new Spool({ dir, maxBytes: 1000 });
    await spool.append([PointBatch.of(recs(0, 5))]);
    const err = await spool.append([PointBatch.of(recs(5, 50))]).catch((e) => e);
    expect(err).toBeInstanceOf(IngestError);
    expect(err.code).toBe('INGEST_ERR_SPOOL_FULL');
    expect(err.statusCode).toBe(503);
    expect(spool.hasRoom).toBe(false); // full from the first refusal ...
    expect(await drainAll(spool)).toEqual(recs(0, 5));
    expect(spool.hasRoom).toBe(true); // ... until a replay freed space
  });

  test('a failed send keeps the position: acknowledged chunks are not resent', async () => {
    const spool = new Spool({ dir, maxBytes: 1 << 20 });
    await spool.append([PointBatch.of(recs(0, 10))]);
    const sent: PointRecord[][] = [];
    let calls = 0;
    await expect(
      spool.replay(async (c) => {
        if (++calls === 2) throw new Error('broker down');
        sent.push(c.toRecords());
      }, 4),
    ).rejects.toThrow('broker down');
    expect(sent).toEqual([recs(0, 4)]);
    expect(await drainAll(spool, 4)).toEqual(recs(4, 6));
  });

  test('a new Spool on the same directory (restart) finds the records and drops a torn tail', async () => {
    const first = new Spool({ dir, maxBytes: 1 << 20 });
    await first.append([PointBatch.of(recs(0, 3))]);
    await first.close();
    const seg = readdirSync(dir).find((f) => f.endsWith('.spool'))!;
    appendFileSync(path.join(dir, seg), '"m,h=9"\t{"v":1,"m":"m","t":{},"f":{"i":9'); // crash mid-write, never fsynced
    const second = new Spool({ dir, maxBytes: 1 << 20 });
    expect(second.isEmpty).toBe(false);
    expect(await drainAll(second)).toEqual(recs(0, 3));
  });

  test('records appended while a replay runs are replayed too, after the older ones', async () => {
    const spool = new Spool({ dir, maxBytes: 1 << 20 });
    await spool.append([PointBatch.of(recs(0, 4))]);
    const got: PointRecord[] = [];
    let appended = false;
    await spool.replay(async (c) => {
      got.push(...c.toRecords());
      if (!appended) {
        appended = true;
        await spool.append([PointBatch.of(recs(4, 4))]);
      }
    }, 2);
    expect(got).toEqual(recs(0, 8));
    expect(spool.isEmpty).toBe(true);
  });

  test('a damaged line in the middle is skipped, the rest replays', async () => {
    const spool = new Spool({ dir, maxBytes: 1 << 20 });
    await spool.append([PointBatch.of(recs(0, 2))]);
    await spool.close();
    const seg = readdirSync(dir).find((f) => f.endsWith('.spool'))!;
    appendFileSync(path.join(dir, seg), '"broken\t{}\n' + JSON.stringify(rec(2).key) + '\t' + rec(2).value + '\n');
    expect(await drainAll(new Spool({ dir, maxBytes: 1 << 20 }))).toEqual(recs(0, 3));
  });
});
