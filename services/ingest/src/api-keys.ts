/**
 * API keys: loaded at start from env, a file, SSM Parameter Store or Secrets Manager (all that are
 * configured are merged), then polled every INGEST_API_KEYS_RELOAD_MS: a changed source replaces the key
 * set in place (new keys, new limits, revocations) without a restart. The AWS loaders are thin; the text
 * they fetch goes through parseKeys, which is what the tests cover. Format: docs/ingest.md "API keys".
 */
import { createHash, hash, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { Config } from './config';
import type { Metrics } from './metrics';

/** What a request's key entitles it to. Limits are per instance (each worker enforces its share); absent = the service default. */
export interface KeyGrant {
  /** For rate limits and logs: the entry's `id`, or the first 12 hex chars of the key's SHA-256. Keys sharing an id share its limits. */
  readonly id: string;
  readonly requestsPerSecondPerInstance?: number;
  readonly pointsPerSecondPerInstance?: number;
}

export interface KeyEntry extends KeyGrant {
  /** SHA-256 of the key, hex. */
  readonly sha256: string;
  readonly revoked: boolean;
  /** Where the entry came from, for error messages. */
  readonly source: string;
}

/** Bounds of the per-key limits: the same as INGEST_RATE_REQUESTS_PER_SEC / INGEST_RATE_POINTS_PER_SEC. */
export const LIMIT_BOUNDS = { requestsPerSecondPerInstance: 10_000_000, pointsPerSecondPerInstance: 1_000_000_000 } as const;
const ENTRY_FIELDS = new Set(['key', 'sha256', 'id', 'revoked', ...Object.keys(LIMIT_BOUNDS)]);

/**
 * Accepts: keys separated by commas, whitespace or newlines, `#` comments to the end of a line (today's
 * generated secret is one such key); or JSON: an array, or an object with a `keys` array (a Secrets
 * Manager JSON secret), whose items are key strings or entry objects
 * `{"id", "key" | "sha256", "requestsPerSecondPerInstance", "pointsPerSecondPerInstance", "revoked"}`.
 */
export function parseKeys(text: string, source: string): KeyEntry[] {
  const trimmed = text.trim();
  if (!(trimmed.startsWith('[') || trimmed.startsWith('{'))) {
    const keys = trimmed.split('\n').flatMap((line) => line.replace(/#.*/, '').split(/[,\s]+/)).filter(Boolean);
    return keys.map((k, i) => entry(k, `${source}: key ${i + 1}`, source));
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    throw new Error(`${source}: looks like JSON but does not parse`);
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as { keys?: unknown }).keys;
  if (!Array.isArray(list)) throw new Error(`${source}: JSON must be an array of keys or {"keys": [...]}`);
  return list.map((item: unknown, i) => {
    const where = `${source}: keys[${i}]`;
    if (typeof item === 'string') return entry(item, where, source);
    if (item === null || typeof item !== 'object' || Array.isArray(item)) throw new Error(`${where} must be a key string or an object with "key" or "sha256"`);
    const o = item as Record<string, unknown>;
    const unknown = Object.keys(o).filter((f) => !ENTRY_FIELDS.has(f));
    if (unknown.length) throw new Error(`${where}: unknown field ${unknown.map((f) => `"${f}"`).join(', ')} (allowed: ${[...ENTRY_FIELDS].join(', ')})`);
    if ((o.key === undefined) === (o.sha256 === undefined)) throw new Error(`${where} needs exactly one of "key" or "sha256"`);
    let digest: string;
    if (o.key !== undefined) digest = entry(o.key, `${where}.key`, source).sha256;
    else if (typeof o.sha256 !== 'string' || !/^[0-9a-f]{64}$/i.test(o.sha256)) throw new Error(`${where}.sha256 must be 64 hex characters (the key's SHA-256)`);
    else digest = o.sha256.toLowerCase();
    if (o.id !== undefined && (typeof o.id !== 'string' || !/^[A-Za-z0-9._:-]{1,64}$/.test(o.id))) {
      throw new Error(`${where}.id must be 1 to 64 characters of letters, digits, . _ : -`);
    }
    if (o.revoked !== undefined && typeof o.revoked !== 'boolean') throw new Error(`${where}.revoked must be true or false`);
    const limits: { -readonly [K in keyof typeof LIMIT_BOUNDS]?: number } = {};
    for (const [field, max] of Object.entries(LIMIT_BOUNDS) as Array<[keyof typeof LIMIT_BOUNDS, number]>) {
      const v = o[field];
      if (v === undefined) continue;
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1 || v > max) throw new Error(`${where}.${field} must be an integer from 1 to ${max}`);
      limits[field] = v;
    }
    return { id: (o.id as string | undefined) ?? digest.slice(0, 12), sha256: digest, revoked: o.revoked === true, source, ...limits };
  });
}

function entry(k: unknown, where: string, source: string): KeyEntry {
  if (typeof k !== 'string' || k.length < 8 || /[\s,]/.test(k)) {
    throw new Error(`${where}: every key must be a string of at least 8 characters without spaces or commas`);
  }
  const digest = digestHex(k);
  return { id: digest.slice(0, 12), sha256: digest, revoked: false, source };
}

/**
 * Merges the entries of every source into the active key set. A key listed revoked anywhere is refused
 * (so the secret can revoke a key that INGEST_API_KEYS still names); the same key listed twice must say
 * the same thing, and keys sharing an id must share its limits.
 */
export function activeKeys(entries: KeyEntry[]): Map<string, KeyGrant> {
  const revoked = new Set(entries.filter((e) => e.revoked).map((e) => e.sha256));
  const byKey = new Map<string, KeyEntry>();
  const byId = new Map<string, KeyEntry>();
  const limitsOf = (e: KeyEntry) => `${e.requestsPerSecondPerInstance ?? 'default'} requests/s, ${e.pointsPerSecondPerInstance ?? 'default'} points/s`;
  for (const e of entries) {
    if (revoked.has(e.sha256)) continue;
    const twin = byKey.get(e.sha256);
    if (twin && (twin.id !== e.id || limitsOf(twin) !== limitsOf(e))) {
      throw new Error(`${e.source}: a key listed twice with different ids or limits ("${twin.id}" in ${twin.source}, "${e.id}" here)`);
    }
    const peer = byId.get(e.id);
    if (peer && limitsOf(peer) !== limitsOf(e)) {
      throw new Error(`${e.source}: keys with id "${e.id}" must have the same limits (${limitsOf(peer)} in ${peer.source}, ${limitsOf(e)} here)`);
    }
    byKey.set(e.sha256, e);
    byId.set(e.id, e);
  }
  const grants = new Map<string, KeyGrant>();
  for (const [digest, e] of byKey) {
    grants.set(digest, { id: e.id, requestsPerSecondPerInstance: e.requestsPerSecondPerInstance, pointsPerSecondPerInstance: e.pointsPerSecondPerInstance });
  }
  return grants;
}

export type KeyFetcher = (config: Config) => Promise<Array<{ source: string; text: string }>>;

/** Fetches the raw key text from every configured source. AWS SDK clients load only when used. */
export const fetchKeyTexts: KeyFetcher = async (config) => {
  const { env, file, ssmParameter, secretId } = config.keySources;
  const texts: Array<{ source: string; text: string }> = [];
  if (env) texts.push({ source: 'INGEST_API_KEYS', text: env });
  if (file) texts.push({ source: `INGEST_API_KEYS_FILE ${file}`, text: await readFile(file, 'utf8') });
  if (ssmParameter) {
    const { SSMClient, GetParameterCommand } = await import('@aws-sdk/client-ssm');
    const out = await new SSMClient({}).send(new GetParameterCommand({ Name: ssmParameter, WithDecryption: true }));
    texts.push({ source: `SSM parameter ${ssmParameter}`, text: out.Parameter?.Value ?? '' });
  }
  if (secretId) {
    const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
    const out = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: secretId }));
    texts.push({ source: `secret ${secretId}`, text: out.SecretString ?? '' });
  }
  return texts;
};

