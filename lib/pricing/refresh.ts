/**
 * The price refresher: rebuilds one region's snapshot from the AWS Price List Query API
 * (GetProducts). Each query filters server-side with TERM_MATCH, follows NextToken to the last
 * page, parses the JSON-string price items and picks exactly one product, term and price
 * dimension; anything ambiguous or missing fails loudly rather than guessing.
 */
import { GetProductsCommand, type Filter, type PricingClient } from '@aws-sdk/client-pricing';
import { SUPPORTED_REGIONS, type SupportedRegion } from '../catalog/instance-types';
import type { PriceEntry, PriceSnapshot } from './price-catalog';
import { seededOnlyPriceKeys } from './price-keys';
import { filtersByRegion, priceQueries, type PriceQuery, type ReservedTermSelector } from './price-queries';

/** Hours a 1-year reservation's upfront fee is spread over. */
const HOURS_PER_YEAR = 8760;
/** GetProducts returns at most 100 items a page. */
const PAGE_SIZE = 100;

/** The parts of a price-list item the refresher reads (the item format AWS documents). */
export interface PriceListItem {
  readonly product: { readonly sku: string; readonly productFamily?: string; readonly attributes: Readonly<Record<string, string>> };
  readonly serviceCode: string;
  readonly terms: {
    readonly OnDemand?: Readonly<Record<string, PriceTerm>>;
    readonly Reserved?: Readonly<Record<string, PriceTerm>>;
  };
  readonly publicationDate?: string;
}

interface PriceTerm {
  readonly offerTermCode: string;
  readonly sku: string;
  readonly termAttributes: Readonly<Record<string, string>>;
  readonly priceDimensions: Readonly<Record<string, PriceDimension>>;
}

interface PriceDimension {
  readonly unit: string;
  readonly pricePerUnit: { readonly USD?: string };
  readonly description?: string;
  readonly beginRange?: string;
}

export class PriceRefreshError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PriceRefreshError';
  }
}

/** All items GetProducts returns for one service and filter set, every page. */
export async function getAllProducts(client: PricingClient, serviceCode: string, filters: Readonly<Record<string, string>>): Promise<PriceListItem[]> {
  const Filters: Filter[] = Object.entries(filters).map(([Field, Value]) => ({ Type: 'TERM_MATCH', Field, Value }));
  const items: PriceListItem[] = [];
  let NextToken: string | undefined;
  do {
    const page = await client.send(new GetProductsCommand({ ServiceCode: serviceCode, Filters, FormatVersion: 'aws_v1', MaxResults: PAGE_SIZE, NextToken }));
    // Items arrive as JSON strings (the SDK may wrap them in a lazy JSON string object).
    for (const raw of page.PriceList ?? []) items.push(JSON.parse(String(raw)) as PriceListItem);
    NextToken = page.NextToken ?? undefined;
  } while (NextToken);
  return items;
}

/** Picks the one price a query asks for out of the items GetProducts returned. */
export function selectPrice(query: PriceQuery, items: readonly PriceListItem[], region: string, asOf: string): PriceEntry {
  const fail = (why: string): never => {
    throw new PriceRefreshError(`${query.key} (${region}): ${why}`);
  };
  const products = items.filter(
    (item) =>
      (!query.usageType || usageTypeMatches(item.product.attributes.usagetype, query.usageType)) &&
      Object.entries(query.whenPresent ?? {}).every(([name, value]) => item.product.attributes[name] === undefined || item.product.attributes[name] === value),
  );
  if (products.length === 0) fail(`no product of ${query.serviceCode} matched ${JSON.stringify(query.filters)}${query.usageType ? ` with usage type ${query.usageType}` : ''}`);
  if (products.length > 1) fail(`${products.length} products matched (SKUs ${products.map((p) => p.product.sku).join(', ')}); the query must select exactly one`);
  const item = products[0];

  const terms = Object.values((query.term === 'OnDemand' ? item.terms.OnDemand : item.terms.Reserved) ?? {});
  const selector = query.term;
  const matching = selector === 'OnDemand' ? terms : terms.filter((t) => reservedTermMatches(t, selector));
  if (matching.length !== 1) fail(`expected one ${selector === 'OnDemand' ? 'OnDemand' : JSON.stringify(selector)} term on SKU ${item.product.sku}, found ${matching.length}`);
  const term = matching[0];

  const dimensions = Object.values(term.priceDimensions);
  const upfront = dimensions.filter((d) => d.unit === 'Quantity').reduce((sum, d) => sum + usd(d, fail), 0);
  const rates = dimensions.filter((d) => d.unit !== 'Quantity');
  // Tiered prices (S3 Standard, data out) list one dimension per tier; a query names its tier by
  // beginRange, else the first tier (from 0).
  const wanted = query.beginRange ?? '0';
  const rate = rates.length === 1 && query.beginRange === undefined ? rates[0] : rates.find((d) => d.beginRange === wanted);
  if (!rate) fail(`no usage dimension on term ${term.offerTermCode} of SKU ${item.product.sku}`);

  return {
    usd: usd(rate!, fail) + upfront / HOURS_PER_YEAR,
    unit: normalizeUnit(rate!.unit),
    region,
    description: query.description,
    asOf,
    source: `AWS Price List Query API GetProducts, ${query.serviceCode}${item.publicationDate ? `, published ${item.publicationDate}` : ''}`,
    refreshedFromApi: true,
    sku: item.product.sku,
    offerTermCode: term.offerTermCode,
  };
}

