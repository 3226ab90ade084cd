// The other half of caller-safe errors: what the caller does not see (the
// backend's text, model, method, exception class, attempts) is in the subgraph's
// log line under the request id the caller was given.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import { closeServer, listen } from '../core/http.ts';
import { DEV_INTERNAL_SECRET, IDENTITY_HEADER, signInternalToken } from '../core/identity.ts';
import { appError } from '../policy/errors.ts';
import { createSubgraphServer } from '../subgraphs/common/subgraph-server.ts';

const BACKEND_TEXT = "Sorry, integration.bot (id=7) doesn't have 'read' access to: Sales Order (sale.order) S00042";

describe('subgraph error logging', () => {
  const lines: Array<Record<string, unknown>> = [];
  let dir: string;
  let url: string;
  let stop: () => Promise<void>;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sg-'));
    const schemaFile = join(dir, 'schema.graphql');
    writeFileSync(schemaFile, 'type Query { order: String }');
    const sink = new Writable({ write(chunk, _enc, done) { lines.push(JSON.parse(String(chunk))); done(); } });
    const sub = await createSubgraphServer({
      system: 'odoo', name: 'odoo', internalSecret: DEV_INTERNAL_SECRET, schemaFile, logger: pino({ level: 'info' }, sink),
      resolvers: { Query: { order: () => { throw appError('BACKEND_ACCESS_DENIED', `Odoo AccessError: ${BACKEND_TEXT}`, { system: 'odoo', model: 'sale.order', method: 'read', backendName: 'odoo.exceptions.AccessError', attempts: 1, httpStatus: 403 }); } } },
      context: async (identity, requestId) => ({ identity, requestId }),
    });
    url = `${await listen(sub.server)}/graphql`;
    stop = async () => {
      await closeServer(sub.server);
      await sub.stop();
    };
  });
  after(async () => {
    await stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the answer has the code and a canonical message; the log line has the backend text and details under the request id', async () => {
    const requestId = 'log-test-request-0001';
    const token = await signInternalToken({ sub: 'x', roles: ['finance'], accountId: null, companyIds: null, scopes: [] }, 'odoo', DEV_INTERNAL_SECRET, requestId);
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: token, 'x-request-id': requestId }, body: JSON.stringify({ query: '{ order }' }) });
    const body = (await res.json()) as { errors: Array<{ message: string; extensions: Record<string, unknown> }> };
    assert.equal(body.errors[0]!.message, "Odoo's access rules refused the operation");
    assert.deepEqual(body.errors[0]!.extensions, { code: 'BACKEND_ACCESS_DENIED', system: 'odoo' });
    const line = lines.find((l) => l.requestId === requestId && l.code === 'BACKEND_ACCESS_DENIED');
    assert.ok(line, JSON.stringify(lines));
    assert.match(String(line.backendMessage), /integration\.bot \(id=7\)/);
    assert.equal((line.details as Record<string, unknown>).model, 'sale.order');
    assert.equal((line.details as Record<string, unknown>).backendName, 'odoo.exceptions.AccessError');
  });
});
