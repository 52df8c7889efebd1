/**
 * The one error catalogue of the ingest service (in the manner of fastify's `lib/errors.js`): every
 * failure a client can see has a stable code, an HTTP status and a default message. Responses carry
 * `{ statusCode, code, message, ...details }`; tests assert the code, clients may switch on it.
 */
export const ERRORS = {
  INGEST_ERR_NOT_FOUND: { status: 404, message: 'No such endpoint' },
  INGEST_ERR_METHOD_NOT_ALLOWED: { status: 405, message: 'Method not allowed' },
  INGEST_ERR_UNAUTHORIZED: { status: 401, message: 'Missing or invalid API key' },
  INGEST_ERR_BODY_TOO_LARGE: { status: 413, message: 'Request body exceeds the limit' },
  INGEST_ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Unsupported Content-Type' },
  INGEST_ERR_UNSUPPORTED_ENCODING: { status: 415, message: 'Unsupported Content-Encoding (identity or gzip)' },
  INGEST_ERR_BAD_GZIP: { status: 400, message: 'Body is not valid gzip' },
  INGEST_ERR_INVALID_UTF8: { status: 400, message: 'Body is not valid UTF-8' },
  INGEST_ERR_INVALID_PRECISION: { status: 400, message: 'Unknown precision' },
  INGEST_ERR_LINE_PROTOCOL: { status: 400, message: 'Invalid line protocol' },
  INGEST_ERR_POINT_TOO_LARGE: { status: 400, message: 'A point exceeds a size limit' },
  INGEST_ERR_INVALID_JSON: { status: 400, message: 'Body is not valid JSON' },
  INGEST_ERR_JSON_POINT: { status: 400, message: 'Invalid point in JSON body' },
  INGEST_ERR_REQUEST_RATE: { status: 429, message: 'Request rate limit exceeded for this API key' },
  INGEST_ERR_POINT_RATE: { status: 429, message: 'Point rate limit exceeded for this API key' },
  INGEST_ERR_OVERLOADED: { status: 503, message: 'Too much data waiting for the sink; retry later' },
  INGEST_ERR_SPOOL_FULL: { status: 503, message: 'Kafka is unreachable and the spool is full; retry later' },
  INGEST_ERR_SINK_FAILED: { status: 503, message: 'The data could not be stored; retry later' },
  INGEST_ERR_DRAINING: { status: 503, message: 'Server is shutting down; retry on another instance' },
  INGEST_ERR_INTERNAL: { status: 500, message: 'Internal error' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** Extra members of an error body: where the input went wrong (line/point, column, field). */
export type ErrorDetails = Record<string, string | number>;

export class IngestError extends Error {
  readonly statusCode: number;

  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details?: ErrorDetails,
    /** Seconds for the `Retry-After` header of 429 and 503 answers. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message ?? ERRORS[code].message);
    this.name = 'IngestError';
    this.statusCode = ERRORS[code].status;
  }

  body(): string {
    return JSON.stringify({ statusCode: this.statusCode, code: this.code, message: this.message, ...this.details });
  }
}
