// The store cannot vanish unnoticed, and no refusal goes unrecorded (issue 9).
// SQLite keeps writing to the file it opened after its directory was moved away,
// so without a check writes "succeed" into a file nobody will open again and a
// restart re-runs their keys on an empty store. And a refused write whose audit
// entry cannot be written must not be answered as if it had been recorded.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { DEV_INTERNAL_SECRET, IDENTITY_HEADER, signInternalToken } from '../core/identity.ts';
import { COMPONENTS } from '../policy/components.ts';
import { AUDIT_TEXT_MAX, AuditTrail, boundText, type AuditRecordInput } from '../store/audit.ts';
import { openStore, UNGUARDED_TABLES } from '../store/database.ts';
import { StoreRateLimitCounter } from '../store/rate-limits.ts';
import { isCode } from './support/errors.ts';
import { tempDb } from './support/store.ts';
import { postGraphQL, startTestStack, type TestStack } from './support/stack.ts';
import { quoteByNumber } from './support/world.ts';

const UPDATE = `mutation($id: ID!, $input: AccountUpdateInput!, $key: String!) { updateAccount(id: $id, input: $input, idempotencyKey: $key) { complete replayed } }`;
const CONFIRM = `mutation($q: ID!, $key: String!) { confirmQuote(quoteId: $q, idempotencyKey: $key) { status order { id } } }`;
const AUDIT_BY_ACTOR = `query($actor: String!) { auditLog(first: 10, filter: { actor: $actor }) { totalCount edges { node { outcome errorCode objectId action requestId } } } }`;
const ops = { role: 'sales_ops' as const };

test('every write to a guarded table checks that the path still names the open file; the exemptions are real tables', async (t) => {
  const path = tempDb(t, 'data');
  const store = openStore(path);
  t.after(() => store.close());
  const tables = store.db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all().map((r) => r.name);
  for (const name of UNGUARDED_TABLES) assert.ok(tables.includes(name), `${name} is not a table`);
  const guarded = tables.filter((name) => !UNGUARDED_TABLES.has(name));
  const triggers = new Set(store.db.prepare<[], { name: string }>("SELECT name FROM temp.sqlite_master WHERE type = 'trigger'").all().map((r) => r.name));
  for (const table of guarded) for (const op of ['insert', 'update', 'delete']) assert.ok(triggers.has(`guard_${table}_${op}`), `${table} ${op} unguarded`);

  const audit = new AuditTrail(store);
  const entry: AuditRecordInput = { actor: { sub: 'a', role: 'sales_ops' }, action: 'updateAccount', system: 'hubspot', object: 'Account', objectId: '1', fields: [], before: {}, after: {}, requestId: 'r-1', outcome: 'refused' };
  await audit.record(entry);
  assert.deepEqual(await store.health(), { ready: true, journalMode: 'wal' });
  assert.equal(store.db.pragma('synchronous', { simple: true }), 2, 'synchronous = FULL');

  const dir = join(path, '..');
  renameSync(dir, `${dir}-moved`);
  assert.equal((await store.health()).ready, false);
  await assert.rejects(async () => audit.record(entry), isCode('STORE_UNAVAILABLE'));
  assert.throws(() => store.db.prepare("INSERT INTO leases (name, owner, expires_at) VALUES ('x', 'y', 1)").run(), isCode('STORE_UNAVAILABLE'));
  assert.throws(() => store.db.prepare('UPDATE schema_migrations SET name = name').run(), isCode('STORE_UNAVAILABLE'));
  assert.equal((await new StoreRateLimitCounter(store).hit('sub:x', 60_000)).count, 1, 'rate-limit counters are disposable, not guarded');

  // Another file at the same path (e.g. a fresh store) is not the one open either.
  rmSync(`${dir}-moved`, { recursive: true });
  mkdirSync(dir);
  writeFileSync(path, '');
  assert.match((await store.health()).reason ?? '', /another file/);
  await assert.rejects(async () => audit.record(entry), isCode('STORE_UNAVAILABLE'));
});

test('caller text in an audit entry is cut with its length, never split inside a character', async () => {
  assert.equal(boundText('short'), 'short');
  const cut = boundText('x'.repeat(100_000));
  assert.equal(cut.length, AUDIT_TEXT_MAX);
  assert.ok(cut.endsWith('…[100000 chars]'));
  const emoji = boundText('😀'.repeat(400));
  assert.ok(emoji.length <= AUDIT_TEXT_MAX);
  assert.equal(Buffer.from(emoji, 'utf8').toString('utf8'), emoji, 'no lone surrogate');
});

