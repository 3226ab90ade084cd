// The hot reads are sent by sendRaw (transport.ts) rather than through the generated
// client's request machinery: HubSpot must receive the very request the generated
// client sends — method, path, query, headers, JSON body — and a compressed answer
// must read the same. Checked against a recording server, call by call.
import assert from 'node:assert/strict';
import http from 'node:http';
import zlib from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { Client } from '@hubspot/api-client';
import { callOptions, createTimeoutAgent, sendRaw, type Capture, type RawRequest } from '../connectors/crm/hubspot/transport.ts';

interface Seen { method?: string; url?: string; headers: http.IncomingHttpHeaders; body: unknown }
const seen: Seen[] = [];
let gzip = false;
const server = http.createServer((req, res) => {
  let text = '';
  req.on('data', (c) => (text += c));
  req.on('end', () => {
    seen.push({ method: req.method, url: req.url, headers: req.headers, body: text ? JSON.parse(text) : undefined });
    const answer = JSON.stringify({ status: 'COMPLETE', results: [{ id: '1' }] });
    if (gzip) res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'x-hubspot-ratelimit-remaining': '9' }).end(zlib.gzipSync(answer));
    else res.writeHead(200, { 'content-type': 'application/json', 'x-hubspot-ratelimit-remaining': '9' }).end(answer);
  });
});
let base: URL;
let agent: http.Agent;
let sdk: Client;

before(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = new URL(`http://127.0.0.1:${(server.address() as { port: number }).port}`);
  agent = createTimeoutAgent(base.href, 5000, 4);
  sdk = new Client({ accessToken: 'pat-test', basePath: base.href.replace(/\/$/, ''), numberOfApiCallRetries: 0 });
});
after(() => {
  agent.destroy();
  return new Promise<void>((r) => server.close(() => r()));
});

/** Key order of a JSON body is not part of the request's meaning. */
const canonical = (v: unknown): unknown =>
  Array.isArray(v) ? v.map(canonical) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, canonical(x)])) : v;
const comparable = (s: Seen) => ({ ...s, headers: Object.fromEntries(Object.entries(s.headers).filter(([k]) => k !== 'host' && k !== 'connection').sort()), body: canonical(s.body) });

async function both(viaSdk: (o: ReturnType<typeof callOptions>) => Promise<unknown>, raw: RawRequest): Promise<[Seen, Seen, Capture]> {
  seen.length = 0;
  await viaSdk(callOptions({}, agent, 'req-1'));
  const capture: Capture = {};
  await sendRaw(base, 'pat-test', raw, capture, agent, 'req-1');
  assert.equal(seen.length, 2);
  return [seen[0]!, seen[1]!, capture];
}

describe('hot reads without the generated client', () => {
  it('batch read: the same request', async () => {
    const body = { inputs: [{ id: 'Q-1' }], properties: ['hs_title', 'quote_number'], propertiesWithHistory: [], idProperty: 'quote_number' };
    const [a, b] = await both((o) => sdk.crm.objects.batchApi.read('quotes', body, false, o),
      { method: 'POST', path: '/crm/v3/objects/quotes/batch/read', query: [['archived', 'false']], body });
    assert.deepEqual(comparable(b), comparable(a));
    assert.equal(b.headers['x-request-id'], 'req-1');
    assert.equal(b.headers.authorization, 'Bearer pat-test');
  });

  it('get with associations by a unique property: the same request', async () => {
    const [a, b] = await both((o) => sdk.crm.objects.basicApi.getById('quotes', 'Q 1/2', ['hs_title', 'quote_number'], undefined, ['companies', 'line_items'], false, 'quote_number', o), {
      method: 'GET', path: `/crm/v3/objects/quotes/${encodeURIComponent('Q 1/2')}`,
      query: [['properties', 'hs_title'], ['properties', 'quote_number'], ['associations', 'companies'], ['associations', 'line_items'], ['archived', 'false'], ['idProperty', 'quote_number']],
    });
    assert.deepEqual(comparable(b), comparable(a));
  });

  it('search and the v4 association batch read: the same requests', async () => {
    const search = { filterGroups: [{ filters: [{ propertyName: 'hs_object_id', operator: 'IN', values: ['1', '2'] }] }], sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }], properties: ['name'], limit: 5, after: '7' };
    const [a, b] = await both((o) => sdk.crm.objects.searchApi.doSearch('companies', search as never, o), { method: 'POST', path: '/crm/v3/objects/companies/search', body: search });
    assert.deepEqual(comparable(b), comparable(a));
    const inputs = { inputs: [{ id: '1' }, { id: '2', after: 'abc' }] };
    const [c, d] = await both((o) => sdk.crm.associations.v4.batchApi.getPage('quotes', 'line_items', inputs, o),
      { method: 'POST', path: '/crm/v4/associations/quotes/line_items/batch/read', body: inputs });
    assert.deepEqual(comparable(d), comparable(c));
  });

  it('owners pages, first and next: the same requests', async () => {
    const [a, b] = await both((o) => sdk.crm.owners.ownersApi.getPage(undefined, undefined, 500, false, o),
      { method: 'GET', path: '/crm/v3/owners/', query: [['limit', '500'], ['archived', 'false']] });
    assert.deepEqual(comparable(b), comparable(a));
    const [c, d] = await both((o) => sdk.crm.owners.ownersApi.getPage(undefined, 'MTAw', 500, false, o),
      { method: 'GET', path: '/crm/v3/owners/', query: [['after', 'MTAw'], ['limit', '500'], ['archived', 'false']] });
    assert.deepEqual(comparable(d), comparable(c));
  });

  it('reads a gzip answer as the generated client does', async () => {
    gzip = true;
    try {
      const capture: Capture = {};
      await sendRaw(base, 'pat-test', { method: 'POST', path: '/crm/v3/objects/quotes/search', body: { filterGroups: [] } }, capture, agent, undefined);
      assert.equal(capture.status, 200);
      assert.deepEqual(JSON.parse(capture.text!), { status: 'COMPLETE', results: [{ id: '1' }] });
      assert.equal(capture.headers!['x-hubspot-ratelimit-remaining'], '9');
    } finally {
      gzip = false;
    }
  });
});
