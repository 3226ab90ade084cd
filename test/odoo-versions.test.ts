// Odoo 16, 17, 18 and 19 through the gateway: the connector detects the server's
// version once and reads each with that version's fields (16 has no `locked` and
// plans MOs with date_planned_start, 19 renamed the line UoM, 16/17 key stock by
// `warehouse`), while the sandbox refuses another version's fields the way that
// Odoo does (ValueError in its JSON-RPC envelope: code 200 up to 18, 0 on 19).
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import {
  parseOdooVersion, SUPPORTED_ODOO_VERSIONS, toCanonicalRecord, wireContext, wireDomain, wireFields, wireOrder, wireVals, type OdooVersion,
} from '../connectors/odoo/versions.ts';
import { createOdooClient } from '../connectors/odoo/odoo-client.ts';
import { loadOdooConfig } from '../connectors/odoo/config.ts';
import { isAppError } from '../policy/errors.ts';
import { encodeId } from '../core/ids.ts';
import { closeServer, listen } from '../core/http.ts';
import { SANDBOX_ODOO_CREDENTIALS } from '../sandboxes/seed/index.ts';
import { startTestStack, type TestStack } from './support/stack.ts';
import { protocolsOf } from '../sandboxes/odoo/versions.ts';

const ORDER = `query($number: String!) { order(number: $number) { number state locked lines { quantity } production { number state startDate } } }`;
const PRODUCT = `query($sku: String!) { product(sku: $sku) { sku availability { warehouseCode onHand } } }`;

/** A field each version lacks (it exists in another), and the message that version refuses it with. */
const FOREIGN_FIELD: Record<OdooVersion, { model: string; field: string; message: string }> = {
  16: { model: 'sale.order', field: 'locked', message: "Invalid field 'locked' on model 'sale.order'" },
  17: { model: 'mrp.production', field: 'sale_line_id', message: "Invalid field 'sale_line_id' on model 'mrp.production'" },
  18: { model: 'mrp.production', field: 'date_planned_start', message: "Invalid field 'date_planned_start' on model 'mrp.production'" },
  19: { model: 'sale.order.line', field: 'product_uom', message: "Invalid field 'product_uom' on 'sale.order.line'" },
};