function probe(stack: TestStack, path: '/ready' | '/health') {
  return fetch(stack.urls.writesSubgraph.replace('/graphql', path));
}

describe('a store moved away while running', () => {
  let root: string;
  let stack: TestStack;
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'store-vanish-'));
    stack = await startTestStack({ storePath: join(root, 'data', 'store.sqlite'), storeEngine: 'sqlite' });
  });
  after(async () => {
    await stack.close();
    rmSync(root, { recursive: true, force: true });
  });
  const moveAway = () => renameSync(join(root, 'data'), join(root, 'data-moved'));
  const moveBack = () => renameSync(join(root, 'data-moved'), join(root, 'data'));

  test('refuses every write with STORE_UNAVAILABLE, does nothing, and is not ready until the file is back', async () => {
    const accountId = stack.world.demo.accountId;
    assert.equal((await probe(stack, '/ready')).status, 200);
    const ok = await stack.query(UPDATE, { id: accountId, input: { phone: '+49 40 5550101' }, key: 'vanish-0001' }, ops);
    assert.equal(ok.data?.updateAccount?.complete, true, JSON.stringify(ok));

    moveAway();
    try {
      const ready = await probe(stack, '/ready');
      assert.equal(ready.status, 503);
      assert.equal((await ready.json()).ready, false);
      assert.equal((await probe(stack, '/health')).status, 200, 'alive: a restart would open an empty store, so liveness does not fail');

      await stack.resetCounters();
      const update = await stack.query(UPDATE, { id: accountId, input: { phone: '+49 40 5550102' }, key: 'vanish-0002' }, ops);
      assert.equal(update.errors?.[0]?.extensions?.code, 'STORE_UNAVAILABLE', JSON.stringify(update));
      assert.equal(update.data?.updateAccount ?? null, null);
      assert.equal(stack.hubspotSandbox.log.count({ operation: 'update' }), 0, 'nothing reached HubSpot');

      const quote = quoteByNumber(stack.world, stack.world.demo.approvedQuote.quoteNumber);
      const confirm = await stack.query(CONFIRM, { q: quote.id, key: 'vanish-confirm-0001' }, { role: 'sales_rep', crmOwnerId: quote.owner });
      assert.equal(confirm.errors?.[0]?.extensions?.code, 'STORE_UNAVAILABLE', JSON.stringify(confirm));
      assert.equal(confirm.data?.confirmQuote ?? null, null);
      assert.equal(stack.odooSandbox.log.count({ method: 'create' }), 0, 'no order was created');

      // A refusal that cannot be audited is not answered as that refusal.
      const refused = await stack.query(UPDATE, { id: accountId, input: { creditLimit: 1 }, key: 'vanish-0003' }, ops);
      assert.equal(refused.errors?.[0]?.extensions?.code, 'STORE_UNAVAILABLE', JSON.stringify(refused));

      // Reads do not depend on the store.
      const read = await stack.query('query($id: ID!) { account(id: $id) { id } }', { id: accountId }, ops);
      assert.equal(read.data?.account?.id, accountId, JSON.stringify(read));
    } finally {
      moveBack();
    }

    assert.equal((await probe(stack, '/ready')).status, 200);
    const retried = await stack.query(UPDATE, { id: accountId, input: { phone: '+49 40 5550102' }, key: 'vanish-0002' }, ops);
    assert.equal(retried.data?.updateAccount?.complete, true, JSON.stringify(retried));
    assert.equal(retried.data?.updateAccount?.replayed, false, 'the refused attempt left no key behind');
  });

  test('a store moved away while a write is at the backend: the write is not reported done', async () => {
    await stack.resetCounters();
    stack.hubspotSandbox.faults.add({ kind: 'latency', ms: 1_500, objectType: 'companies', operation: 'update', times: 1 });
    const pending = stack.query(UPDATE, { id: stack.world.demo.accountId, input: { phone: '+49 40 5550103' }, key: 'vanish-midway-0001' }, ops);
    try {
      for (let i = 0; i < 200 && stack.hubspotSandbox.log.count({ operation: 'update' }) === 0; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(stack.hubspotSandbox.log.count({ operation: 'update' }), 1, 'the update is at HubSpot');
      moveAway();
      const res = await pending;
      assert.equal(res.errors?.[0]?.extensions?.code, 'STORE_UNAVAILABLE', JSON.stringify(res));
      assert.notEqual(res.data?.updateAccount?.complete, true);
    } finally {
      moveBack();
      stack.hubspotSandbox.faults.clear();
    }
  });
});

