/**
 * Request body reading with limits enforced as early as possible: Content-Length is checked before a
 * byte is read, the running size while reading (chunked bodies have no length), and the decompressed
 * size while gunzipping (a gzip bomb stops at the limit, it is never inflated whole).
 */
import type { IncomingMessage } from 'node:http';
import { isUtf8 } from 'node:buffer';
import { gunzip, gunzipSync } from 'node:zlib';
import { IngestError } from './errors';

const tooLarge = (limit: number) => new IngestError('INGEST_ERR_BODY_TOO_LARGE', `Request body exceeds the limit of ${limit} bytes`);

/** Throws BODY_TOO_LARGE when the declared length is over the limit (answered without reading). */
export function checkDeclaredLength(req: IncomingMessage, limit: number): void {
  const cl = req.headers['content-length'];
  if (cl !== undefined && Number(cl) > limit) throw tooLarge(limit);
}

export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        cleanup();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(c);
    };
    const onEnd = () => {
      cleanup();
      // One chunk (the common case for small bodies) needs no copy.
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    };
    const onClose = () => {
      cleanup();
      reject(new Error('client closed the connection before the body was complete'));
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onClose);
      req.off('close', onClose);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onClose);
    req.on('close', onClose);
  });
}

/**
 * Compressed bodies up to this size are inflated synchronously. Telegraf's default request (1,000
 * points, ~14 kB gzipped) inflates in ~0.25 ms on the event loop, while the thread pool's stream set-up
 * and hand-offs cost ~0.35–0.55 ms of CPU for the same body (docs/benchmarks.md); parsing the inflated
 * body blocks the loop ~10x longer anyway. maxOutputLength still bounds what one body can inflate to.
 */
export const SYNC_GUNZIP_MAX_BYTES = 64 * 1024;

const gunzipError = (err: unknown, limit: number): IngestError => {
  if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
    return new IngestError('INGEST_ERR_BODY_TOO_LARGE', `Decompressed body exceeds the limit of ${limit} bytes`);
  }
  return new IngestError('INGEST_ERR_BAD_GZIP', `Body is not valid gzip: ${(err as Error).message}`);
};

/**
 * Gunzips, stopping at `limit` output bytes: small bodies at once (a Buffer), larger ones on the libuv
 * thread pool (a Promise), so the event loop never inflates a large body itself. Either way a bad or
 * oversized body is an IngestError (thrown, or the promise's rejection).
 */
export function gunzipLimited(body: Buffer, limit: number): Buffer | Promise<Buffer> {
  if (body.length <= SYNC_GUNZIP_MAX_BYTES) {
    try {
      return gunzipSync(body, { maxOutputLength: limit });
    } catch (err) {
      throw gunzipError(err, limit);
    }
  }
  return new Promise((resolve, reject) => {
    gunzip(body, { maxOutputLength: limit }, (err, out) => (err ? reject(gunzipError(err, limit)) : resolve(out)));
  });
}

/** Decodes UTF-8; on invalid input names the first line that holds a bad sequence. */
export function decodeUtf8(body: Buffer): string {
  checkUtf8(body);
  return body.toString('utf8');
}

/** Throws INVALID_UTF8 naming the first line that holds a bad sequence; the line-protocol parser reads
 *  the bytes themselves, so it needs the check but not the decoded string. */
export function checkUtf8(body: Buffer): void {
  // isUtf8 is a native scan, far cheaper than a fatal TextDecoder over the whole body.
  if (isUtf8(body)) return;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let line = 1;
  let start = 0;
  while (start <= body.length) {
    let end = body.indexOf(10, start);
    if (end === -1) end = body.length;
    try {
      decoder.decode(body.subarray(start, end));
    } catch {
      throw new IngestError('INGEST_ERR_INVALID_UTF8', `line ${line}: invalid UTF-8`, { line });
    }
    line++;
    start = end + 1;
  }
  throw new IngestError('INGEST_ERR_INVALID_UTF8');
}
