import { loadConfig } from '../src/config';
import { KeyStore, loadKeys, parseKeys, presentedKey } from '../src/api-keys';

describe('parseKeys', () => {
  test.each([
    ['key-aaaaaaaa,key-bbbbbbbb', ['key-aaaaaaaa', 'key-bbbbbbbb']],
    ['# ops keys\nkey-aaaaaaaa  # team a\n\n  key-bbbbbbbb\n', ['key-aaaaaaaa', 'key-bbbbbbbb']],
    ['["key-aaaaaaaa","key-bbbbbbbb"]', ['key-aaaaaaaa', 'key-bbbbbbbb']],
    ['{"keys":["key-aaaaaaaa"]}', ['key-aaaaaaaa']],
    ['', []],
  ])('%j', (text, keys) => {
    expect(parseKeys(text, 'src')).toEqual(keys);
  });

  test.each([
    ['short', /at least 8 characters/],
    ['["key-aaaaaaaa", 5]', /at least 8 characters/],
    ['{"key":"x"}', /array of keys or \{"keys"/],
    ['[not json', /looks like JSON but does not parse/],
  ])('%j is refused', (text, msg) => {
    expect(() => parseKeys(text, 'secret s1')).toThrow(msg);
    expect(() => parseKeys(text, 'secret s1')).toThrow(/^secret s1: /);
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
    const id = store.check('key-aaaaaaaa');
    expect(id).toMatch(/^[0-9a-f]{12}$/);
    expect(store.check('key-aaaaaaaa')).toBe(id);
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