describe('a refused write is always audited', () => {
  let root: string;
  let storePath: string;
  let stack: TestStack;
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'store-refusals-'));
    storePath = join(root, 'store.sqlite');
    stack = await startTestStack({ storePath, storeEngine: 'sqlite' });
  });
  after(async () => {
    await stack.close();
    rmSync(root, { recursive: true, force: true });
  });

  /** Straight to the writes subgraph with a valid gateway credential: none of the gateway's input bounds apply. */
  async function direct(query: string, variables: Record<string, unknown>, sub: string) {
    const requestId = `direct-${sub}`;
    const credential = await signInternalToken({ sub, roles: ['sales_ops'], accountId: null, companyIds: null, scopes: [] }, COMPONENTS.integration.subgraph, DEV_INTERNAL_SECRET, requestId);
    return postGraphQL(stack.urls.writesSubgraph, query, variables, { [IDENTITY_HEADER]: credential, 'x-request-id': requestId });
  }

  for (const [label, length] of [['a 501-character id', 501], ['a 100 KB id', 100_000]] as const) {
    test(`${label} sent past the gateway: the refusal is audited, the id bounded`, async () => {
      const sub = `hostile-${length}`;
      const id = `acc-${'x'.repeat(length - 4)}`;
      const res = await direct(UPDATE, { id, input: { phone: '+49 40 5550104' }, key: `hostile-${length}-0001` }, sub);
      const code = res.errors?.[0]?.extensions?.code;
      assert.ok(['BAD_USER_INPUT', 'NOT_FOUND'].includes(code), JSON.stringify(res).slice(0, 500));

      const audit = await stack.query(AUDIT_BY_ACTOR, { actor: sub }, { role: 'integration_admin' });
      assert.equal(audit.data?.auditLog?.totalCount, 1, JSON.stringify(audit).slice(0, 500));
      const entry = audit.data.auditLog.edges[0].node;
      assert.equal(entry.outcome, 'refused');
      assert.equal(entry.errorCode, code);
      assert.equal(entry.action, 'updateAccount');
      assert.equal(entry.requestId, `direct-${sub}`);
      assert.ok(entry.objectId.length <= AUDIT_TEXT_MAX, `stored id of ${entry.objectId.length} characters`);
      assert.ok(entry.objectId.startsWith('acc-xxx') && entry.objectId.includes(`[${length} chars]`), entry.objectId);
    });
  }

  test('an audit store that fails: the request fails instead of answering an unrecorded refusal', async () => {
    // Another connection makes every audit insert fail, as a full disk or an I/O error would.
    const saboteur = new Database(storePath);
    saboteur.exec("CREATE TRIGGER test_audit_fails BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'injected I/O error'); END");
    try {
      const accountId = stack.world.demo.accountId;
      const refused = await stack.query(UPDATE, { id: accountId, input: { creditLimit: 1 }, key: 'audit-fails-0001' }, { role: 'sales_ops', sub: 'audit-fails' });
      assert.equal(refused.errors?.length, 1, JSON.stringify(refused));
      assert.equal(refused.errors?.[0]?.extensions?.code, 'STORE_UNAVAILABLE', JSON.stringify(refused));
      assert.deepEqual(refused.errors?.[0]?.path, ['updateAccount']);
      assert.doesNotMatch(JSON.stringify(refused), /injected/, 'the store\'s own text stays in the log');

      await stack.resetCounters();
      const applied = await stack.query(UPDATE, { id: accountId, input: { phone: '+49 40 5550105' }, key: 'audit-fails-0002' }, { role: 'sales_ops', sub: 'audit-fails' });
      assert.equal(applied.errors?.[0]?.extensions?.code, 'STORE_UNAVAILABLE', JSON.stringify(applied));
      assert.notEqual(applied.data?.updateAccount?.complete, true, 'an unaudited write is not reported done');
    } finally {
      saboteur.exec('DROP TRIGGER test_audit_fails');
      saboteur.close();
    }
    // Once the store takes entries again, the same refusal is answered and recorded.
    const again = await stack.query(UPDATE, { id: stack.world.demo.accountId, input: { creditLimit: 1 }, key: 'audit-fails-0003' }, { role: 'sales_ops', sub: 'audit-fails' });
    assert.equal(again.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    const audit = await stack.query(AUDIT_BY_ACTOR, { actor: 'audit-fails' }, { role: 'integration_admin' });
    assert.deepEqual(audit.data.auditLog.edges.map((e: { node: { outcome: string; errorCode: string } }) => [e.node.outcome, e.node.errorCode]), [['refused', 'FORBIDDEN']]);
  });
});
