import { loadConfig } from '../src/config';
import { createHash } from 'node:crypto';
import { activeKeys, KeyStore, loadKeys, parseKeys, presentedKey } from '../src/api-keys';

const sha = (k: string) => createHash('sha256').update(k).digest('hex');

describe('parseKeys', () => {
  test.each([
    ['key-aaaaaaaa,key-bbbbbbbb', ['key-aaaaaaaa', 'key-bbbbbbbb']],
    ['# ops keys\nkey-aaaaaaaa  # team a\n\n  key-bbbbbbbb\n', ['key-aaaaaaaa', 'key-bbbbbbbb']],
    ['["key-aaaaaaaa","key-bbbbbbbb"]', ['key-aaaaaaaa', 'key-bbbbbbbb']],
    ['{"keys":["key-aaaaaaaa"]}', ['key-aaaaaaaa']],
    ['', []],
  ])('%j', (text, keys) => {
    expect(parseKeys(text, 'src').map((e) => e.sha256)).toEqual(keys.map(sha));
    // Plain keys get the digest prefix as their id, no limits of their own.
    expect(parseKeys(text, 'src').map((e) => e.id)).toEqual(keys.map((k) => sha(k).slice(0, 12)));
  });

  test('entry objects: id, own limits, revocation, a key given by its SHA-256', () => {
    const text = JSON.stringify({
      keys: [
        'key-plain-aaaa',
        { id: 'tenant-a', key: 'key-tenant-aaaa', requestsPerSecondPerInstance: 20000, pointsPerSecondPerInstance: 2000000 },
        { id: 'agents-eu', sha256: sha('key-agents-eu1').toUpperCase() },
        { id: 'old', key: 'key-old-aaaaaa', revoked: true },
      ],
    });
    expect(parseKeys(text, 'secret s')).toEqual([
      { id: sha('key-plain-aaaa').slice(0, 12), sha256: sha('key-plain-aaaa'), revoked: false, source: 'secret s' },
      { id: 'tenant-a', sha256: sha('key-tenant-aaaa'), revoked: false, source: 'secret s', requestsPerSecondPerInstance: 20000, pointsPerSecondPerInstance: 2000000 },
      { id: 'agents-eu', sha256: sha('key-agents-eu1'), revoked: false, source: 'secret s' },
      { id: 'old', sha256: sha('key-old-aaaaaa'), revoked: true, source: 'secret s' },
    ]);
  });

  test.each([
    ['short', /at least 8 characters/],
    ['["key-aaaaaaaa", 5]', /keys\[1\] must be a key string or an object/],
    ['{"key":"x"}', /array of keys or \{"keys"/],
    ['[not json', /looks like JSON but does not parse/],
    ['{"keys":[{"id":"a"}]}', /keys\[0\] needs exactly one of "key" or "sha256"/],
    ['{"keys":[{"key":"key-aaaaaaaa","sha256":"00"}]}', /keys\[0\] needs exactly one of "key" or "sha256"/],
    ['{"keys":[{"sha256":"abc"}]}', /keys\[0\]\.sha256 must be 64 hex characters/],
    ['{"keys":["key-aaaaaaaa",{"key":"key-bbbbbbbb","requestsPerSecond":5}]}', /keys\[1\]: unknown field "requestsPerSecond"/],
    ['{"keys":[{"key":"key-bbbbbbbb","requestsPerSecondPerInstance":0}]}', /keys\[0\]\.requestsPerSecondPerInstance must be an integer from 1 to 10000000/],
    ['{"keys":[{"key":"key-bbbbbbbb","pointsPerSecondPerInstance":"9"}]}', /keys\[0\]\.pointsPerSecondPerInstance must be an integer from 1 to/],
    ['{"keys":[{"key":"key-bbbbbbbb","revoked":"yes"}]}', /keys\[0\]\.revoked must be true or false/],
    ['{"keys":[{"key":"key-bbbbbbbb","id":"has space"}]}', /keys\[0\]\.id must be 1 to 64 characters/],
    ['{"keys":[{"key":"short"}]}', /keys\[0\]\.key: every key must be a string of at least 8 characters/],
    ['[null]', /keys\[0\] must be a key string or an object/],
  ])('%j is refused', (text, msg) => {
    expect(() => parseKeys(text, 'secret s1')).toThrow(msg);
    expect(() => parseKeys(text, 'secret s1')).toThrow(/^secret s1: /);
  });
});

describe('activeKeys', () => {
  const entries = (source: string, keys: unknown[]) => parseKeys(JSON.stringify({ keys }), source);

  test('a key revoked in any source is refused, even one INGEST_API_KEYS still names', () => {
    const grants = activeKeys([...parseKeys('key-aaaaaaaa,key-bbbbbbbb', 'env'), ...entries('secret', [{ key: 'key-aaaaaaaa', revoked: true }])]);
    expect([...grants.keys()]).toEqual([sha('key-bbbbbbbb')]);
  });

  test('keys sharing an id (a rotation overlap) share its limits; different limits are an error naming both sources', () => {
    const ok = activeKeys(entries('secret', [{ id: 't', key: 'key-old-tttt', requestsPerSecondPerInstance: 9 }, { id: 't', key: 'key-new-tttt', requestsPerSecondPerInstance: 9 }]));
    expect([...ok.values()].map((g) => g.id)).toEqual(['t', 't']);
    expect(() => activeKeys([...entries('secret', [{ id: 't', key: 'key-old-tttt', requestsPerSecondPerInstance: 9 }]), ...entries('file', [{ id: 't', key: 'key-new-tttt' }])])).toThrow(
      /^file: keys with id "t" must have the same limits \(9 requests\/s, default points\/s in secret, default requests\/s, default points\/s here\)/,
    );
  });

  test('the same key twice must say the same thing', () => {
    expect(activeKeys([...parseKeys('key-aaaaaaaa', 'env'), ...parseKeys('key-aaaaaaaa', 'file')]).size).toBe(1);
    expect(() => activeKeys([...parseKeys('key-aaaaaaaa', 'env'), ...entries('secret', [{ id: 'x', key: 'key-aaaaaaaa' }])])).toThrow(/^secret: a key listed twice with different ids or limits/);
  });
});

describe('loadKeys', () => {
  test('merges every configured source; INGEST_AUTH=none loads nothing', async () => {
    const config = loadConfig({ INGEST_API_KEYS: 'key-aaaaaaaa', INGEST_API_KEYS_SECRET_ID: 'arn:secret' });
    const store = await loadKeys(config, async () => [
      { source: 'env', text: 'key-aaaaaaaa' },
      { source: 'secret', text: 'key-bbbbbbbb,key-cccccccc' },
    ]);
    expect(store?.size).toBe(3);
    expect(await loadKeys(loadConfig({ INGEST_AUTH: 'none' }))).toBeUndefined();
  });

  test('an empty source set is a startup error', async () => {
    await expect(loadKeys(loadConfig({ INGEST_API_KEYS_SECRET_ID: 'x' }), async () => [{ source: 's', text: ' ' }])).rejects.toThrow(/no API keys found/);
  });
});

describe('KeyStore and presentedKey', () => {
  const store = new KeyStore(['key-aaaaaaaa']);

  test('accepts the key and returns a stable id, refuses others', () => {
    const id = store.check('key-aaaaaaaa')?.id;
    expect(id).toMatch(/^[0-9a-f]{12}$/);
    expect(store.check('key-aaaaaaaa')?.id).toBe(id);
    expect(store.check('key-aaaaaaab')).toBeUndefined();
    expect(store.check('')).toBeUndefined();
  });

  test.each([
    ['Token abc', undefined, 'abc'],
    ['Bearer abc', undefined, 'abc'],
    [`Basic ${Buffer.from('telegraf:abc').toString('base64')}`, undefined, 'abc'],
    [undefined, 'u=telegraf&p=abc', 'abc'],
    ['Digest abc', 'p=abc', undefined],
    [undefined, 'db=x', undefined],
  ])('Authorization %j, query %j -> %j', (auth, q, key) => {
    expect(presentedKey(auth, q === undefined ? undefined : new URLSearchParams(q))).toBe(key);
  });
});

describe('fetchKeyTexts from a file', () => {
  test('reads INGEST_API_KEYS_FILE and merges it with INGEST_API_KEYS', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(`${tmpdir()}/keys-`);
    try {
      writeFileSync(`${dir}/keys`, '# fleet keys\nkey-ffffffff\nkey-gggggggg # team g\n');
      const store = await loadKeys(loadConfig({ INGEST_API_KEYS: 'key-aaaaaaaa', INGEST_API_KEYS_FILE: `${dir}/keys` }));
      expect(store?.size).toBe(3);
      expect(store?.check('key-gggggggg')).toBeDefined();
      await expect(loadKeys(loadConfig({ INGEST_API_KEYS_FILE: `${dir}/missing` }))).rejects.toThrow(/ENOENT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
