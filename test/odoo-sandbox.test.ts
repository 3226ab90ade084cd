// The Odoo sandbox itself, on the wire (plain fetch): Odoo's HTTP behaviour for
// both transports, the admin endpoints (faults, request log), isolation between
// sandboxes, transactions, x2many commands and the business methods.
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createOdooSandbox, type OdooSandbox } from '../sandboxes/odoo/server.ts';
import { buildOdooFixture, FIXTURE_DB, FIXTURE_USERS } from '../sandboxes/odoo/fixtures.ts';

const KEY = FIXTURE_USERS.integration.apiKey;
const UID = FIXTURE_USERS.integration.uid;

describe('Odoo sandbox', () => {
  let sb: OdooSandbox;
  let url: string;

  const json2 = async (model: string, method: string, body: unknown, opts: { key?: string | null; httpMethod?: string; raw?: string } = {}) => {
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (opts.key !== null) headers.Authorization = `bearer ${opts.key ?? KEY}`;
    const res = await fetch(`${url}/json/2/${model}/${method}`, { method: opts.httpMethod ?? 'POST', headers, body: opts.httpMethod === 'GET' ? undefined : (opts.raw ?? JSON.stringify(body)) });
    const text = await res.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, json, text };
  };
  let rpcId = 0;
  const rpc = async (service: string, method: string, args: unknown[], base = url) => {
    const id = ++rpcId;
    const res = await fetch(`${base}/jsonrpc`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', method: 'call', id, params: { service, method, args } }) });
    assert.equal(res.status, 200);
    const body = (await res.json()) as any;
    assert.equal(body.id, id);
    return body;
  };
  const exec = (model: string, method: string, args: unknown[], kwargs: Record<string, unknown> = {}) => rpc('object', 'execute_kw', [FIXTURE_DB, UID, KEY, model, method, args, kwargs]);

  before(async () => {
    // The wire shapes of both transports: JSON-2 exists on Odoo 19 only (other versions: odoo-versions.test.ts).
    sb = createOdooSandbox({ dataset: buildOdooFixture(), version: 19 });
    url = await sb.listen();
  });
  afterEach(() => {
    sb.faults.clear();
    sb.log.clear();
  });
  after(() => sb.close());

  test('two sandboxes never share state, and the dataset is not mutated', async () => {
    const dataset = buildOdooFixture();
    const a = createOdooSandbox({ dataset });
    const b = createOdooSandbox({ dataset });
    const env = a.store.makeEnv(a.store.users[0]!, {});
    a.store.write(env, 'res.partner', [1], { name: 'Changed in A' });
    assert.equal(a.store.get('res.partner', 1)!.name, 'Changed in A');
    assert.equal(b.store.get('res.partner', 1)!.name, 'Acme Corp');
    assert.equal(dataset.records['res.partner']![0]!.name, 'Acme Corp');
  });

  test('JSON-2: HTTP-level errors have Odoo’s status codes and serialized bodies', async () => {
    const noAuth = await json2('res.partner', 'search_read', {}, { key: null });
    assert.equal(noAuth.status, 401);
    assert.equal(noAuth.json.name, 'werkzeug.exceptions.Unauthorized');
    assert.match(noAuth.json.message, /Authorization/);

    const get = await json2('res.partner', 'search_read', undefined, { httpMethod: 'GET' });
    assert.equal(get.status, 405);
    assert.equal(get.json.name, 'werkzeug.exceptions.MethodNotAllowed');

    const model = await json2('no.model', 'search_read', {});
    assert.equal(model.status, 404);
    assert.equal(model.json.message, "the model 'no.model' does not exist");

    const method = await json2('res.partner', 'frobnicate', {});
    assert.equal(method.status, 404);
    assert.equal(method.json.message, "The method 'frobnicate' does not exist on the model 'res.partner'");

    const withIds = await json2('res.partner', 'search_read', { ids: [1] });
    assert.equal(withIds.status, 422);
    assert.equal(withIds.json.message, 'cannot call res.partner.search_read with ids');

    const badKw = await json2('res.partner', 'search_read', { domain: [], colour: 'red' });
    assert.equal(badKw.status, 422);
    assert.equal(badKw.json.name, 'werkzeug.exceptions.UnprocessableEntity');
    assert.match(badKw.json.message, /unexpected keyword argument 'colour'/);

    const badJson = await json2('res.partner', 'search_read', undefined, { raw: '{"domain": [' });
    assert.equal(badJson.status, 400);
    assert.match(badJson.json.message, /could not parse the body as json/);

    const access = await json2('res.partner', 'search_read', { context: { allowed_company_ids: [3] } });
    assert.equal(access.status, 403);
    assert.equal(access.json.name, 'odoo.exceptions.AccessError');

    const missing = await json2('res.partner', 'write', { ids: [999], vals: { name: 'x' } });
    assert.equal(missing.status, 404);
    assert.equal(missing.json.name, 'odoo.exceptions.MissingError');

    const user = await json2('sale.order', 'action_confirm', { ids: [2] });
    assert.equal(user.status, 422);
    assert.equal(user.json.name, 'odoo.exceptions.UserError');

    const value = await json2('res.partner', 'read', { ids: [1], fields: ['nope'] });
    assert.equal(value.status, 500, 'a ValueError is not a UserError: real JSON-2 answers 500');
    assert.equal(value.json.name, 'builtins.ValueError');
    assert.equal(value.json.message, "Invalid field 'nope' on 'res.partner'", "19's wording (odoo/orm/models.py) has no 'model'");
    for (const r of [noAuth, model, withIds, access, missing, user, value]) {
      assert.deepEqual(Object.keys(r.json).sort(), ['arguments', 'context', 'debug', 'message', 'name']);
    }
  });

  test('JSON-2: success answers are the bare return value', async () => {
    const r = await json2('res.partner', 'search_read', { domain: [['id', '=', 1]], fields: ['name'], context: { lang: 'en_US' } });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, [{ id: 1, name: 'Acme Corp' }]);
    const count = await json2('res.partner', 'search_count', { domain: [] });
    assert.equal(count.json, 4);
    const created = await json2('res.partner', 'create', { vals_list: [{ name: 'A' }, { name: 'B' }] });
    assert.equal(created.json.length, 2);
  });

  test('JSON-RPC: common.version, create arity, positional ids, Odoo error envelope', async () => {
    const v = await rpc('common', 'version', []);
    assert.match(v.result.server_version, /^19\.0\b/, 'packaged builds carry a suffix');
    assert.deepEqual(v.result.server_version_info.slice(0, 2), [19, 0]);
    assert.equal((await rpc('common', 'authenticate', [FIXTURE_DB, FIXTURE_USERS.integration.login, KEY, {}])).result, UID);

    const single = await exec('res.partner', 'create', [{ name: 'Single' }]);
    assert.equal(typeof single.result, 'number', 'create(dict) returns an id');
    const multi = await exec('res.partner', 'create', [[{ name: 'M1' }, { name: 'M2' }]]);
    assert.equal(multi.result.length, 2, 'create([dicts]) returns ids');

    const read = await exec('res.partner', 'read', [[1], ['name']]);
    assert.deepEqual(read.result, [{ id: 1, name: 'Acme Corp' }]);
    const searched = await exec('res.partner', 'search_read', [[['ref', '=', 'hs-101']], ['ref']], { limit: 1 });
    assert.deepEqual(searched.result, [{ id: 1, ref: 'hs-101' }]);

    const unknown = await exec('no.model', 'search', [[]]);
    assert.equal(unknown.error.data.name, 'odoo.exceptions.UserError');
    assert.equal(unknown.error.data.message, "Object no.model doesn't exist");
    const wrongDb = await rpc('object', 'execute_kw', ['nope', UID, KEY, 'res.partner', 'search', [[]], {}]);
    assert.equal(wrongDb.error.data.name, 'psycopg2.OperationalError');
    const noIds = await exec('res.partner', 'read', []);
    assert.equal(noIds.error.data.name, 'builtins.IndexError');
    const typeErr = await exec('res.partner', 'write', [[1]]);
    assert.equal(typeErr.error.data.name, 'builtins.TypeError');
    assert.match(typeErr.error.data.message, /missing 1 required positional argument: 'vals'/);
  });

  test('an Odoo 17 sandbox has no JSON-2 but speaks JSON-RPC', async () => {
    const old = createOdooSandbox({ dataset: buildOdooFixture(), version: '17.0' });
    const oldUrl = await old.listen();
    try {
      const r = await fetch(`${oldUrl}/json/2/res.partner/search_read`, { method: 'POST', headers: { Authorization: `bearer ${KEY}`, 'Content-Type': 'application/json' }, body: '{}' });
      assert.equal(r.status, 404);
      const v = await rpc('common', 'version', [], oldUrl);
      assert.equal(v.result.server_serie, '17.0');
    } finally {
      await old.close();
    }
  });

  test('admin endpoints: faults and the request log over HTTP', async () => {
    const add = await fetch(`${url}/__sandbox/faults`, { method: 'POST', body: JSON.stringify({ kind: 'status', status: 503, model: 'res.partner', times: 1 }) });
    assert.equal(add.status, 201);
    const listed = (await (await fetch(`${url}/__sandbox/faults`)).json()) as any;
    assert.equal(listed.faults.length, 1);
    assert.equal(listed.faults[0].status, 503);

    const failed = await json2('res.partner', 'search_count', { domain: [] }, {});
    assert.equal(failed.status, 503);
    const ok = await json2('res.partner', 'search_count', { domain: [] });
    assert.equal(ok.status, 200);

    const log = (await (await fetch(`${url}/__sandbox/requests?model=res.partner`)).json()) as any;
    assert.deepEqual(log.requests.map((e: any) => [e.transport, e.method, e.fault ?? null]), [
      ['json2', 'search_count', 'status'],
      ['json2', 'search_count', null],
    ]);
    assert.equal((await fetch(`${url}/__sandbox/requests`, { method: 'DELETE' })).status, 200);
    assert.equal(sb.log.count(), 0);

    const bad = await fetch(`${url}/__sandbox/faults`, { method: 'POST', body: JSON.stringify({ kind: 'explode' }) });
    assert.equal(bad.status, 400);
    await fetch(`${url}/__sandbox/faults`, { method: 'POST', body: JSON.stringify([{ kind: 'latency', ms: 1 }, { kind: 'rate_limit', retryAfter: 3 }]) });
    const limited = await json2('res.partner', 'search_count', { domain: [] });
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '3');
    assert.equal((await fetch(`${url}/__sandbox/faults`, { method: 'DELETE' })).status, 200);
    assert.equal(sb.faults.list().length, 0);
  });

  test('the log records ORM calls only, with their parameters', async () => {
    await rpc('common', 'authenticate', [FIXTURE_DB, FIXTURE_USERS.integration.login, KEY, {}]);
    await exec('sale.order', 'search_read', [[['state', '=', 'sale']]], { fields: ['name'], limit: 5, order: 'id desc', context: { active_test: false } });
    const entries = sb.log.entries();
    assert.equal(entries.length, 1);
    assert.deepEqual(
      { transport: entries[0]!.transport, model: entries[0]!.model, method: entries[0]!.method, domain: entries[0]!.domain, fields: entries[0]!.fields, context: entries[0]!.context, params: entries[0]!.params },
      { transport: 'jsonrpc', model: 'sale.order', method: 'search_read', domain: [['state', '=', 'sale']], fields: ['name'], context: { active_test: false }, params: { limit: 5, order: 'id desc' } },
    );
  });

  test('malformed faults corrupt the first record of read answers only', async () => {
    for (const [shape, field, check] of [
      ['bad_date', 'date_order', (v: unknown) => v === '31/02/2026 25:61'],
      ['missing_field', 'partner_id', (v: unknown) => v === undefined],
      ['wrong_type', 'amount_total', (v: unknown) => typeof v === 'object' && v !== null],
      ['many2one_string', 'partner_id', (v: unknown) => v === 'Acme Corp'],
    ] as const) {
      sb.faults.malformed('sale.order', shape, { times: 1 });
      const r = await json2('sale.order', 'search_read', { domain: [['id', 'in', [1, 2]]], fields: ['partner_id', 'date_order', 'name', 'amount_total'], order: 'id asc' });
      assert.ok(check(r.json[0][field]), `${shape}: ${JSON.stringify(r.json[0])}`);
      assert.ok(Array.isArray(r.json[1].partner_id) && r.json[1].name === 'S00002', `${shape} leaves other records intact`);
    }
    const clean = await json2('sale.order', 'search_read', { domain: [['id', '=', 1]], fields: ['partner_id'] });
    assert.deepEqual(clean.json[0].partner_id, [1, 'Acme Corp'], 'times: 1 means once');
  });

  test('each call is a transaction: a failing create leaves nothing behind', async () => {
    const before = (await json2('res.partner', 'search_count', { domain: [], context: { active_test: false } })).json;
    const r = await json2('res.partner', 'create', { vals_list: [{ name: 'Good' }, { name: 'Bad', parent_id: 9999 }] });
    assert.equal(r.status, 422);
    assert.equal(r.json.name, 'odoo.exceptions.ValidationError');
    assert.equal((await json2('res.partner', 'search_count', { domain: [], context: { active_test: false } })).json, before);
  });

  test('x2many commands, unlink rules and cascades', async () => {
    const [orderId] = (await json2('sale.order', 'create', { vals_list: [{ partner_id: 6, order_line: [[0, 0, { product_id: 1, product_uom_qty: 1 }], [0, 0, { product_id: 3, product_uom_qty: 2 }]] }] })).json;
    let order = (await json2('sale.order', 'read', { ids: [orderId], fields: ['order_line', 'amount_untaxed'] })).json[0];
    assert.equal(order.order_line.length, 2);
    assert.equal(order.amount_untaxed, 510);
    const [l1, l2] = order.order_line;
    await json2('sale.order', 'write', { ids: [orderId], vals: { order_line: [[1, l1, { product_uom_qty: 4 }], [2, l2]] } });
    order = (await json2('sale.order', 'read', { ids: [orderId], fields: ['order_line', 'amount_untaxed'] })).json[0];
    assert.deepEqual(order.order_line, [l1]);
    assert.equal(order.amount_untaxed, 40);
    const users = await json2('res.users', 'write', { ids: [6], vals: { company_ids: [[6, 0, [1, 2]]] } });
    assert.equal(users.json, true);
    assert.deepEqual((await json2('res.users', 'read', { ids: [6], fields: ['company_ids'] })).json[0].company_ids, [1, 2]);

    const confirmed = await json2('sale.order', 'unlink', { ids: [2] });
    assert.equal(confirmed.status, 422, 'a confirmed order cannot be deleted');
    assert.equal((await json2('sale.order', 'unlink', { ids: [orderId] })).json, true);
    assert.equal((await json2('sale.order.line', 'search_count', { domain: [['id', '=', l1]] })).json, 0, 'lines cascade');
  });

  test('action_confirm with a shortage: waiting delivery and a manufacturing order', async () => {
    const [id] = (await json2('sale.order', 'create', { vals_list: [{ partner_id: 1, order_line: [[0, 0, { product_id: 3, product_uom_qty: 4 }]] }] })).json;
    assert.equal((await json2('sale.order', 'action_confirm', { ids: [id] })).json, true);
    const order = (await json2('sale.order', 'read', { ids: [id], fields: ['name', 'state', 'picking_ids', 'mrp_production_ids'] })).json[0];
    assert.equal(order.state, 'sale');
    const [picking] = (await json2('stock.picking', 'read', { ids: order.picking_ids, fields: ['state', 'origin'] })).json;
    assert.equal(picking.state, 'confirmed');
    assert.equal(picking.origin, order.name);
    assert.equal(order.mrp_production_ids.length, 1);
    const [mo] = (await json2('mrp.production', 'read', { ids: order.mrp_production_ids, fields: ['state', 'product_qty', 'origin'] })).json;
    assert.deepEqual(mo, { id: order.mrp_production_ids[0], state: 'confirmed', product_qty: 4, origin: order.name });
    assert.equal((await json2('sale.order', 'action_cancel', { ids: [id] })).json, true);
    const [cancelledMo] = (await json2('mrp.production', 'read', { ids: order.mrp_production_ids, fields: ['state'] })).json;
    assert.equal(cancelledMo.state, 'cancel');
  });

  test('credit follows the invoices: a payment lowers the receivable', async () => {
    const credit = async () => (await json2('res.partner', 'read', { ids: [1], fields: ['credit'], context: { allowed_company_ids: [1] } })).json[0].credit;
    assert.equal(await credit(), 90);
    await json2('account.move', 'write', { ids: [1], vals: { amount_residual: 40, payment_state: 'partial' } });
    assert.equal(await credit(), 30);
  });

  test('the seeded dataset is checked against models.ts', () => {
    const bad = buildOdooFixture();
    (bad.records['res.partner']![0] as Record<string, unknown>).x_unknown = 1;
    const s = createOdooSandbox({ dataset: bad });
    assert.ok(s.store.warnings.some((w) => w.includes('x_unknown')));
    assert.deepEqual(createOdooSandbox({ dataset: buildOdooFixture() }).store.warnings, []);
  });
});