type Texts = Array<{ source: string; text: string }>;

function grantsOf(texts: Texts): Map<string, KeyGrant> {
  const grants = activeKeys(texts.flatMap(({ source, text }) => parseKeys(text, source)));
  if (grants.size === 0) throw new Error('no API keys found in the configured sources');
  return grants;
}

export async function loadKeys(config: Config, fetch: KeyFetcher = fetchKeyTexts): Promise<KeyStore | undefined> {
  if (config.auth === 'none') return undefined;
  const texts = await fetch(config);
  const store = new KeyStore(grantsOf(texts));
  store.texts = fingerprint(texts);
  return store;
}

/**
 * Keys are held as SHA-256 digests: lookups hash the presented key and compare digests, so neither the
 * map lookup nor a string comparison leaks how much of a guess was right. The set is replaced whole on a
 * reload; `generation` counts replacements, so callers that remember a verdict know when it is stale.
 */
export class KeyStore {
  private grants = new Map<string, { digest: Buffer; grant: KeyGrant }>();
  generation = 0;
  /** SHA-256 of the source texts this set was built from (the reloader skips polls that find the same). */
  texts = '';

  /** Plain key strings (tests) or the grants of activeKeys(). */
  constructor(keys: string[] | Map<string, KeyGrant>) {
    this.replace(Array.isArray(keys) ? activeKeys(keys.map((k) => entry(k, 'key', 'constructor'))) : keys);
  }

