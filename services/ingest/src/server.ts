/**
 * The HTTP front: routing, authentication, limits, body handling and answers. One instance per worker.
 *
 * A write is refused as early as the reason is known: auth and request rate before the body is read,
 * backpressure and media type before the body is read, the declared length before a byte is read.
 * 204 is sent only after sink.write() resolved, i.e. the records are durable.
 */
import { timingSafeEqual } from 'node:crypto';
import * as http from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { presentedKey, type KeyGrant, type KeyStore } from './api-keys';
import { checkDeclaredLength, checkUtf8, decodeUtf8, gunzipLimited, readBody } from './body';
import type { Config } from './config';
import { IngestError } from './errors';
import { parseJsonBody } from './json-format';
import { parseLineProtocol } from './line-protocol';
import type { Metrics } from './metrics';
import { KeyRateLimiter } from './rate-limit';
import { PointBatch } from './point-batch';
import { parsePrecision, requestContext, type PointRecord } from './record';
import type { Sink } from './sink';

export interface ServerDeps {
  readonly config: Config;
  readonly sink: Sink;
  /** undefined when INGEST_AUTH=none. */
  readonly keys: KeyStore | undefined;
  readonly metrics: Metrics;
  readonly log: Logger;
  /** Rate limits are per instance; each of this many workers enforces its share. */
  readonly workerCount: number;
  /** Prometheus text for the whole instance (cluster-aggregated); defaults to this worker's registry. */
  readonly metricsText?: () => Promise<string>;
  /**
   * false until every cluster worker serves: /health stays 503 so a load balancer (or a benchmark) does
   * not open its long-lived keep-alive connections while only the first worker listens — they would stay
   * pinned to it. Defaults to always true (single process, tests).
   */
  readonly allWorkersReady?: () => boolean;
}

type Route = 'write_v1' | 'write_v2' | 'json' | 'health' | 'live' | 'metrics' | 'ping' | 'query' | 'other';

const ROUTES: Record<string, Route> = {
  '/write': 'write_v1',
  '/api/v2/write': 'write_v2',
  '/api/v1/metrics': 'json',
  '/health': 'health',
  '/live': 'live',
  '/metrics': 'metrics',
  '/ping': 'ping',
  '/query': 'query',
};

/** Line-protocol media types: what Telegraf and InfluxDB clients send, plus curl's default for -d. */
const LP_TYPES = new Set(['text/plain', 'application/octet-stream', 'application/x-www-form-urlencoded']);

export interface IngestServer {
  readonly server: http.Server;
  /**
   * /health answers 503 at once (writes are still taken, so nothing is refused while the load balancer
   * notices); after INGEST_DRAIN_DELAY_MS stop accepting, wait for in-flight requests, flush the sink.
   */
  drain(): Promise<void>;
  readonly draining: boolean;
}

