// The audit trail: append-only in SQLite itself, masked and minimised before it is
// written, filtered and paged with a keyset cursor, and still there after a restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { openStore } from '../store/database.ts';
import { AuditTrail, MASKED_VALUE, type AuditRecordInput } from '../store/audit.ts';
import { OWNERSHIP } from '../policy/ownership.ts';
import { isCode } from './support/errors.ts';
import { opened, tempDb } from './support/store.ts';

function entry(over: Partial<AuditRecordInput> = {}): AuditRecordInput {
  return {
    actor: { sub: 'rep-1', role: 'sales_rep' },
    action: 'updateAccount',
    system: 'hubspot',
    object: 'Account',
    objectId: 'acc-1',
    fields: ['website'],
    before: { website: 'https://old.example' },
    after: { website: 'https://new.example' },
    requestId: 'req-1',
    outcome: 'applied',
    ...over,
  };
}

test('the audit table is append-only: raw UPDATE and DELETE abort', async (t) => {
  const store = opened(t, tempDb(t));
  const audit = new AuditTrail(store);
  const e = await audit.record(entry());
  assert.throws(() => store.db.prepare("UPDATE audit_log SET outcome = 'refused' WHERE id = ?").run(Number(e.id)), /append-only/);
  assert.throws(() => store.db.prepare('DELETE FROM audit_log WHERE id = ?').run(Number(e.id)), /append-only/);
  assert.throws(() => store.db.prepare('DELETE FROM audit_log').run(), /append-only/);
  // REPLACE deletes without firing DELETE triggers; a separate trigger refuses it.
  assert.throws(() => store.db.prepare('INSERT OR REPLACE INTO audit_log SELECT * FROM audit_log').run(), /append-only/);
  assert.throws(
    () => store.db.prepare("INSERT INTO audit_log SELECT * FROM audit_log WHERE true ON CONFLICT (id) DO UPDATE SET outcome = 'refused'").run(),
    /append-only/,
  );
  const page = await audit.query({}, { first: 10 });
  assert.equal(page.entries.length, 1);
  assert.deepEqual(page.entries[0], e);
  assert.equal(e.outcome, 'applied');
});

test('sensitive fields are stored masked (before and after, nested, case-insensitive); only named fields are kept', async (t) => {
  const path = tempDb(t);
  const store = opened(t, path);
  const audit = new AuditTrail(store);
  const e = await audit.record(
    entry({
      actor: { sub: 'fin-1', role: 'finance' },
      action: 'updateAccountCredit',
      system: 'odoo',
      fields: ['creditLimit', 'paymentTerms', 'lines', 'name', 'Email'],
      before: { creditLimit: 50_000, paymentTerms: '30 days', name: 'Acme', Email: 'a@acme.example', token: 'secret-token' },
      after: {
        creditLimit: 75_123,
        paymentTerms: '45 days',
        name: 'Acme Corp',
        lines: [{ sku: 'BOLT-1', unitPrice: 9.87, discount: 12.5, qty: 3 }],
        internalNote: 'call CFO at home',
      },
      idempotencyKey: 'key-1',
      outcome: 'failed',
      error: { code: 'BACKEND_VALIDATION', message: 'rejected' },
    }),
  );
  assert.deepEqual(e.before, { creditLimit: '***', paymentTerms: '***', name: 'Acme', Email: '***' });
  assert.deepEqual(e.after, {
    creditLimit: '***',
    paymentTerms: '***',
    name: 'Acme Corp',
    lines: [{ sku: 'BOLT-1', unitPrice: '***', discount: '***', qty: 3 }],
  });
  assert.deepEqual(e.fields, ['creditLimit', 'paymentTerms', 'lines', 'name', 'Email']);
  assert.deepEqual(e.error, { code: 'BACKEND_VALIDATION', message: 'rejected' });
  assert.equal(e.idempotencyKey, 'key-1');

  // A custom mask replaces the default set.
  const custom = new AuditTrail(store, { mask: ['website'] });
  const c = await custom.record(entry({ fields: ['website', 'creditLimit'], after: { website: 'https://x.example', creditLimit: 1 } }));
  assert.deepEqual(c.after, { website: '***', creditLimit: 1 });
  assert.deepEqual(c.before, { website: '***' });

  // The clear values never reach the file (database and WAL).
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  const bytes = readFileSync(path).toString('latin1');
  for (const secret of ['50000', '75123', '30 days', '45 days', '9.87', '12.5', 'a@acme.example', 'secret-token', 'call CFO']) {
    assert.ok(!bytes.includes(secret), `"${secret}" must not be stored`);
  }
  assert.ok(bytes.includes('Acme Corp'));
});

test('invalid entries are refused before anything is written', async (t) => {
  const store = opened(t, tempDb(t));
  const audit = new AuditTrail(store);
  await assert.rejects(async () => audit.record(entry({ system: 'sap' as never })), isCode('INTERNAL_SERVER_ERROR'));
  await assert.rejects(async () => audit.record(entry({ outcome: 'maybe' as never })), isCode('INTERNAL_SERVER_ERROR'));
  await assert.rejects(async () => audit.record(entry({ requestId: '' })), isCode('INTERNAL_SERVER_ERROR'));
  assert.equal(await (await audit.query({}, { first: 1 })).totalCount(), 0);
});