  replace(grants: Map<string, KeyGrant>): void {
    const next = new Map<string, { digest: Buffer; grant: KeyGrant }>();
    for (const [hex, grant] of grants) next.set(hex, { digest: Buffer.from(hex, 'hex'), grant });
    this.grants = next;
    this.generation++;
  }

  /** The grant of a valid, unrevoked key; undefined otherwise. */
  check(presented: string): KeyGrant | undefined {
    // One SHA-256 per request: the digest's bytes for the comparison, its hex for the lookup (this runs
    // on every write; hashing twice and decoding the hex back was ~2 % of a worker's CPU).
    const digest = sha256(presented);
    const stored = this.grants.get(digest.toString('hex'));
    if (!stored || !timingSafeEqual(stored.digest, digest)) return undefined;
    return stored.grant;
  }

  get size(): number {
    return this.grants.size;
  }
}

/**
 * Polls the key sources every `intervalMs` (±10 % jitter, so an instance's workers do not call AWS in
 * step) and replaces the store's keys when the fetched text changed. A source that fails to fetch or
 * parse, or a result without any active key, keeps the current keys: one log line and a metric, never an
 * outage from a typo in the secret.
 */
export class KeyReloader {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly store: KeyStore,
    private readonly config: Config,
    private readonly log: Logger,
    private readonly metrics: Metrics | undefined,
    private readonly fetch: KeyFetcher = fetchKeyTexts,
  ) {}

  start(): void {
    this.metrics?.apiKeys.set(this.store.size);
    const next = () => {
      if (this.stopped) return;
      const delay = this.config.keyReloadMs * (0.9 + Math.random() * 0.2);
      this.timer = setTimeout(() => void this.reloadNow().finally(next), delay);
      this.timer.unref();
    };
    next();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  async reloadNow(): Promise<'unchanged' | 'reloaded' | 'failed'> {
    let texts: Texts;
    let grants: Map<string, KeyGrant>;
    try {
      texts = await this.fetch(this.config);
      if (fingerprint(texts) === this.store.texts) return 'unchanged';
      grants = grantsOf(texts);
    } catch (e) {
      this.metrics?.apiKeyReloads.inc({ result: 'failed' });
      this.log.error({ err: e }, `API keys not reloaded, keeping the ${this.store.size} current keys: ${(e as Error).message}`);
      return 'failed';
    }
    const before = this.store.size;
    this.store.replace(grants);
    this.store.texts = fingerprint(texts);
    this.metrics?.apiKeyReloads.inc({ result: 'reloaded' });
    this.metrics?.apiKeys.set(this.store.size);
    this.log.info({ keys: this.store.size, before }, `API keys reloaded: ${this.store.size} active (was ${before})`);
    return 'reloaded';
  }
}

/** crypto.hash digests in one call, without a Hash object: about 40 % cheaper per request than createHash. */
const sha256 = (s: string): Buffer => hash('sha256', s, 'buffer');

function fingerprint(texts: Texts): string {
  return createHash('sha256').update(JSON.stringify(texts)).digest('hex');
}

function digestHex(k: string): string {
  return createHash('sha256').update(k).digest('hex');
}

/**
 * The key a request presents: `Authorization: Token <key>` (InfluxDB v2, Telegraf influxdb_v2),
 * `Bearer <key>`, `Basic base64(user:key)` (Telegraf influxdb v1 with username/password), or the v1
 * query parameter `p` (with `u`).
 */
export function presentedKey(authorization: string | undefined, query: URLSearchParams | undefined): string | undefined {
  if (authorization) {
    const space = authorization.indexOf(' ');
    const scheme = space > 0 ? authorization.slice(0, space).toLowerCase() : '';
    const rest = authorization.slice(space + 1).trim();
    if (scheme === 'token' || scheme === 'bearer') return rest;
    if (scheme === 'basic') {
      const decoded = Buffer.from(rest, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      return colon >= 0 ? decoded.slice(colon + 1) : undefined;
    }
    return undefined;
  }
  return query?.get('p') ?? undefined;
}
