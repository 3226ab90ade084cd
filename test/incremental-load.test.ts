// An incremental loader (the BI tool of §3) keeps a correct copy while records
// change and disappear mid-load: it pages through accounts with keyset cursors while
// HubSpot archives one account on a page already read and one on a page not read
// yet, and changes another it has read; the next run — `updatedSince` and
// `deletedSince` with the time the first load started — brings its copy exactly to
// what the CRM holds. Changes go through the HubSpot sandbox's own REST API.
// HubSpot's lists are search, which is eventually consistent: the sandbox lags
// SEARCH_LAG_MS behind writes here (3 s by default), so a record archived mid-load
// may still be listed by the running load; the next run, started after the lag,
// must still converge — that is the contract a loader can rely on.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { encodeId } from '../core/ids.ts';
import { SANDBOX_HUBSPOT_TOKEN, SANDBOX_ODOO_CREDENTIALS } from '../sandboxes/seed/index.ts';
import { startTestStack, type TestStack } from './support/stack.ts';
import { createOdooClient } from '../connectors/odoo/odoo-client.ts';
import { loadOdooConfig } from '../connectors/odoo/config.ts';
import { protocolsOf } from '../sandboxes/odoo/versions.ts';

const SEARCH_LAG_MS = 400;
const outlastSearchLag = () => new Promise((r) => setTimeout(r, SEARCH_LAG_MS + 200));

const PAGE = `query($after: String, $since: DateTime) {
  accounts(first: 25, after: $after, filter: { updatedSince: $since }) {
    pageInfo { hasNextPage endCursor }
    edges { node { id phone updatedAt } }
  }
}`;
const DELETED = `query($object: DeletableObject!, $since: DateTime!) { deletedSince(object: $object, since: $since) { id object deletedAt } }`;