test('filters: object, objectId, actor, action and a time range [from, to)', async (t) => {
  const store = opened(t, tempDb(t));
  const audit = new AuditTrail(store);
  const day = (d: number) => new Date(Date.UTC(2026, 0, d, 12));
  await audit.record(entry({ at: day(1) }));
  await audit.record(entry({ at: day(2), objectId: 'acc-2', actor: { sub: 'ops-1', role: 'sales_ops' } }));
  await audit.record(entry({ at: day(3), object: 'Quote', objectId: 'q-1', action: 'confirmQuote', system: 'odoo' }));
  await audit.record(entry({ at: day(4), actor: { sub: 'ops-1', role: 'sales_ops' }, outcome: 'refused' }));
  await audit.record(entry({ at: day(5), object: 'Quote', objectId: 'q-1', action: 'confirmQuote', outcome: 'replayed' }));

  const days = async (f: Parameters<AuditTrail['query']>[0]) =>
    (await audit.query(f, { first: 100 })).entries.map((e) => new Date(e.at).getUTCDate());
  assert.deepEqual(await days({}), [5, 4, 3, 2, 1]); // newest first
  assert.deepEqual(await days({ object: 'Quote' }), [5, 3]);
  assert.deepEqual(await days({ object: 'Account', objectId: 'acc-1' }), [4, 1]);
  assert.deepEqual(await days({ actor: 'ops-1' }), [4, 2]);
  assert.deepEqual(await days({ action: 'confirmQuote' }), [5, 3]);
  assert.deepEqual(await days({ from: day(2), to: day(4) }), [3, 2]);
  assert.deepEqual(await days({ from: day(4) }), [5, 4]);
  assert.deepEqual(await days({ to: day(2) }), [1]);
  assert.deepEqual(await days({ actor: 'ops-1', from: day(3) }), [4]);
  assert.deepEqual(await days({ actor: 'nobody' }), []);
  assert.equal(await (await audit.query({ object: 'Quote' }, { first: 1 })).totalCount(), 2);
  assert.equal((await audit.query({}, { first: 1 })).entries[0]!.at, '2026-01-05T12:00:00.000Z');
  await assert.rejects(async () => audit.query({ from: new Date('nope') }, { first: 1 }), isCode('BAD_USER_INPUT', 'filter.from'));
});

test('cursor paging through 250 entries: no duplicates, no gaps, stable while new entries arrive', async (t) => {
  const store = opened(t, tempDb(t));
  const audit = new AuditTrail(store);
  const ids: string[] = [];
  for (let i = 0; i < 250; i++) ids.push((await audit.record(entry({ objectId: `acc-${i}`, requestId: `req-${i}` }))).id);
  const seen: string[] = [];
  let after: string | null = null;
  let pages = 0;
  for (;;) {
    const page = await audit.query({ object: 'Account' }, { first: 100, after });
    pages++;
    assert.equal(await page.totalCount(), 250 + (pages > 1 ? 1 : 0));
    seen.push(...page.entries.map((e) => e.id));
    if (pages === 1) await audit.record(entry({ objectId: 'late' })); // recorded mid-paging: newer than the cursor
    if (!page.hasNextPage) {
      assert.notEqual(page.endCursor, null);
      assert.equal((await audit.query({ object: 'Account' }, { first: 100, after: page.endCursor })).entries.length, 0);
      break;
    }
    after = page.endCursor;
  }
  assert.equal(pages, 3);
  assert.equal(seen.length, 250);
  assert.equal(new Set(seen).size, 250);
  assert.deepEqual(seen, [...ids].reverse());

  await assert.rejects(async () => audit.query({}, { first: 0 }), isCode('BAD_USER_INPUT', 'first'));
  await assert.rejects(async () => audit.query({}, { first: 101 }), isCode('BAD_USER_INPUT', 'first'));
  await assert.rejects(async () => audit.query({}, { first: 10, after: 'garbage' }), isCode('BAD_USER_INPUT', 'after'));
  const forged = Buffer.from(JSON.stringify({ v: 1, id: '5' })).toString('base64url'); // another API's cursor
  await assert.rejects(async () => audit.query({}, { first: 10, after: forged }), isCode('BAD_USER_INPUT', 'after'));
});

test('entries survive a restart', async (t) => {
  const path = tempDb(t);
  const s1 = openStore(path);
  const recorded = await new AuditTrail(s1).record(entry({ idempotencyKey: 'k-restart', at: new Date('2026-02-01T00:00:00Z') }));
  s1.close();
  const s2 = opened(t, path);
  const page = await new AuditTrail(s2).query({ objectId: 'acc-1' }, { first: 10 });
  assert.deepEqual(page.entries, [recorded]);
  assert.equal(page.hasNextPage, false);
  assert.equal(page.entries[0]!.at, '2026-02-01T00:00:00.000Z');
});

test('every field the ownership declaration marks commercial or personal is stored masked, by canonical and backend name', async (t) => {
  const store = opened(t, tempDb(t));
  const audit = new AuditTrail(store);
  const sensitive = Object.entries(OWNERSHIP).flatMap(([type, fields]) =>
    Object.entries(fields)
      .filter(([, d]) => d.sensitivity === 'commercial' || d.sensitivity === 'personal')
      .flatMap(([field, d]) => [`${type}.${field}`, ...(d.write ? [`${type}.${d.write.field}`] : [])]),
  );
  assert.ok(sensitive.includes('Account.creditHold') && sensitive.includes('Contact.email') && sensitive.includes('Account.credit_limit'));
  for (const key of sensitive) {
    const [object, field] = key.split('.') as [string, string];
    const e = await audit.record(entry({ object, fields: [field, 'website'], before: { [field]: 'clear-before', website: 'https://a.example' }, after: { [field]: 'clear-after', website: 'https://b.example' } }));
    assert.deepEqual(e.before, { [field]: MASKED_VALUE, website: 'https://a.example' }, `${key} before`);
    assert.deepEqual(e.after, { [field]: MASKED_VALUE, website: 'https://b.example' }, `${key} after`);
  }
});