/**
 * Rebuilds a region's snapshot; one GetProducts conversation per distinct service and filter set.
 * The prices GetProducts does not serve (seededOnlyPriceKeys) are carried over from `previous`.
 */
export async function refreshPriceSnapshot(client: PricingClient, region: string, asOf: string, previous?: PriceSnapshot): Promise<PriceSnapshot> {
  if (!(SUPPORTED_REGIONS as readonly string[]).includes(region)) {
    throw new PriceRefreshError(`region "${region}" is not supported: expected one of ${SUPPORTED_REGIONS.join(', ')}`);
  }
  const responses = new Map<string, Promise<PriceListItem[]>>();
  const prices: Record<string, PriceEntry> = {};
  const failures: string[] = [];
  for (const query of priceQueries(region as SupportedRegion)) {
    const filters = filtersByRegion(query) ? { ...query.filters, regionCode: region } : query.filters;
    const cacheKey = `${query.serviceCode} ${JSON.stringify(filters)}`;
    if (!responses.has(cacheKey)) responses.set(cacheKey, getAllProducts(client, query.serviceCode, filters));
    try {
      prices[query.key] = selectPrice(query, await responses.get(cacheKey)!, region, asOf);
    } catch (err) {
      if (!(err instanceof PriceRefreshError)) throw err;
      failures.push(err.message);
    }
  }
  if (failures.length > 0) throw new PriceRefreshError(`${failures.length} price(s) could not be refreshed:\n  ${failures.join('\n  ')}`);
  for (const key of seededOnlyPriceKeys()) {
    const kept = previous?.prices[key];
    if (kept) prices[key] = kept;
  }
  return {
    region,
    currency: 'USD',
    generatedAt: asOf,
    generatedBy: 'npm run prices:refresh (AWS Price List Query API)',
    prices,
  };
}

function usageTypeMatches(usageType: string | undefined, wanted: string): boolean {
  if (!usageType) return false;
  if (usageType === wanted) return true;
  // One region prefix such as USE1-, USW2- or EU-; AZ-scoped variants (USW2-AZ1-…) are other SKUs.
  const dash = usageType.indexOf('-');
  return dash > 0 && /^[A-Z]+\d*$/.test(usageType.slice(0, dash)) && usageType.slice(dash + 1) === wanted;
}

/** Services spell an hour differently (Hrs, hours, KPU-Hr); the snapshot uses Hrs for all. */
function normalizeUnit(unit: string): string {
  if (/^(hrs|hours?|kpu-hrs?)$/i.test(unit)) return 'Hrs';
  // Per-resource monthly prices (alarms, metrics, dashboards, keys, secrets): one unit, a month of one.
  if (/^(alarms?|metrics?|dashboards?|keys?|secrets?|months?|mo)$/i.test(unit)) return 'Mo';
  return unit;
}

function reservedTermMatches(term: PriceTerm, selector: ReservedTermSelector): boolean {
  return (Object.keys(selector) as (keyof ReservedTermSelector)[]).every((k) => term.termAttributes[k] === selector[k]);
}

function usd(dimension: PriceDimension, fail: (why: string) => never): number {
  const value = Number(dimension.pricePerUnit.USD);
  if (dimension.pricePerUnit.USD === undefined || !Number.isFinite(value)) fail(`price dimension "${dimension.description ?? ''}" has no USD price`);
  return value;
}
