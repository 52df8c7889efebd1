import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PricingClient } from '@aws-sdk/client-pricing';
import { INTERNET_OUT_TIERS, priceKeys, requiredPriceKeys, seededOnlyPriceKeys } from '../../lib/pricing/price-keys';
import { loadPriceSnapshot } from '../../lib/pricing/price-catalog';
import type { PriceSnapshot } from '../../lib/pricing/price-catalog';
import { priceQueries } from '../../lib/pricing/price-queries';
import { PriceRefreshError, refreshPriceSnapshot, selectPrice, type PriceListItem } from '../../lib/pricing/refresh';
import { loadFixtureItems, startPriceListServer, type PriceListServer } from './price-list-server';

const run = promisify(execFile);
jest.setTimeout(60_000);
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

describe('the refresher against a local Price List endpoint', () => {
  let server: PriceListServer;
  let snapshot: PriceSnapshot;
  const items = loadFixtureItems('us-east-1');

  beforeAll(async () => {
    server = await startPriceListServer(items);
    const client = new PricingClient({ region: 'us-east-1', endpoint: server.endpoint, credentials });
    snapshot = await refreshPriceSnapshot(client, 'us-east-1', '2026-11-27');
  });
  afterAll(() => server.close());

  test('speaks the real protocol: signed awsJson1_1 GetProducts calls', () => {
    for (const request of server.requests) {
      expect(request.target).toBe('AWSPriceListService.GetProducts');
      expect(request.contentType).toBe('application/x-amz-json-1.1');
      expect(request.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/pricing\/aws4_request/);
      expect(request.body.FormatVersion).toBe('aws_v1');
      expect(request.body.MaxResults).toBe(100);
    }
  });

  test('sends TERM_MATCH filters with the region and follows NextToken to the last page', () => {
    const first = server.requests.find((r) => r.body.Filters?.some((f) => f.Field === 'instanceType' && f.Value === 'c6i.2xlarge'));
    expect(first?.body.ServiceCode).toBe('AmazonEC2');
    expect(first?.body.Filters).toEqual(
      expect.arrayContaining([
        { Type: 'TERM_MATCH', Field: 'regionCode', Value: 'us-east-1' },
        { Type: 'TERM_MATCH', Field: 'operatingSystem', Value: 'Linux' },
        { Type: 'TERM_MATCH', Field: 'capacitystatus', Value: 'Used' },
      ]),
    );
    const continued = server.requests.filter((r) => r.body.NextToken);
    expect(continued.length).toBeGreaterThan(0);
    // MSK's family holds 15 items: with 2 a page the refresher must fetch 8 pages to see them all.
    expect(server.requests.filter((r) => r.body.ServiceCode === 'AmazonMSK')).toHaveLength(8);
  });

  test('asks once per distinct service and filter set', () => {
    const keys = server.requests.filter((r) => !r.body.NextToken).map((r) => `${r.body.ServiceCode} ${JSON.stringify(r.body.Filters)}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  test('produces every price the cost model needs, each with its SKU and term (Savings Plans rates aside)', () => {
    const seededOnly = new Set(seededOnlyPriceKeys());
    expect(Object.keys(snapshot.prices).sort()).toEqual(requiredPriceKeys().filter((k) => !seededOnly.has(k)).sort());
    for (const entry of Object.values(snapshot.prices)) {
      expect(entry).toMatchObject({ region: 'us-east-1', asOf: '2026-11-27', refreshedFromApi: true });
      expect(entry.sku).toMatch(/^[0-9A-F]{16}$/);
      expect(entry.offerTermCode).toMatch(/^[A-Z0-9]{10}$/);
      expect(entry.source).toContain('GetProducts');
    }
  });

  test('reads on-demand prices from the JSON-string items', () => {
    expect(snapshot.prices[priceKeys.ec2Instance('c6i.2xlarge', 'on-demand')]).toMatchObject({ usd: 0.34, unit: 'Hrs', offerTermCode: 'JRTCKXETXF' });
    expect(snapshot.prices[priceKeys.ec2Instance('i3.2xlarge', 'on-demand')].usd).toBe(0.624);
    expect(snapshot.prices[priceKeys.flinkKpu]).toMatchObject({ usd: 0.11, unit: 'Hrs' });
  });

  test('picks the 1-year standard no-upfront reserved term by its attributes, not its code', () => {
    expect(snapshot.prices[priceKeys.ec2Instance('c6i.2xlarge', 'reserved-1yr-no-upfront')]).toMatchObject({ usd: 0.214, offerTermCode: '4NA7Y494T4' });
  });

  test('tells apart usage types that share a suffix or a family', () => {
    // Not USE1-AZ1-Kafka.m5.xlarge, not Kafka.kraft.m5.xlarge, not Express brokers.
    const msk = snapshot.prices[priceKeys.mskBroker('kafka.m5.xlarge')];
    const expected = items.find((i) => i.product.attributes.usagetype === 'USE1-Kafka.m5.xlarge');
    expect(msk.sku).toBe(expected?.product.sku);
    expect(msk.unit).toBe('Hrs');
    // Not the reserved-LCU or Outposts usage.
    expect(snapshot.prices[priceKeys.albLcu].usd).toBe(0.008);
    expect(snapshot.prices[priceKeys.interAzTransfer]).toMatchObject({ usd: 0.01, unit: 'GB' });
  });

  test('takes the first tier of a tiered price', () => {
    expect(snapshot.prices[priceKeys.s3Standard]).toMatchObject({ usd: 0.023, unit: 'GB-Mo' });
  });

  test('picks each tier of data transfer out by its beginRange, and per-resource monthly units as Mo', () => {
    expect(INTERNET_OUT_TIERS.map(({ tier }) => snapshot.prices[priceKeys.internetOut(tier)].usd)).toEqual([0.09, 0.085, 0.07, 0.05]);
    expect(snapshot.prices[priceKeys.vpcEndpointProcessed]).toMatchObject({ usd: 0.01, unit: 'GB' });
    expect(snapshot.prices[priceKeys.cloudwatchMetric]).toMatchObject({ usd: 0.3, unit: 'Mo' });
    expect(snapshot.prices[priceKeys.cloudwatchAlarmMetric]).toMatchObject({ usd: 0.1, unit: 'Mo' });
    expect(snapshot.prices[priceKeys.kmsKey]).toMatchObject({ usd: 1, unit: 'Mo' });
  });

  test('the CLI writes the snapshot file', async () => {
    const out = mkdtempSync(join(tmpdir(), 'prices-'));
    const { stdout } = await run('npx', ['tsx', 'scripts/refresh-prices.ts', '--region', 'us-east-1', '--endpoint', server.endpoint, '--out', out], {
      env: { ...process.env, AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey },
    });
    expect(stdout).toContain(`wrote ${requiredPriceKeys().length} prices`);
    const written = JSON.parse(readFileSync(join(out, 'us-east-1.json'), 'utf8')) as PriceSnapshot;
    expect(written.prices[priceKeys.natGatewayHour]).toMatchObject({ usd: 0.045, refreshedFromApi: true });
    // Savings Plans rates are carried over from the committed snapshot, still marked seeded.
    const csp = priceKeys.ec2Instance('c6i.2xlarge', 'compute-savings-plan-1yr-no-upfront');
    expect(written.prices[csp]).toEqual(loadPriceSnapshot('us-east-1').prices[csp]);
    expect(written.prices[csp].refreshedFromApi).toBe(false);
  });
});

describe('selecting a price fails loudly instead of guessing', () => {
  const items = loadFixtureItems('us-east-1');
  const query = priceQueries('us-east-1').find((q) => q.key === priceKeys.mskBroker('kafka.m5.xlarge'))!;
  const msk = items.filter((i) => i.serviceCode === 'AmazonMSK');

  test('when two products match', () => {
    const twin: PriceListItem = { ...msk[2], product: { ...msk[2].product, sku: 'TWINSKU000000000', attributes: { ...msk[2].product.attributes, usagetype: 'USE1-Kafka.m5.xlarge' } } };
    const original = msk.find((i) => i.product.attributes.usagetype === 'USE1-Kafka.m5.xlarge')!;
    expect(() => selectPrice(query, [original, twin], 'us-east-1', '2026-11-27')).toThrow(/2 products matched \(SKUs [0-9A-F]+, TWINSKU000000000\)/);
  });

  test('when nothing matches', () => {
    expect(() => selectPrice(query, [], 'us-east-1', '2026-11-27')).toThrow(PriceRefreshError);
    expect(() => selectPrice(query, [], 'us-east-1', '2026-11-27')).toThrow(/msk\/kafka\.m5\.xlarge\/broker \(us-east-1\): no product of AmazonMSK matched/);
  });

  test('when the API has no such product, the whole refresh fails and names every missing key', async () => {
    const server = await startPriceListServer(items.filter((i) => i.serviceCode !== 'AmazonKinesisAnalytics'));
    try {
      const client = new PricingClient({ region: 'us-east-1', endpoint: server.endpoint, credentials });
      await expect(refreshPriceSnapshot(client, 'us-east-1', '2026-11-27')).rejects.toThrow(/2 price\(s\) could not be refreshed:\n.*flink\/kpu[\s\S]*flink\/running-storage/);
    } finally {
      await server.close();
    }
  });

  test('an unsupported region is refused before any call', async () => {
    const client = new PricingClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9', credentials });
    await expect(refreshPriceSnapshot(client, 'mars-1', '2026-11-27')).rejects.toThrow('region "mars-1" is not supported');
  });
});