describe('an incremental loader sees changes and removals made during its load', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack({ hubspotSandbox: { searchDelayMs: SEARCH_LAG_MS } });
  });
  after(async () => {
    await stack?.close();
  });

  async function hubspot(method: string, path: string, body?: unknown): Promise<void> {
    const res = await fetch(`${stack.urls.hubspotSandbox}${path}`, {
      method,
      headers: { authorization: `Bearer ${SANDBOX_HUBSPOT_TOKEN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    assert.ok(res.status < 300, `${method} ${path}: ${res.status}`);
    await res.body?.cancel();
  }

  /** Pages through a load, calling `between` after each page; returns the copy it built. */
  async function load(since: string | undefined, between: (page: number, copy: Map<string, { phone: string | null }>) => Promise<void> = async () => {}) {
    const copy = new Map<string, { phone: string | null }>();
    let after: string | null = null;
    for (let page = 1; ; page++) {
      const res: { errors?: unknown; data?: any } = await stack.query(PAGE, { after, since }, { role: 'bi_reader' });
      assert.equal(res.errors, undefined, JSON.stringify(res.errors));
      for (const { node } of res.data.accounts.edges) copy.set(node.id, { phone: node.phone });
      if (!res.data.accounts.pageInfo.hasNextPage) return copy;
      after = res.data.accounts.pageInfo.endCursor;
      await between(page, copy);
      assert.ok(page < 200, 'the load ends');
    }
  }

  test('changes and removals during a load reach the copy on the next run', async () => {
    const crmIdOf = (id: string) => Buffer.from(id, 'base64url').toString().split(':').at(-1)!;
    // The next run starts from when this one started, minus an overlap for clock skew.
    const loadStarted = new Date(Date.now() - 5 * 60_000).toISOString();
    let readArchived = '';
    let unreadArchived = '';
    let changed = '';
    const copy = await load(undefined, async (page, seen) => {
      if (page !== 1) return;
      const ids = [...seen.keys()];
      readArchived = ids[0]!;
      changed = ids[1]!;
      // An id past the first page: keyset order is the CRM id order.
      const all = stack.world.hubspot.objects.companies.map((c) => String(c.id)).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
      const unread = all.find((id) => BigInt(id) > BigInt(crmIdOf(ids.at(-1)!)))!;
      unreadArchived = encodeId('Account', 'crm', unread);
      await hubspot('DELETE', `/crm/v3/objects/companies/${crmIdOf(readArchived)}`);
      await hubspot('DELETE', `/crm/v3/objects/companies/${unread}`);
      await hubspot('PATCH', `/crm/v3/objects/companies/${crmIdOf(changed)}`, { properties: { phone: '+49 40 555 0777' } });
    });
    assert.ok(copy.size > 50, `a real load: ${copy.size} accounts`);
    assert.ok(copy.has(readArchived), 'read before it was archived');
    assert.notEqual(copy.get(changed)?.phone, '+49 40 555 0777', 'changed after its page was read');

    // The next run (later than search's lag): what changed since the last load
    // started, then what was removed — including the one archived before its page was
    // read, whichever way search answered the first load.
    await outlastSearchLag();
    for (const [id, row] of await load(loadStarted)) copy.set(id, row);
    const removed = await stack.query(DELETED, { object: 'ACCOUNT', since: loadStarted }, { role: 'bi_reader' });
    assert.equal(removed.errors, undefined, JSON.stringify(removed.errors));
    const removedIds = removed.data.deletedSince.map((d: { id: string }) => d.id);
    assert.deepEqual([...removedIds].sort(), [readArchived, unreadArchived].sort());
    assert.ok(removed.data.deletedSince.every((d: { object: string; deletedAt: string }) => d.object === 'ACCOUNT' && Date.parse(d.deletedAt) >= Date.parse(loadStarted)));
    for (const id of removedIds) copy.delete(id);

    assert.equal(copy.get(changed)?.phone, '+49 40 555 0777', 'the change arrived');
    const truth = await load(undefined);
    assert.deepEqual([...copy.keys()].sort(), [...truth.keys()].sort(), 'the copy holds exactly what the CRM holds');
  });

  test('a product archived in Odoo is listed by archivedSince and leaves the product list', async () => {
    const since = new Date(Date.now() - 5 * 60_000).toISOString();
    const PRODUCTS = `query($after: String) { products(first: 100, after: $after) { pageInfo { hasNextPage endCursor } edges { node { id sku } } } }`;
    const listed = async () => {
      const ids: string[] = [];
      for (let after: string | null = null; ;) {
        const res: { errors?: unknown; data?: any } = await stack.query(PRODUCTS, { after }, { role: 'bi_reader' });
        assert.equal(res.errors, undefined, JSON.stringify(res.errors));
        ids.push(...res.data.products.edges.map((e: { node: { id: string } }) => e.node.id));
        if (!res.data.products.pageInfo.hasNextPage) return ids;
        after = res.data.products.pageInfo.endCursor;
      }
    };
    const before = await listed();
    const victim = before[3]!;
    const odooId = Number(Buffer.from(victim, 'base64url').toString().split(':').at(-1));
    // Archiving is a write of `active` through Odoo's own external API (the transport the
    // imitated version answers on), as a user or another integration would do it.
    const odoo = createOdooClient(loadOdooConfig({
      ODOO_URL: stack.urls.odooSandbox, ODOO_DB: SANDBOX_ODOO_CREDENTIALS.database, ODOO_LOGIN: SANDBOX_ODOO_CREDENTIALS.login,
      ODOO_API_KEY: SANDBOX_ODOO_CREDENTIALS.apiKey, ODOO_PROTOCOL: protocolsOf(stack.odooSandbox.version)[0]!,
    }));
    try {
      await odoo.call('product.product', 'write', { ids: [odooId], vals: { active: false } });
    } finally {
      await odoo.close();
    }
    const archived = await stack.query(`query($since: DateTime!) { archivedSince(object: PRODUCT, since: $since) { id object archivedAt } }`, { since }, { role: 'bi_reader' });
    assert.equal(archived.errors, undefined, JSON.stringify(archived.errors));
    assert.deepEqual(archived.data.archivedSince.map((a: { id: string }) => a.id), [victim]);
    assert.ok(Date.parse(archived.data.archivedSince[0].archivedAt) >= Date.parse(since));
    const after = await listed();
    assert.deepEqual(after, before.filter((id) => id !== victim));
  });

  test("the seeded customer archived in Odoo is listed under its Account id", async () => {
    const { archivedAccount } = stack.world.demo;
    const res = await stack.query(`{ archivedSince(object: ACCOUNT, since: "2000-01-01T00:00:00Z") { id object } }`, {}, { role: 'bi_reader' });
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    const expected = archivedAccount.hubspotId ? encodeId('Account', 'crm', archivedAccount.hubspotId) : encodeId('Account', 'odoo', archivedAccount.odooId!);
    assert.ok(res.data.archivedSince.some((a: { id: string }) => a.id === expected), JSON.stringify(res.data.archivedSince));
  });

  test('removals before `since` are not listed again, and customers cannot ask', async () => {
    const future = new Date(Date.now() + 60 * 60_000).toISOString();
    const res = await stack.query(DELETED, { object: 'ACCOUNT', since: future }, { role: 'bi_reader' });
    assert.deepEqual(res.data?.deletedSince, []);
    const customer = await stack.query(DELETED, { object: 'QUOTE', since: future }, { role: 'customer', accountId: stack.world.demo.accountId });
    assert.equal(customer.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    const odoo = await stack.query(`query($since: DateTime!) { archivedSince(object: ACCOUNT, since: $since) { id } }`, { since: future }, { role: 'bi_reader' });
    assert.deepEqual(odoo.data?.archivedSince, [], JSON.stringify(odoo.errors));
  });
});