for (const version of SUPPORTED_ODOO_VERSIONS) {
  describe(`Odoo ${version}`, () => {
    let stack: TestStack;
    before(async () => {
      stack = await startTestStack({ odooVersion: version });
    });
    after(() => stack.close());

    const rpc = async (service: string, method: string, args: unknown[]) => {
      const res = await fetch(`${stack.urls.odooSandbox}/jsonrpc`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', method: 'call', id: 1, params: { service, method, args } }) });
      assert.equal(res.status, 200);
      return (await res.json()) as { result?: any; error?: { code: number; message: string; data: { name: string; message: string } } };
    };
    const execute = async (model: string, method: string, args: unknown[], kwargs: Record<string, unknown> = {}) => {
      const uid = (await rpc('common', 'authenticate', [stack.world.odoo.database, SANDBOX_ODOO_CREDENTIALS.login, SANDBOX_ODOO_CREDENTIALS.apiKey, {}])).result;
      return rpc('object', 'execute_kw', [stack.world.odoo.database, uid, SANDBOX_ODOO_CREDENTIALS.apiKey, model, method, args, kwargs]);
    };

    test('the connector detects the version once, and JSON-2 is there only on 19', async () => {
      const v = await rpc('common', 'version', []);
      assert.deepEqual(v.result.server_version_info.slice(0, 2), [version, 0]);
      const client = createOdooClient(loadOdooConfig({
        ODOO_URL: stack.urls.odooSandbox, ODOO_DB: stack.world.odoo.database, ODOO_LOGIN: SANDBOX_ODOO_CREDENTIALS.login,
        ODOO_API_KEY: SANDBOX_ODOO_CREDENTIALS.apiKey, ODOO_PROTOCOL: protocolsOf(version)[0]!,
      }));
      const versionCalls: string[] = [];
      const counting = createOdooClient({ ...loadOdooConfig({ ODOO_URL: stack.urls.odooSandbox, ODOO_DB: stack.world.odoo.database, ODOO_LOGIN: SANDBOX_ODOO_CREDENTIALS.login, ODOO_API_KEY: SANDBOX_ODOO_CREDENTIALS.apiKey, ODOO_PROTOCOL: 'jsonrpc' }) }, {
        onCall: (c) => versionCalls.push(c.method),
      });
      try {
        assert.equal(await client.serverVersion(), version);
        await counting.searchCount('res.partner', []);
        await counting.forRequest(undefined as never).searchCount('res.partner', []);
        assert.deepEqual(versionCalls, ['version', 'search_count', 'search_count'], 'asked once, before the first model call, shared by request views');
      } finally {
        await Promise.all([client.close(), counting.close()]);
      }
      const json2 = await fetch(`${stack.urls.odooSandbox}/json/2/res.partner/search_count`, { method: 'POST', headers: { authorization: `bearer ${SANDBOX_ODOO_CREDENTIALS.apiKey}`, 'content-type': 'application/json' }, body: '{"domain":[]}' });
      assert.equal(json2.status, version >= 19 ? 200 : 404);
    });

    test('a locked order reads as CONFIRMED + locked (16 stores it as state done), with its production', async () => {
      const locked = stack.odooSandbox.store.records('sale.order').find((o) => o.locked === true && o.state === 'sale')!;
      assert.ok(locked, 'the seed has a locked order');
      const wire = await execute('sale.order', 'read', [[locked.id], ['state']]);
      assert.deepEqual(wire.result, [{ id: locked.id, state: version <= 16 ? 'done' : 'sale' }]);

      const res = await stack.query(ORDER, { number: locked.name });
      assert.equal(res.errors, undefined, JSON.stringify(res.errors));
      assert.equal(res.data.order.state, 'CONFIRMED');
      assert.equal(res.data.order.locked, true);

      const demo = await stack.query(ORDER, { number: stack.world.demo.orderNumber });
      assert.equal(demo.errors, undefined, JSON.stringify(demo.errors));
      assert.equal(demo.data.order.locked, false);
      const mo = demo.data.order.production[0];
      assert.equal(mo.number, stack.world.demo.productionName);
      assert.match(mo.startDate, /^\d{4}-\d{2}-\d{2}T/, `the MO start date is read from ${version <= 16 ? 'date_planned_start' : 'date_start'}`);
      const asked = stack.odooSandbox.log.entries({ model: 'mrp.production' }).flatMap((e) => e.fields ?? []);
      assert.ok(asked.includes(version <= 16 ? 'date_planned_start' : 'date_start'));
    });

    test('stock per warehouse is keyed the way the version expects (warehouse on 16/17, warehouse_id on 18/19)', async () => {
      const warehouses = stack.odooSandbox.store.records('stock.warehouse');
      // A product stocked differently in two warehouses: the wrong key would answer the total for both.
      const byProduct = new Map<number, typeof stack.world.odoo.stock>();
      for (const s of stack.world.odoo.stock) byProduct.set(s.productId, [...(byProduct.get(s.productId) ?? []), s]);
      const [productId, rows] = [...byProduct].find(([, r]) => r.length >= 2 && new Set(r.map((x) => x.onHand)).size >= 2)!;
      const sku = stack.odooSandbox.store.get('product.product', productId)!.default_code as string;
      const res = await stack.query(PRODUCT, { sku });
      assert.equal(res.errors, undefined, JSON.stringify(res.errors));
      assert.ok(res.data.product.availability.length >= 2, JSON.stringify(res.data));
      for (const a of res.data.product.availability as Array<{ warehouseCode: string; onHand: number }>) {
        const wh = warehouses.find((w) => w.code === a.warehouseCode)!;
        assert.equal(a.onHand, rows.find((r) => r.warehouseId === wh.id)?.onHand ?? 0, `on hand in ${a.warehouseCode}`);
      }
      const keys = stack.odooSandbox.log.entries({ model: 'product.product', method: 'read' }).map((e) => Object.keys(e.context ?? {}).filter((k) => k.startsWith('warehouse')));
      assert.ok(keys.length > 0 && keys.every((k) => k.length === 1 && k[0] === (version <= 17 ? 'warehouse' : 'warehouse_id')), JSON.stringify(keys));
    });

    test('16 filters a locked order as state done; later versions have no such state', async () => {
      const locked = stack.odooSandbox.store.records('sale.order').filter((o) => o.state === 'sale' && o.locked === true).length;
      const done = await execute('sale.order', 'search_count', [[['state', '=', 'done']]]);
      assert.equal(done.result, version <= 16 ? locked : 0);
      const confirmed = stack.odooSandbox.store.records('sale.order').filter((o) => o.state === 'sale').length;
      const sale = await execute('sale.order', 'search_count', [[['state', 'in', ['sale', 'done']]]]);
      assert.equal(sale.result, confirmed);
    });

    test("a customer sees its order's manufacturing orders as Odoo links them, not by the free-text origin", async () => {
      const demo = stack.world.demo;
      const store = stack.odooSandbox.store;
      const line = store.records('sale.order.line').find((l) => l.order_id === demo.orderId)!;
      const { id: _id, ...rest } = store.records('mrp.production').find((m) => m.name === demo.productionName)!;
      const linked = store.insert('mrp.production', { ...rest, name: `WH/MO/LINK${version}`, state: 'confirmed', origin: false, sale_line_id: line.id });
      const namedOnly = store.insert('mrp.production', { ...rest, name: `WH/MO/ORIGIN${version}`, state: 'confirmed', origin: demo.orderNumber, sale_line_id: false });
      try {
        const res = await stack.query('query($n: String!) { order(number: $n) { production { number } } }', { n: demo.orderNumber }, { role: 'customer', accountId: demo.accountId });
        assert.equal(res.errors, undefined, JSON.stringify(res.errors));
        const seen = res.data.order.production.map((p: { number: string }) => p.number);
        assert.ok(seen.includes(demo.productionName), `the MO procured for the order: ${JSON.stringify(seen)}`);
        assert.ok(seen.includes(`WH/MO/LINK${version}`), 'an MO made for one of its lines');
        assert.ok(!seen.includes(`WH/MO/ORIGIN${version}`), 'an MO whose origin merely names the order is not linked');
      } finally {
        store.remove('mrp.production', linked);
        store.remove('mrp.production', namedOnly);
      }
    });

    test(`a field Odoo ${version} does not have is refused as Odoo ${version} refuses it`, async () => {
      const { model, field, message } = FOREIGN_FIELD[version];
      const r = await execute(model, 'search_read', [[], ['id', field]], { limit: 1 });
      assert.equal(r.error?.code, version >= 19 ? 0 : 200, 'JSON-RPC error code: 200 up to 18, 0 on 19');
      assert.equal(r.error?.message, 'Odoo Server Error');
      assert.equal(r.error?.data.name, 'builtins.ValueError');
      assert.equal(r.error?.data.message, message);

      // The connector reads the canonical name under the version's own (or leaves it out),
      // and takes the error envelope of either code: 200 (16–18) or 0 (19).
      const client = createOdooClient(loadOdooConfig({
        ODOO_URL: stack.urls.odooSandbox, ODOO_DB: stack.world.odoo.database, ODOO_LOGIN: SANDBOX_ODOO_CREDENTIALS.login,
        ODOO_API_KEY: SANDBOX_ODOO_CREDENTIALS.apiKey, ODOO_PROTOCOL: 'jsonrpc',
      }));
      try {
        await assert.rejects(client.searchRead(model, [], ['id', 'no_such_field'], { limit: 1 }), (e: unknown) => isAppError(e) && e.code === 'BACKEND_VALIDATION' && e.details.field === 'no_such_field' && e.details.backendName === 'builtins.ValueError');
        const lines = await client.searchRead('sale.order.line', [], ['product_uom'], { limit: 1 });
        assert.ok(Array.isArray(lines[0]!.product_uom), 'the line UoM arrives under its canonical name on every version');
      } finally {
        await client.close();
      }
    });

    test('a blocked invoice is shown as that version can (not_paid before 18)', async () => {
      const invoice = stack.odooSandbox.store.records('account.move')[0]!;
      stack.odooSandbox.store.patch('account.move', invoice.id, { payment_state: 'blocked' });
      const r = await execute('account.move', 'read', [[invoice.id], ['payment_state']]);
      assert.deepEqual(r.result, [{ id: invoice.id, payment_state: version >= 18 ? 'blocked' : 'not_paid' }]);
      if (version <= 17) {
        const write = await execute('account.move', 'write', [[invoice.id], { payment_state: 'blocked' }]);
        assert.equal(write.error?.data.name, 'builtins.ValueError', 'Odoo 16/17 have no blocked payment state');
      }
    });

    test('read of a missing id answers fewer rows with HTTP 200; a record of another company is an AccessError', async () => {
      const order = stack.odooSandbox.store.records('sale.order')[0]!;
      const r = await execute('sale.order', 'read', [[order.id, 99_999_999], ['name']]);
      assert.deepEqual(r.result, [{ id: order.id, name: order.name }]);
      const other = stack.odooSandbox.store.records('sale.order').find((o) => o.company_id !== order.company_id)!;
      const denied = await execute('sale.order', 'read', [[other.id], ['name']], { context: { allowed_company_ids: [order.company_id] } });
      assert.equal(denied.error?.data.name, 'odoo.exceptions.AccessError');
    });
  });
}

describe('the version table translates canonical calls', () => {
  test('16: confirmed includes done, locked is the done state, also through a relation', () => {
    assert.deepEqual(wireDomain(16, 'sale.order', [['state', '=', 'sale']]), [['state', 'in', ['sale', 'done']]]);
    assert.deepEqual(wireDomain(16, 'sale.order', [['locked', '=', true]]), [['state', '=', 'done']]);
    assert.deepEqual(wireDomain(16, 'sale.order.line', [['order_id.locked', '=', false]]), [['order_id.state', '!=', 'done']]);
    assert.deepEqual(wireDomain(17, 'sale.order', [['locked', '=', true]]), [['locked', '=', true]]);
    assert.deepEqual(toCanonicalRecord(16, 'sale.order', { id: 1, state: 'done' }, ['state', 'locked']), { id: 1, state: 'sale', locked: true });
  });
  test('renamed and missing fields, in field lists, orders and x2many commands', () => {
    assert.deepEqual(wireFields(16, 'mrp.production', ['date_start', 'sale_line_id', 'state']), ['date_planned_start', 'state']);
    assert.deepEqual(wireFields(16, 'sale.order', ['name', 'locked']), ['name', 'state']);
    assert.equal(wireOrder(16, 'mrp.production', 'date_start asc, id'), 'date_planned_start asc, id');
    assert.deepEqual(wireVals(19, 'sale.order', { order_line: [[0, 0, { product_uom: 3 }]] }), { order_line: [[0, 0, { product_uom_id: 3 }]] });
    assert.deepEqual(wireContext(17, { warehouse_id: 2, lang: 'de_DE' }), { warehouse: 2, lang: 'de_DE' });
    assert.deepEqual(wireContext(18, { warehouse_id: 2 }), { warehouse_id: 2 });
    assert.throws(() => wireDomain(16, 'mrp.production', [['sale_line_id', '=', 1]]), (e: unknown) => isAppError(e) && e.code === 'BACKEND_VERSION_UNSUPPORTED');
  });
  test('version parsing: stable, Odoo Online, unsupported', () => {
    assert.equal(parseOdooVersion([17, 0, 0, 'final', 0, ''], '17.0-20240709'), 17);
    assert.equal(parseOdooVersion(['saas~18', 3, 0, 'final', 0, '']), 18);
    assert.throws(() => parseOdooVersion([20, 0, 0, 'final', 0, '']), (e: unknown) => isAppError(e) && e.code === 'BACKEND_VERSION_UNSUPPORTED');
    assert.throws(() => parseOdooVersion(undefined), (e: unknown) => isAppError(e) && e.code === 'BACKEND_PROTOCOL');
  });
});

describe('Odoo versions the connector refuses', () => {
  let server: http.Server;
  let url: string;
  before(async () => {
    // An Odoo 15 answering common.version as real Odoo does.
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const id = JSON.parse(body || '{}').id ?? null;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ jsonrpc: '2.0', id, result: { server_version: '15.0-20230101', server_version_info: [15, 0, 0, 'final', 0, ''], server_serie: '15.0', protocol_version: 1 } }));
      });
    });
    url = await listen(server, 0, '127.0.0.1');
  });
  after(() => closeServer(server));

  test('Odoo 15 → BACKEND_VERSION_UNSUPPORTED naming the version, before any model call', async () => {
    const client = createOdooClient(loadOdooConfig({ ODOO_URL: url, ODOO_DB: 'x', ODOO_LOGIN: 'bot', ODOO_API_KEY: 'k', ODOO_PROTOCOL: 'jsonrpc', ODOO_MAX_RETRIES: '0' }));
    try {
      await assert.rejects(client.searchCount('res.partner', []), (e: unknown) => isAppError(e) && e.code === 'BACKEND_VERSION_UNSUPPORTED' && /Odoo 15\.0/.test(e.message) && e.details.system === 'odoo');
    } finally {
      await client.close();
    }
  });

  test('JSON-2 against Odoo 18 → BACKEND_VERSION_UNSUPPORTED telling to use JSON-RPC', async () => {
    const stack = await startTestStack({ odooVersion: 18, odooProtocol: 'jsonrpc' });
    const client = createOdooClient(loadOdooConfig({ ODOO_URL: stack.urls.odooSandbox, ODOO_API_KEY: SANDBOX_ODOO_CREDENTIALS.apiKey, ODOO_PROTOCOL: 'json2', ODOO_MAX_RETRIES: '0' }));
    try {
      await assert.rejects(client.searchCount('res.partner', []), (e: unknown) => isAppError(e) && e.code === 'BACKEND_VERSION_UNSUPPORTED' && /ODOO_PROTOCOL=jsonrpc/.test(e.message));
      assert.equal(stack.odooSandbox.log.entries().length, 0, 'no model call was sent');
    } finally {
      await client.close();
      await stack.close();
    }
  });
});

describe("Odoo's own error text never reaches a caller", () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack();
  });
  after(() => stack.close());

  test('a UserError naming a user and a record id becomes the canonical message', async () => {
    const text = "Sorry, Alice Martin (id=7) may not change Sales Order S00042 (sale.order: 42)";
    stack.odooSandbox.faults.add({ kind: 'odoo_error', error: 'UserError', message: text, model: 'sale.order', method: 'write' });
    const res = await stack.query(
      `mutation($o: ID!, $d: Date!, $r: String!, $key: String!) { requestDeliveryDate(orderId: $o, date: $d, reason: $r, idempotencyKey: $key) { commitmentDate } }`,
      { o: encodeId('Order', 'odoo', stack.world.demo.orderId), d: '2027-02-01', r: 'Site not ready', key: 'odoo-text-0001' },
      { role: 'sales_ops' },
    );
    const error = res.errors?.[0];
    assert.equal(error?.extensions?.code, 'BACKEND_VALIDATION');
    assert.equal(error?.message, 'Odoo rejected the values');
    const visible = JSON.stringify(res);
    for (const leak of ['Alice', 'id=7', 'sale.order: 42', 'UserError']) assert.ok(!visible.includes(leak), `${leak} reached the caller: ${visible}`);
  });
});
