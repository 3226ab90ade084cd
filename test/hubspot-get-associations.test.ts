// A quote read by number brings its account and line ids in the same GET (CrmAlongside),
// but only listings HubSpot gave whole: one it paged (past 100 ids) or did not name as
// asked is left to the v4 association read. Canned answers, because the sandbox never pages these.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { loadHubSpotConfig } from '../connectors/crm/hubspot/config.ts';
import { createHubSpotClient, type HubSpotClient } from '../connectors/crm/hubspot/hubspot-client.ts';
import { createHubSpotCrm } from '../connectors/crm/hubspot/adapter.ts';
import type { CrmKind } from '../connectors/crm/port.ts';

const QUOTE = {
  id: '501', createdAt: '2026-01-02T00:00:00.000Z', updatedAt: '2026-01-03T00:00:00.000Z', archived: false,
  properties: { hs_object_id: '501', quote_number: 'Q-1', hs_status: 'APPROVED', hs_title: 'Pumps', hs_currency: 'EUR' },
};

let answer: Record<string, unknown> = {};
const seen: string[] = [];
const server = http.createServer((req, res) => {
  seen.push(`${req.method} ${req.url}`);
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ...QUOTE, ...answer }));
});
let client: HubSpotClient;

before(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  client = createHubSpotClient(loadHubSpotConfig({ HUBSPOT_BASE_URL: `http://127.0.0.1:${port}`, HUBSPOT_ACCESS_TOKEN: 'pat-test', HUBSPOT_PACING: 'off' }));
});
after(() => new Promise<void>((r) => server.close(() => r())));

async function byNumber(): Promise<Map<CrmKind, string[]>> {
  const found = new Map<CrmKind, string[]>();
  const quotes = await createHubSpotCrm(client).quotesByNumber(['Q-1'], { alongside: { to: ['account', 'quoteLine'], found: (id, to, ids) => { assert.equal(id, '501'); found.set(to, ids); } } });
  assert.deepEqual(quotes.map((q) => q.number), ['Q-1']);
  return found;
}

describe('associations brought with a get', () => {
  it('asks for them by the unique property in one GET, and hands over whole listings without duplicates', async () => {
    seen.length = 0;
    answer = { associations: {
      companies: { results: [{ id: '7', type: 'quote_to_company' }, { id: '7', type: 'quote_to_company_unlabeled' }] },
      line_items: { results: [{ id: '11', type: 'quote_to_line_item' }, { id: '12', type: 'quote_to_line_item' }] },
    } };
    assert.deepEqual(Object.fromEntries(await byNumber()), { account: ['7'], quoteLine: ['11', '12'] });
    assert.equal(seen.length, 1);
    const url = new URL(seen[0]!.slice(4), 'http://x');
    assert.equal(url.pathname, '/crm/v3/objects/quotes/Q-1');
    assert.equal(url.searchParams.get('idProperty'), 'quote_number');
    assert.deepEqual(url.searchParams.getAll('associations').flatMap((v) => v.split(',')).sort(), ['companies', 'line_items']);
  });

  it('takes the "line items" spelling of older answers', async () => {
    answer = { associations: { 'line items': { results: [{ id: '11', type: 'quote_to_line_item' }] } } };
    assert.deepEqual(Object.fromEntries(await byNumber()), { quoteLine: ['11'] });
  });

  it('leaves a paged listing, an absent one and one of another shape to the association read', async () => {
    answer = { associations: {
      companies: { results: [{ id: 'x7', type: 'quote_to_company' }] },
      line_items: { results: Array.from({ length: 100 }, (_, i) => ({ id: String(100 + i), type: 'quote_to_line_item' })), paging: { next: { after: '100', link: '…' } } },
    } };
    assert.deepEqual(Object.fromEntries(await byNumber()), {});
    answer = {};
    assert.deepEqual(Object.fromEntries(await byNumber()), {});
  });
});
