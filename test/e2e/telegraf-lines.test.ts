import { parseLines } from '../../scripts/e2e/telegraf';

// The e2e counts the Telegraf agents' points from the bodies the ingest service acknowledged, so this
// reading of Telegraf's serializer output decides the exact-count balance for those hosts.
describe('e2e: points of a Telegraf write', () => {
  test('numeric fields counted, strings and booleans apart, ns timestamps to ms, host tag read', () => {
    const body =
      'system,host=host-005 load1=1.25,n_cpus=4i,up=true,uptime_format="5 days, 1:07" 1764230400123000000\n' +
      'disk,host=host-015,path=/ free=89999984985u,used_percent=35 1764230400123000000\n';
    expect(parseLines(body)).toEqual([
      { measurement: 'system', host: 'host-005', tsMs: 1764230400123, numeric: ['load1', 'n_cpus'], nonNumeric: 2 },
      { measurement: 'disk', host: 'host-015', tsMs: 1764230400123, numeric: ['free', 'used_percent'], nonNumeric: 0 },
    ]);
  });

  test('escaped spaces, commas and quotes do not split a line', () => {
    const [p] = parseLines('my\\ m,host=a\\,b,k=x\\ y s="say \\"hi, there\\"",f=F,v=-1.5e3 1000000\n');
    expect(p).toEqual({ measurement: 'my\\ m', host: 'a\\,b', tsMs: 1, numeric: ['v'], nonNumeric: 2 });
  });

  test('a line that is not series, fields and timestamp fails loudly', () => {
    expect(() => parseLines('cpu value=1\n')).toThrow(/unexpected line from Telegraf/);
  });
});
