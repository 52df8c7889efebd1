import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { gunzipLimited, SYNC_GUNZIP_MAX_BYTES } from '../src/body';
import { IngestError } from '../src/errors';

const MiB = 1024 * 1024;
const code = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return e instanceof IngestError ? e.code : `not an IngestError: ${String(e)}`;
  }
  return undefined;
};

describe('gunzipLimited', () => {
  test("Telegraf's request size is inflated at once, without a thread-pool round trip", () => {
    const text = Array.from({ length: 1000 }, (_, i) => `cpu,host=server-${i} usage_user=${i / 10} ${1764230400000000000 + i}`).join('\n');
    const gz = gzipSync(text);
    expect(gz.length).toBeLessThanOrEqual(SYNC_GUNZIP_MAX_BYTES);
    const out = gunzipLimited(gz, 10 * MiB);
    expect(Buffer.isBuffer(out)).toBe(true); // not a Promise
    expect((out as Buffer).toString()).toBe(text);
  });

  test('a small bomb stops at the limit, a small non-gzip body is refused, both as IngestErrors', () => {
    const bomb = gzipSync(Buffer.alloc(50 * MiB, 'a'), { level: 9 });
    expect(bomb.length).toBeLessThanOrEqual(SYNC_GUNZIP_MAX_BYTES);
    expect(code(() => gunzipLimited(bomb, MiB))).toBe('INGEST_ERR_BODY_TOO_LARGE');
    expect(code(() => gunzipLimited(Buffer.from('m f=1'), MiB))).toBe('INGEST_ERR_BAD_GZIP');
  });

  test('a body above the synchronous bound goes to the thread pool, with the same limits', async () => {
    const raw = randomBytes(SYNC_GUNZIP_MAX_BYTES * 2); // incompressible: stays large gzipped
    const gz = gzipSync(raw);
    expect(gz.length).toBeGreaterThan(SYNC_GUNZIP_MAX_BYTES);
    const out = gunzipLimited(gz, 10 * MiB);
    expect(out).toBeInstanceOf(Promise);
    expect((await out).equals(raw)).toBe(true);
    await expect(gunzipLimited(gz, SYNC_GUNZIP_MAX_BYTES)).rejects.toMatchObject({ code: 'INGEST_ERR_BODY_TOO_LARGE' });
    const corrupt = Buffer.concat([gz.subarray(0, 10), randomBytes(gz.length - 10)]);
    await expect(gunzipLimited(corrupt, 10 * MiB)).rejects.toMatchObject({ code: 'INGEST_ERR_BAD_GZIP' });
  });
});
