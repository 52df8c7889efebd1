import { SUPPORTED_REGIONS } from '../../lib/catalog/instance-types';
import { loadPriceSnapshot } from '../../lib/pricing/price-catalog';
import { requiredPriceKeys } from '../../lib/pricing/price-keys';

describe.each(SUPPORTED_REGIONS)('the committed %s price snapshot', (region) => {
  const snapshot = loadPriceSnapshot(region);

  test('covers every price the plan can use, and nothing else', () => {
    expect(Object.keys(snapshot.prices).sort()).toEqual(requiredPriceKeys().sort());
  });

  test('says for every entry what, where, when and from where', () => {
    for (const [key, entry] of Object.entries(snapshot.prices)) {
      expect({ key, region: entry.region }).toEqual({ key, region });
      expect(entry.usd).toBeGreaterThan(0);
      expect(entry.unit).toMatch(/^(Hrs|GB-Mo|LCU-Hrs|GB|Mo)$/);
      expect(entry.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(entry.description.length).toBeGreaterThan(5);
      // A seeded entry names the public AWS page it is from; a refreshed one its SKU.
      if (entry.refreshedFromApi) expect(entry.sku).toBeTruthy();
      else expect(entry.source).toMatch(/^https:\/\/aws\.amazon\.com\//);
    }
  });

  test('reserved EC2 prices are below on-demand ones', () => {
    for (const key of Object.keys(snapshot.prices).filter((k) => k.endsWith('/reserved-1yr-no-upfront'))) {
      expect(snapshot.prices[key].usd).toBeLessThan(snapshot.prices[key.replace('reserved-1yr-no-upfront', 'on-demand')].usd);
    }
  });
});

test('an unknown region is refused naming the ones with prices', () => {
  expect(() => loadPriceSnapshot('ap-south-2')).toThrow('no price snapshot for region "ap-south-2": expected one of us-east-1, us-west-2, eu-west-1');
});