export function createIngestServer(deps: ServerDeps): IngestServer {
  const { config, sink, keys, metrics, log } = deps;
  const limiter = new KeyRateLimiter({ requestsPerSecondPerInstance: config.requestsPerSecond, pointsPerSecondPerInstance: config.pointsPerSecond }, deps.workerCount);
  const ANONYMOUS: KeyGrant = { id: 'anonymous' };
  // prom-client hashes the label object on every inc()/observe(); the success path binds its children once.
  const accepted = new Map<Route, { requests: { inc(): void }; seconds: { observe(v: number): void } }>();
  const acceptedMetrics = (route: Route) => {
    let m = accepted.get(route);
    if (!m) accepted.set(route, (m = { requests: metrics.requests.labels(route, '204'), seconds: metrics.requestSeconds.labels(route) }));
    return m;
  };
  /**
   * Per connection, the Authorization header last verified on it: keep-alive clients send the same header
   * with every request, and hashing it each time was ~3 % of a worker. Behind the ALB one connection
   * carries many clients' requests, so a header is compared with the remembered one in constant time
   * (only whether a guess has its length can show); anything else takes the full digest check. A key
   * reload (new generation) invalidates every remembered verdict, so a revoked key stops at once.
   */
  const verified = new WeakMap<Socket, { header: Buffer; grant: KeyGrant; generation: number }>();
  const sameBytes = (s: string, b: Buffer): boolean => {
    const a = Buffer.from(s);
    return a.length === b.length && timingSafeEqual(a, b);
  };
  let draining = false;
  let inFlight = 0;
  let idle: (() => void) | undefined;

  const server = http.createServer({
    headersTimeout: config.headersTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    // Node checks the two timeouts above on this interval (default 30 s, too coarse for a 10 s limit).
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(config.headersTimeoutMs / 4))),
    maxHeaderSize: 16 * 1024,
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    // Malformed HTTP, oversized headers, header/request timeouts: answer if the socket still can, then close.
    const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    metrics.requests.inc({ route: 'other', status: String(status) });
    if (socket.writable && !(socket as Socket & { _httpMessage?: unknown })._httpMessage) {
      socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    }
    socket.destroySoon();
  });

  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    inFlight++;
    res.on('close', () => {
      if (--inFlight === 0 && idle) idle();
    });
    if (draining) res.setHeader('Connection', 'close');
    handle(req, res).catch((e) => {
      log.error({ err: e }, 'unhandled error in request');
      if (!res.headersSent) answerError(res, new IngestError('INGEST_ERR_INTERNAL'), 'other');
      else res.destroy();
    });
  });

  function answerError(res: http.ServerResponse, err: IngestError, route: Route, close = false): void {
    metrics.requests.inc({ route, status: String(err.statusCode) });
    const headers: http.OutgoingHttpHeaders = { 'Content-Type': 'application/json; charset=utf-8' };
    if (err.retryAfterSeconds !== undefined) headers['Retry-After'] = String(Math.max(1, Math.ceil(err.retryAfterSeconds)));
    if (err.statusCode === 401) headers['WWW-Authenticate'] = 'Token realm="metricstream"';
    // Closing matters when the body was not read: otherwise Node would read (and discard) all of it.
    if (close || draining) headers.Connection = 'close';
    res.writeHead(err.statusCode, headers);
    res.end(err.body());
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const route = ROUTES[q === -1 ? url : url.slice(0, q)] ?? 'other';
    const query = q === -1 ? undefined : new URLSearchParams(url.slice(q + 1));
    const method = req.method ?? 'GET';

    switch (route) {
      case 'health': {
        // Readiness (the load balancer's check): 503 while starting, draining, or when the sink can take
        // nothing; 200 also while spooling, with the reason in the body.
        const starting = !(deps.allWorkersReady?.() ?? true);
        const h = sink.health();
        const ok = !draining && !starting && h.ready;
        const body = draining ? { status: 'draining' } : starting ? { status: 'starting' } : h.reason ? { status: h.status, reason: h.reason } : { status: h.status };
        metrics.requests.inc({ route, status: ok ? '200' : '503' });
        res.writeHead(ok ? 200 : 503, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(body));
        return;
      }
      case 'live':
        // Liveness (the Auto Scaling group's check): this worker's HTTP server answers, whatever the sink
        // or the drain is doing. Only a process that cannot answer should be replaced.
        metrics.requests.inc({ route, status: '200' });
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end('{"status":"live"}');
        return;
      case 'metrics': {
        const text = await (deps.metricsText ? deps.metricsText() : metrics.registry.metrics());
        res.writeHead(200, { 'Content-Type': metrics.registry.contentType });
        res.end(text);
        return;
      }
      case 'ping': // InfluxDB clients probe this before writing
        metrics.requests.inc({ route, status: '204' });
        res.writeHead(204, { 'X-Influxdb-Version': '1.8-compatible' });
        res.end();
        return;
      case 'other':
        return answerError(res, new IngestError('INGEST_ERR_NOT_FOUND', `No such endpoint: ${method} ${url.slice(0, 200)}`), route, true);
    }
    if (method !== 'POST') return answerError(res, new IngestError('INGEST_ERR_METHOD_NOT_ALLOWED', `Use POST for ${route === 'query' ? '/query' : 'writes'}`), route, true);

    const started = performance.now();
    // --- checks that need no body -------------------------------------------------------------------
    let grant = ANONYMOUS;
    if (keys) {
      const authorization = req.headers.authorization;
      const known = authorization === undefined ? undefined : verified.get(req.socket);
      if (authorization !== undefined && known !== undefined && known.generation === keys.generation && sameBytes(authorization, known.header)) {
        grant = known.grant;
      } else {
        const presented = presentedKey(authorization, query);
        const found = presented === undefined ? undefined : keys.check(presented);
        if (found === undefined) return answerError(res, new IngestError('INGEST_ERR_UNAUTHORIZED'), route, true);
        if (authorization !== undefined) verified.set(req.socket, { header: Buffer.from(authorization), grant: found, generation: keys.generation });
        grant = found;
      }
    }
    if (route === 'query') {
      // Telegraf's v1 output sends `CREATE DATABASE` on start; the database is just a label here.
      metrics.requests.inc({ route, status: '200' });
      req.resume();
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"results":[{"statement_id":0}]}');
      return;
    }
    const wait = limiter.takeRequest(grant);
    if (wait > 0) return answerError(res, new IngestError('INGEST_ERR_REQUEST_RATE', undefined, undefined, wait), route, true);
    let refusal = sink.admission();
    if (refusal?.code === 'INGEST_ERR_OVERLOADED' && sink.room && config.overloadWaitMs > 0) {
      // Saturated: hold the request (its body unread, so TCP slows the client) until the queue has
      // room, as VictoriaMetrics queues inserts (-insert.maxQueueDuration); refuse only after the wait.
      metrics.overloadWaits.inc();
      await sink.room(config.overloadWaitMs);
      refusal = sink.admission();
    }
    if (refusal) return answerError(res, refusal, route, true);

    const mediaType = (req.headers['content-type'] ?? '').split(';', 1)[0].trim().toLowerCase();
    if (route === 'json' ? mediaType !== 'application/json' : mediaType !== '' && !LP_TYPES.has(mediaType)) {
      const expected = route === 'json' ? 'application/json' : 'text/plain (line protocol)';
      return answerError(res, new IngestError('INGEST_ERR_UNSUPPORTED_MEDIA_TYPE', `Unsupported Content-Type "${mediaType}"; expected ${expected}`), route, true);
    }
    const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    if (encoding !== 'identity' && encoding !== 'gzip') return answerError(res, new IngestError('INGEST_ERR_UNSUPPORTED_ENCODING'), route, true);
    const precision = parsePrecision(query?.get('precision'));
    if (!precision) {
      return answerError(res, new IngestError('INGEST_ERR_INVALID_PRECISION', `Unknown precision "${query?.get('precision')}" (ns, us, ms, s, m, h; v1 n, u)`), route, true);
    }

    // --- body ------------------------------------------------------------------------------------------
    let records: PointBatch;
    try {
      checkDeclaredLength(req, config.maxBodyBytes);
      let body = await readBody(req, config.maxBodyBytes);
      metrics.bytesReceived.inc(body.length);
      if (encoding === 'gzip') body = await gunzipLimited(body, config.maxBodyBytes);
      const db = route === 'write_v2' ? query?.get('bucket') : query?.get('db');
      const ctx = requestContext(precision, db ?? undefined, Date.now(), sink.maxPointBytes);
      if (route === 'json') {
        const points: PointRecord[] = [];
        parseJsonBody(decodeUtf8(body), ctx, points);
        records = PointBatch.of(points);
      } else {
        checkUtf8(body);
        records = parseLineProtocol(body, ctx);
      }
    } catch (e) {
      if (!(e instanceof IngestError)) {
        // The client went away mid-body: nothing to answer.
        metrics.pointsRejected.inc({ reason: 'CLIENT_ABORTED' });
        res.destroy();
        return;
      }
      metrics.pointsRejected.inc({ reason: e.code });
      log.debug({ code: e.code, msg: e.message }, 'write refused');
      // Close when the body may be unread (limits) so Node does not drain it for keep-alive.
      return answerError(res, e, route, e.code === 'INGEST_ERR_BODY_TOO_LARGE');
    }

    const pointWait = limiter.takePoints(grant, records.count);
    if (pointWait > 0) {
      metrics.pointsRejected.inc({ reason: 'INGEST_ERR_POINT_RATE' }, records.count);
      return answerError(res, new IngestError('INGEST_ERR_POINT_RATE', undefined, undefined, pointWait), route);
    }
    try {
      await sink.write(records);
    } catch (e) {
      const err = e instanceof IngestError ? e : new IngestError('INGEST_ERR_SINK_FAILED', undefined, undefined, 5);
      metrics.pointsRejected.inc({ reason: err.code }, records.count);
      log.warn({ err: e, points: records.count }, 'sink refused a write');
      return answerError(res, err, route);
    }
    metrics.pointsAccepted.inc(records.count);
    const m = acceptedMetrics(route);
    m.requests.inc();
    m.seconds.observe((performance.now() - started) / 1000);
    // While draining, keep-alive connections close after their answer so the drain can finish.
    res.writeHead(204, draining ? { Connection: 'close' } : undefined);
    res.end();
  }

  return {
    server,
    get draining() {
      return draining;
    },
    async drain() {
      if (draining) return;
      draining = true;
      metrics.draining.set(1);
      if (config.drainDelayMs > 0) await new Promise((r) => setTimeout(r, config.drainDelayMs));
      server.close(); // no new connections
      server.closeIdleConnections(); // idle keep-alive sockets; busy ones close after their answer
      if (inFlight > 0) {
        await new Promise<void>((resolve) => {
          idle = resolve;
          setTimeout(resolve, config.drainTimeoutMs).unref();
        });
      }
      server.closeAllConnections();
      await sink.close();
    },
  };
}
