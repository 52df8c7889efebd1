/**
 * A local stand-in for the Price List Query API endpoint: it speaks the real wire protocol
 * (POST /, awsJson1_1, X-Amz-Target AWSPriceListService.GetProducts), applies TERM_MATCH filters to
 * a fixture of price-list items, and pages with opaque NextTokens, returning each item as a JSON
 * string the way AWS does. The real @aws-sdk/client-pricing client is pointed at it.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { PriceListItem } from '../../lib/pricing/refresh';

export interface RecordedRequest {
  readonly target: string | undefined;
  readonly contentType: string | undefined;
  readonly authorization: string | undefined;
  readonly body: {
    ServiceCode: string;
    Filters?: { Type: string; Field: string; Value: string }[];
    FormatVersion?: string;
    MaxResults?: number;
    NextToken?: string;
  };
}

export interface PriceListServer {
  readonly endpoint: string;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

export function loadFixtureItems(region: string): PriceListItem[] {
  const file = join(__dirname, '..', 'fixtures', 'pricing', `${region}.products.json`);
  return (JSON.parse(readFileSync(file, 'utf8')) as { items: PriceListItem[] }).items;
}

function matches(item: PriceListItem, field: string, value: string): boolean {
  if (field === 'ServiceCode') return item.serviceCode === value;
  if (field === 'productFamily') return item.product.productFamily === value;
  return item.product.attributes[field] === value;
}

/** pageSize below the client's MaxResults makes every multi-item answer span several pages. */
export async function startPriceListServer(items: readonly PriceListItem[], pageSize = 2): Promise<PriceListServer> {
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as RecordedRequest['body'];
      const target = req.headers['x-amz-target'] as string | undefined;
      requests.push({ target, contentType: req.headers['content-type'], authorization: req.headers.authorization, body });
      const reply = (status: number, payload: unknown, errorType?: string) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', ...(errorType ? { 'x-amzn-errortype': errorType } : {}) });
        res.end(JSON.stringify(payload));
      };
      if (req.method !== 'POST' || target !== 'AWSPriceListService.GetProducts') {
        reply(400, { __type: 'UnknownOperationException', message: `unexpected ${req.method} ${target}` }, 'UnknownOperationException');
        return;
      }
      const selected = items.filter(
        (item) => item.serviceCode === body.ServiceCode && (body.Filters ?? []).every((f) => f.Type === 'TERM_MATCH' && matches(item, f.Field, f.Value)),
      );
      const offset = body.NextToken ? Number(Buffer.from(body.NextToken.split(':')[1], 'base64').toString('utf8')) : 0;
      if (!Number.isInteger(offset)) {
        reply(400, { __type: 'InvalidNextTokenException', message: 'The pagination token is invalid.' }, 'InvalidNextTokenException');
        return;
      }
      const size = Math.min(pageSize, body.MaxResults ?? 100);
      const page = selected.slice(offset, offset + size);
      const next = offset + size < selected.length ? `${Buffer.from('session').toString('base64')}:${Buffer.from(String(offset + size)).toString('base64')}` : undefined;
      reply(200, { FormatVersion: 'aws_v1', PriceList: page.map((item) => JSON.stringify(item)), ...(next ? { NextToken: next } : {}) });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}
