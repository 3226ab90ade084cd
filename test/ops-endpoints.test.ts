// A process without GraphQL (the sync worker) gets the same operations endpoints:
// /metrics with the sync metrics it reports, /ready from its own check, /health,
// and the shared graceful shutdown.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createOpsServer, listen } from '../core/http.ts';
import { createLogger } from '../core/logger.ts';
import { MAX_OPERATION_NAMES, operationLabel, recordSyncStats } from '../core/metrics.ts';
import { drainAndClose } from '../core/shutdown.ts';

test('the worker reports queue statistics; /metrics shows them per flow; /ready follows its check', async () => {
  let ready = true;
  const logger = createLogger('worker-test');
  const server = createOpsServer({ component: 'worker', logger, ready: () => ({ ready, queue: 'ok' }) });
  const url = await listen(server);
  try {
    recordSyncStats([{ flow: 'crm_company_to_odoo_partner', depth: 3, oldestJobAgeMs: 90_000, deadLetters: 1, duplicatesDropped: 2, lagMs: 4_000 }]);
    recordSyncStats([{ flow: 'crm_company_to_odoo_partner', depth: 0, oldestJobAgeMs: null, deadLetters: 1, duplicatesDropped: 1 }]);
    const text = await (await fetch(`${url}/metrics`)).text();
    assert.match(text, /sync_queue_depth\{flow="crm_company_to_odoo_partner"\} 0/);
    assert.match(text, /sync_oldest_job_age_seconds\{flow="crm_company_to_odoo_partner"\} 0/);
    assert.match(text, /sync_dead_letters\{flow="crm_company_to_odoo_partner"\} 1/);
    assert.match(text, /sync_duplicates_dropped_total\{flow="crm_company_to_odoo_partner"\} 3/);
    assert.match(text, /sync_lag_seconds\{flow="crm_company_to_odoo_partner"\} 4/);
    assert.equal((await fetch(`${url}/ready`)).status, 200);
    ready = false;
    assert.equal((await fetch(`${url}/ready`)).status, 503);
    assert.equal((await fetch(`${url}/health`)).status, 200);
  } finally {
    const { drained } = await drainAndClose({ logger, servers: [server], graceMs: 1000 });
    assert.equal(drained, true);
  }
  assert.equal(server.listening, false);
});

test('operation names from callers are bounded labels', () => {
  assert.equal(operationLabel(undefined), 'anonymous');
  assert.equal(operationLabel('OrderStatus__odoo__0'), 'OrderStatus');
  assert.equal(operationLabel('not a name {}'), 'other');
  for (let i = 0; i < MAX_OPERATION_NAMES + 5; i++) operationLabel(`Generated${i}`);
  assert.equal(operationLabel('OneTooMany'), 'other');
  assert.equal(operationLabel('Generated1'), 'Generated1', 'a name seen before keeps its label');
});
