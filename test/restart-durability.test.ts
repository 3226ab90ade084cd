// Idempotency keys and the audit trail are stored durably (the SQLite file, whatever
// TEST_STORE says: Postgres durability is the database's) and survive a
// restart of the writes subgraph: a retried call after the restart returns the
// stored answer without writing again, and the audit trail is still complete.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestStack } from './support/stack.ts';
import { quoteByNumber } from './support/world.ts';

const CONFIRM = `mutation($q: ID!, $key: String!) { confirmQuote(quoteId: $q, idempotencyKey: $key) { status replayed order { id } } }`;
const UPDATE = `mutation($id: ID!, $input: AccountUpdateInput!, $key: String!) { updateAccount(id: $id, input: $input, idempotencyKey: $key) { complete replayed } }`;

describe('restart keeps idempotency keys and the audit trail', () => {
  let dir: string;
  let storePath: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'supergraph-store-'));
    storePath = join(dir, 'store.sqlite');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('keys, results and audit entries outlive the process that wrote them', async () => {
    let orderId: string;
    let auditCount: number;
    const first = await startTestStack({ storePath, storeEngine: 'sqlite' });
    const quote = quoteByNumber(first.world, first.world.demo.approvedQuote.quoteNumber);
    try {
      const confirmed = await first.query(CONFIRM, { q: quote.id, key: 'durable-confirm-1' }, { role: 'sales_rep', crmOwnerId: quote.owner });
      assert.equal(confirmed.data.confirmQuote.status, 'CONFIRMED', JSON.stringify(confirmed));
      orderId = confirmed.data.confirmQuote.order.id;
      const updated = await first.query(UPDATE, { id: first.world.demo.accountId, input: { phone: '+49 40 5550100' }, key: 'durable-update-1' }, { role: 'sales_ops' });
      assert.equal(updated.data.updateAccount.complete, true);
      const audit = await first.query('{ auditLog(first: 100) { totalCount } }', {}, { role: 'finance' });
      auditCount = audit.data.auditLog.totalCount;
      assert.ok(auditCount >= 4, `audit entries: ${auditCount}`);
    } finally {
      await first.close();
    }

    // A new process on the same store.
    const second = await startTestStack({ storePath, storeEngine: 'sqlite' });
    try {
      second.odooSandbox.log.clear();
      const replay = await second.query(CONFIRM, { q: quote.id, key: 'durable-confirm-1' }, { role: 'sales_rep', crmOwnerId: quote.owner });
      assert.equal(replay.data.confirmQuote.replayed, true);
      assert.equal(replay.data.confirmQuote.order.id, orderId);
      assert.equal(second.odooSandbox.log.count({ method: 'create' }), 0);
      const again = await second.query(UPDATE, { id: second.world.demo.accountId, input: { phone: '+49 40 5550100' }, key: 'durable-update-1' }, { role: 'sales_ops' });
      assert.equal(again.data.updateAccount.replayed, true);
      assert.equal(second.hubspotSandbox.log.count({ operation: 'update' }), 0);
      const audit = await second.query('{ auditLog(first: 100) { totalCount edges { node { action idempotencyKey } } } }', {}, { role: 'integration_admin' });
      assert.equal(audit.data.auditLog.totalCount, auditCount);
      assert.ok(audit.data.auditLog.edges.some((e: { node: { idempotencyKey: string } }) => e.node.idempotencyKey === 'durable-confirm-1'));
      // The key still remembers its payload: reusing it for another change is refused (and that refusal is audited too).
      const reused = await second.query(UPDATE, { id: second.world.demo.accountId, input: { phone: '+49 40 5550199' }, key: 'durable-update-1' }, { role: 'sales_ops' });
      assert.equal(reused.errors?.[0]?.extensions?.code, 'CONFLICT');
      const after = await second.query('{ auditLog(first: 1) { totalCount edges { node { outcome errorCode } } } }', {}, { role: 'integration_admin' });
      assert.equal(after.data.auditLog.totalCount, auditCount + 1);
      assert.deepEqual(after.data.auditLog.edges[0].node, { outcome: 'refused', errorCode: 'CONFLICT' });
    } finally {
      await second.close();
    }
  });
});
