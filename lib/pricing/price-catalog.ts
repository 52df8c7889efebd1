/**
 * The committed price snapshot (lib/pricing/snapshot/<region>.json) and lookups into it. Every
 * entry says what it prices, in which unit and region, as of when, and where the figure came from.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SUPPORTED_REGIONS } from '../catalog/instance-types';

export interface PriceEntry {
  readonly usd: number;
  /** Price-list unit: Hrs, GB-Mo, LCU-Hrs, GB. */
  readonly unit: string;
  readonly region: string;
  readonly description: string;
  /** Date the figure was published (seeded) or fetched (refreshed), YYYY-MM-DD. */
  readonly asOf: string;
  /** Public page the seeded figure is from, or "AWS Price List Query API GetProducts". */
  readonly source: string;
  /** False while an entry is seeded from published prices and not yet refreshed from the API. */
  readonly refreshedFromApi: boolean;
  /** Price-list SKU and offer term of a refreshed entry. */
  readonly sku?: string;
  readonly offerTermCode?: string;
  /** How a seeded figure was checked. */
  readonly note?: string;
}

export interface PriceSnapshot {
  readonly region: string;
  readonly currency: 'USD';
  readonly generatedAt: string;
  readonly generatedBy: string;
  readonly prices: Readonly<Record<string, PriceEntry>>;
}

export const SNAPSHOT_DIR = join(__dirname, 'snapshot');

export function snapshotPath(region: string, dir = SNAPSHOT_DIR): string {
  return join(dir, `${region}.json`);
}

export class UnknownPriceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnknownPriceError';
  }
}

const cache = new Map<string, PriceSnapshot>();

/** The committed snapshot of one region; throws naming the regions that have one. */
export function loadPriceSnapshot(region: string): PriceSnapshot {
  const cached = cache.get(region);
  if (cached) return cached;
  if (!(SUPPORTED_REGIONS as readonly string[]).includes(region)) {
    throw new UnknownPriceError(`no price snapshot for region "${region}": expected one of ${SUPPORTED_REGIONS.join(', ')}`);
  }
  const snapshot = JSON.parse(readFileSync(snapshotPath(region), 'utf8')) as PriceSnapshot;
  cache.set(region, snapshot);
  return snapshot;
}

export function priceOf(snapshot: PriceSnapshot, key: string): PriceEntry {
  const entry = snapshot.prices[key];
  if (!entry) throw new UnknownPriceError(`no price "${key}" in the ${snapshot.region} snapshot`);
  return entry;
}
