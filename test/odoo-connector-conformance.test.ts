// Connector conformance: the SAME suite runs over JSON-2 and JSON-RPC, each against
// an Odoo sandbox on port 0 over real HTTP, on the small fixture dataset. The
// connector must give identical results and identical error codes on both wires.
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isAppError, type AppError } from '../policy/errors.ts';
import { createOdooSandbox, type OdooSandbox } from '../sandboxes/odoo/server.ts';
import { buildOdooFixture, FIXTURE_DB, FIXTURE_USERS } from '../sandboxes/odoo/fixtures.ts';
import { createOdooClient, type OdooClient, type OdooClientHooks } from '../connectors/odoo/odoo-client.ts';
import { loadOdooConfig, type OdooConfig } from '../connectors/odoo/config.ts';
import { parseRecords } from '../connectors/odoo/mapping/records.ts';
import { rejectionOf } from './support/errors.ts';
import { JSON2_SINCE } from '../connectors/odoo/versions.ts';

const KEY = FIXTURE_USERS.integration.apiKey;
const DATETIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

async function rejectsWith(p: Promise<unknown>, code: string, check?: (e: AppError) => void): Promise<AppError> {
  const err = await rejectionOf(p, code, 'odoo');
  const visible = JSON.stringify({ message: err.message, details: err.details });
  assert.ok(!visible.includes(KEY), 'the API key must never appear in an error');
  assert.ok(!visible.includes('Traceback'), 'the Odoo traceback must never appear in an error');
  check?.(err);
  return err;
}

for (const protocol of ['json2', 'jsonrpc'] as const) {
  describe(`Odoo connector over ${protocol}`, () => {
    let sandbox: OdooSandbox;
    let url: string;
    let client: OdooClient;
    const clients: OdooClient[] = [];
    let clock = Date.parse('2026-03-01T10:00:00Z');

    const makeClient = (over: Partial<OdooConfig> = {}, hooks: OdooClientHooks = {}, user: { login: string; apiKey: string } = FIXTURE_USERS.integration) => {
      const config = loadOdooConfig({
        ODOO_URL: url,
        ODOO_DB: FIXTURE_DB,
        ODOO_LOGIN: user.login,
        ODOO_API_KEY: user.apiKey,
        ODOO_PROTOCOL: protocol,
        ODOO_RETRY_BASE_MS: '5',
        ODOO_TIMEOUT_MS: '3000',
      });
      const c = createOdooClient({ ...config, ...over }, hooks);
      clients.push(c);
      return c;
    };
    const ORM = (model: string, method?: string) => sandbox.log.count({ model, method, transport: protocol });

    before(async () => {
      // JSON-2 exists on Odoo 19 only; JSON-RPC runs against the version ODOO_SANDBOX_VERSION names.
      sandbox = createOdooSandbox({ dataset: buildOdooFixture(), now: () => new Date((clock += 1000)), ...(protocol === 'json2' ? { version: JSON2_SINCE } : {}) });
      url = await sandbox.listen(0);
      client = makeClient();
    });
    afterEach(() => {
      sandbox.faults.clear();
      sandbox.log.clear();
    });
    after(async () => {
      await Promise.all(clients.map((c) => c.close()));
      await sandbox.close();
    });

    test('reports its protocol', () => {
      assert.equal(client.protocol, protocol);
    });

    // ------------------------------------------------------------------ errors

    test('a bad API key → BACKEND_AUTH_FAILED', async () => {
      const bad = makeClient({}, {}, { login: FIXTURE_USERS.integration.login, apiKey: 'not-the-key' });
      await rejectsWith(bad.searchRead('res.partner', [], ['name']), 'BACKEND_AUTH_FAILED', (e) => {
        assert.ok(!JSON.stringify(e.details).includes('not-the-key'));
      });
    });

    test('the raw wire shape of an authentication failure', async () => {
      if (protocol === 'json2') {
        const res = await fetch(`${url}/json/2/res.partner/search_read`, {
          method: 'POST',
          headers: { Authorization: 'bearer wrong', 'Content-Type': 'application/json', 'X-Odoo-Database': FIXTURE_DB },
          body: JSON.stringify({ domain: [], fields: ['name'] }),
        });
        assert.equal(res.status, 401);
        assert.match(res.headers.get('www-authenticate') ?? '', /bearer/i);
        const body = (await res.json()) as Record<string, unknown>;
        assert.deepEqual(Object.keys(body).sort(), ['arguments', 'context', 'debug', 'message', 'name']);
        assert.equal(body.name, 'werkzeug.exceptions.Unauthorized');
        assert.equal(body.message, 'Invalid apikey');
        assert.deepEqual(body.arguments, ['Invalid apikey', 401]);
      } else {
        const rpc = async (service: string, method: string, args: unknown[]) => {
          const res = await fetch(`${url}/jsonrpc`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ jsonrpc: '2.0', method: 'call', id: 7, params: { service, method, args } }),
          });
          assert.equal(res.status, 200);
          return (await res.json()) as Record<string, any>;
        };
        const login = await rpc('common', 'authenticate', [FIXTURE_DB, FIXTURE_USERS.integration.login, 'wrong', {}]);
        assert.deepEqual(login, { jsonrpc: '2.0', id: 7, result: false });
        const call = await rpc('object', 'execute_kw', [FIXTURE_DB, 2, 'wrong', 'res.partner', 'search_read', [[]], { fields: ['name'] }]);
        assert.equal(call.id, 7);
        assert.equal(call.error.code, sandbox.version >= 19 ? 0 : 200, 'Odoo 19 dispatches JSON-RPC errors with code 0, 16–18 with 200');
        assert.equal(call.error.message, 'Odoo Server Error');
        assert.equal(call.error.data.name, 'odoo.exceptions.AccessDenied');
        assert.deepEqual(Object.keys(call.error.data).sort(), ['arguments', 'context', 'debug', 'message', 'name']);
      }
      assert.equal(ORM('res.partner', 'search_read'), protocol === 'json2' ? 1 : 1);
    });

    test('a company the user may not use → BACKEND_ACCESS_DENIED', async () => {
      await rejectsWith(client.searchRead('res.partner', [], ['name'], {}, { context: { allowed_company_ids: [3] } }), 'BACKEND_ACCESS_DENIED', (e) => {
        assert.equal(e.details.backendName, 'odoo.exceptions.AccessError');
        assert.equal(e.details.model, 'res.partner');
      });
    });

    test('reading a record of another company → BACKEND_ACCESS_DENIED; a field of another group too', async () => {
      await rejectsWith(client.read('sale.order', [5], ['name']), 'BACKEND_ACCESS_DENIED');
      const sales = makeClient({}, {}, FIXTURE_USERS.sales);
      await rejectsWith(sales.read('res.partner', [1], ['credit']), 'BACKEND_ACCESS_DENIED');
      const [row] = await sales.read('res.partner', [1], ['name']);
      assert.equal(row!.name, 'Acme Corp');
    });

    test('bad values, unknown fields and bad arguments → BACKEND_VALIDATION', async () => {
      await rejectsWith(client.create('sale.order', [{ client_order_ref: 'no partner' }]), 'BACKEND_VALIDATION', (e) => {
        assert.equal(e.details.backendName, 'odoo.exceptions.ValidationError');
        assert.doesNotMatch(e.message, /Missing required fields/, "Odoo's own text is not kept");
      });
      await rejectsWith(client.write('res.partner', [1], { no_such_field: 1 }), 'BACKEND_VALIDATION', (e) => assert.equal(e.details.backendName, 'builtins.ValueError'));
      await rejectsWith(client.write('sale.order', [1], { state: 'shipped' }), 'BACKEND_VALIDATION');
      await rejectsWith(client.write('sale.order', [1], { commitment_date: '01/03/2026' }), 'BACKEND_VALIDATION');
      await rejectsWith(client.searchRead('res.partner', [], ['name', 'nope']), 'BACKEND_VALIDATION', (e) => assert.equal(e.details.field, 'nope'));
      await rejectsWith(client.searchRead('res.partner', [['nope', '=', 1]], ['name']), 'BACKEND_VALIDATION');
      await rejectsWith(client.call('res.partner', 'search_read', { domain: [], bogus: 1 }), 'BACKEND_VALIDATION', (e) =>
        assert.equal(e.details.backendName, protocol === 'json2' ? 'werkzeug.exceptions.UnprocessableEntity' : 'builtins.TypeError'),
      );
      // nothing was written by the failed calls
      const [order] = await client.read('sale.order', [1], ['state', 'commitment_date']);
      assert.deepEqual(order, { id: 1, state: 'draft', commitment_date: '2026-03-01 08:00:00' });
    });

    test('read of a missing id → fewer rows (no error); a write to it → BACKEND_RECORD_MISSING', async () => {
      assert.deepEqual(await client.read('sale.order', [999], ['name']), []);
      const id = sandbox.store.insert('res.partner', { name: 'Deleted Soon', active: true });
      assert.equal((await client.read('res.partner', [id], ['name'])).length, 1);
      sandbox.store.remove('res.partner', id);
      assert.deepEqual((await client.read('res.partner', [1, id], ['name'])).map((r) => r.id), [1], 'the existing id still comes back');
      await rejectsWith(client.write('res.partner', [id], { name: 'x' }), 'BACKEND_RECORD_MISSING', (e) => {
        assert.equal(e.details.backendName, 'odoo.exceptions.MissingError');
        assert.equal(e.details.httpStatus, protocol === 'json2' ? 404 : 200);
      });
    });

    test('an unknown model or method → BACKEND_ERROR on both transports', async () => {
      await rejectsWith(client.searchRead('no.such.model', [], ['name']), 'BACKEND_ERROR');
      await rejectsWith(client.callMethod('sale.order', 'action_teleport', [1]), 'BACKEND_ERROR');
      await rejectsWith(client.callMethod('sale.order', '_private', [1]), 'BACKEND_ERROR');
    });

    test('a LockError and a serialization failure → BACKEND_CONFLICT', async () => {
      sandbox.faults.odooError('LockError', { model: 'sale.order', times: 1, message: 'Could not lock S00001' });
      await rejectsWith(client.write('sale.order', [1], { client_order_ref: 'x' }), 'BACKEND_CONFLICT', (e) => assert.equal(e.details.backendName, 'odoo.exceptions.LockError'));
      sandbox.faults.odooError('SerializationFailure', { model: 'sale.order', times: 1 });
      await rejectsWith(client.write('sale.order', [1], { client_order_ref: 'x' }), 'BACKEND_CONFLICT');
      assert.equal(ORM('sale.order', 'write'), 2, 'write conflicts are not retried');
    });

    test('a non-JSON answer → BACKEND_PROTOCOL', async () => {
      sandbox.faults.garbage({ model: 'res.partner', times: 1 });
      await rejectsWith(client.searchRead('res.partner', [], ['name']), 'BACKEND_PROTOCOL');
    });

    // ------------------------------------------------------------------ value shapes (§6)

    test('value shapes: false, many2one pair, x2many ids, naive UTC datetime, date, id always', async () => {
      const [order] = await client.read('sale.order', [2], ['name', 'partner_id', 'incoterm', 'commitment_date', 'date_order', 'order_line', 'invoice_ids', 'client_order_ref', 'amount_total', 'locked']);
      assert.deepEqual(order, {
        id: 2,
        name: 'S00002',
        partner_id: [1, 'Acme Corp'],
        incoterm: false,
        commitment_date: false,
        date_order: '2026-01-15 10:00:00',
        order_line: [3],
        invoice_ids: [1, 2],
        client_order_ref: false,
        amount_total: 45,
        locked: false,
      });
      const [inv] = await client.read('account.move', [1], ['invoice_date', 'invoice_date_due', 'write_date', 'payment_state']);
      assert.equal(inv!.invoice_date, '2026-01-21');
      assert.match(String(inv!.write_date), DATETIME);
      const [draft] = await client.read('account.move', [4], ['name', 'invoice_date', 'display_name']);
      assert.deepEqual(draft, { id: 4, name: false, invoice_date: false, display_name: 'Draft Invoice (* 4)' });
      const [contact] = await client.read('res.partner', [2], ['parent_id', 'child_ids', 'display_name', 'phone']);
      assert.deepEqual(contact, { id: 2, parent_id: [1, 'Acme Corp'], child_ids: [], display_name: 'Acme Corp, Jane Doe', phone: false });
      const [acme] = await client.read('res.partner', [1], ['child_ids']);
      assert.deepEqual(acme, { id: 1, child_ids: [2] });
      // and the mapping layer turns them into the project's shapes
      const [mapped] = parseRecords('sale.order', [order!], ['name', 'partner_id', 'incoterm', 'commitment_date', 'date_order', 'order_line']);
      assert.deepEqual(mapped, {
        id: 2,
        name: 'S00002',
        partner_id: { id: 1, name: 'Acme Corp' },
        incoterm: null,
        commitment_date: null,
        date_order: '2026-01-15T10:00:00Z',
        order_line: [3],
      });
    });

    test('fields_get describes fields, restricted to the asked attributes', async () => {
      const all = await client.fieldsGet('sale.order');
      assert.deepEqual((all.partner_id as Record<string, unknown>).type, 'many2one');
      assert.equal((all.partner_id as Record<string, unknown>).relation, 'res.partner');
      const some = await client.fieldsGet('sale.order', ['type', 'selection']);
      assert.deepEqual(some.state, { type: 'selection', selection: [['draft', 'Quotation'], ['sent', 'Quotation Sent'], ['sale', 'Sales Order'], ['cancel', 'Cancelled']] });
      assert.deepEqual(some.name, { type: 'char' });
    });

    // ------------------------------------------------------------------ domains, paging, ordering

    test('domain operators', async () => {
      const ids = (domain: unknown[], model = 'res.partner') => client.search(model, domain, { order: 'id asc' });
      assert.deepEqual(await ids([['ref', '=', 'hs-101']]), [1]);
      assert.deepEqual(await ids([['is_company', '!=', true]]), [2]);
      assert.deepEqual(await ids([['customer_rank', '>', 2]]), [1]);
      assert.deepEqual(await ids([['customer_rank', '>=', 2]]), [1, 3]);
      assert.deepEqual(await ids([['customer_rank', '<', 1]]), [2]);
      assert.deepEqual(await ids([['customer_rank', '<=', 1]]), [2, 6]);
      assert.deepEqual(await ids([['id', 'in', [1, 2, 99]]]), [1, 2]);
      assert.deepEqual(await ids([['ref', 'not in', ['hs-101']]]), [2, 3, 6], 'not in keeps empty values');
      assert.deepEqual(await ids([['name', 'like', 'Corp']]), [1]);
      assert.deepEqual(await ids([['name', 'like', 'corp']]), [], 'like is case-sensitive');
      assert.deepEqual(await ids([['name', 'ilike', 'corp']]), [1]);
      assert.deepEqual(await ids([['name', 'not ilike', 'acme']]), [2, 3, 6]);
      assert.deepEqual(await ids([['name', '=like', 'Acme%']]), [1]);
      assert.deepEqual(await ids([['name', '=ilike', 'acme corp']]), [1]);
      assert.deepEqual(await ids([['ref', '=', false]]), [2, 6]);
      assert.deepEqual(await ids([['ref', '!=', false]]), [1, 3]);
      assert.deepEqual(await ids(['|', ['ref', '=', 'hs-101'], ['ref', '=', 'hs-102']]), [1, 3]);
      assert.deepEqual(await ids(['&', ['is_company', '=', true], ['customer_rank', '>', 1]]), [1, 3]);
      assert.deepEqual(await ids([['is_company', '=', true], ['customer_rank', '>', 1]]), [1, 3], 'implicit &');
      assert.deepEqual(await ids(['!', ['is_company', '=', true]]), [2]);
      assert.deepEqual(await ids(['|', '!', ['is_company', '=', true], '&', ['ref', '=', 'hs-102'], ['customer_rank', '=', 2]]), [2, 3]);
      assert.deepEqual(await ids([['partner_id.ref', '=', 'hs-101']], 'sale.order'), [1, 2], 'dotted many2one path');
      assert.deepEqual(await ids([['partner_id', '=', 1]], 'sale.order'), [1, 2]);
      assert.deepEqual(await ids([['commitment_date', '>=', '2026-03-01']], 'sale.order'), [1], 'date operand on a datetime field');
      assert.deepEqual(await ids([['write_date', '>', '2026-01-11 09:00:00']]), [3], 'datetime comparison');
      assert.deepEqual(await ids([['id', 'child_of', 1]]), [1, 2]);
    });

    test('paging (limit/offset), multi-key ordering and search_count', async () => {
      const page = await client.searchRead('res.partner', [], ['name', 'customer_rank'], { order: 'customer_rank desc, id asc', limit: 2, offset: 1 });
      assert.deepEqual(page.map((r) => r.id), [3, 6]);
      const byType = await client.search('res.partner', [], { order: 'is_company desc, name asc' });
      assert.deepEqual(byType, [1, 3, 6, 2]);
      const defaultOrder = await client.search('sale.order', []);
      assert.deepEqual(defaultOrder, [3, 1, 2, 4], 'sale.order default order: date_order desc, id desc');
      const byWrite = await client.search('res.partner', [], { order: 'write_date asc, id asc' });
      assert.deepEqual(byWrite, [1, 6, 2, 3]);
      assert.equal(await client.searchCount('res.partner', []), 4);
      assert.equal(await client.searchCount('res.partner', [['is_company', '=', true]]), 3);
      const beyond = await client.searchRead('res.partner', [], ['name'], { offset: 10, limit: 5 });
      assert.deepEqual(beyond, []);
    });

    // ------------------------------------------------------------------ context

    test('multi-company: current company selects company-dependent values; other companies are invisible', async () => {
      const read = (companies: number[]) =>
        client.read('res.partner', [1], ['credit_limit', 'property_payment_term_id', 'credit', 'use_partner_credit_limit'], { context: { allowed_company_ids: companies } });
      assert.deepEqual(await read([1, 2]), [{ id: 1, credit_limit: 50000, property_payment_term_id: [2, '30 Days'], credit: 90, use_partner_credit_limit: true }]);
      assert.deepEqual(await read([2, 1]), [{ id: 1, credit_limit: 20000, property_payment_term_id: [1, 'Immediate Payment'], credit: 300, use_partner_credit_limit: true }]);
      // records of company 2 vanish when only company 1 is allowed
      assert.deepEqual(await client.search('res.partner', [['ref', '=', 'hs-102']], {}, { context: { allowed_company_ids: [1] } }), []);
      assert.deepEqual(await client.search('res.partner', [['ref', '=', 'hs-102']], {}, { context: { allowed_company_ids: [1, 2] } }), [3]);
      await rejectsWith(client.read('res.partner', [3], ['name'], { context: { allowed_company_ids: [1] } }), 'BACKEND_ACCESS_DENIED');
      // shared records (company_id false) are visible everywhere
      assert.deepEqual(await client.search('res.partner', [['ref', '=', 'hs-101']], {}, { context: { allowed_company_ids: [2] } }), [1]);
      // writes go to the current company's value only
      assert.equal(await client.write('res.partner', [1], { credit_limit: 25000 }, { context: { allowed_company_ids: [2] } }), true);
      assert.deepEqual((await read([2]))[0]!.credit_limit, 25000);
      assert.deepEqual((await read([1]))[0]!.credit_limit, 50000);
    });

    test('stock figures per warehouse and per allowed companies', async () => {
      const qty = async (context: Record<string, unknown>) =>
        (await client.read('product.product', [1], ['qty_available', 'virtual_available', 'free_qty'], { context }))[0];
      assert.deepEqual(await qty({ allowed_company_ids: [1] }), { id: 1, qty_available: 120, virtual_available: 100, free_qty: 90 });
      assert.deepEqual(await qty({ allowed_company_ids: [1, 2] }), { id: 1, qty_available: 170, virtual_available: 145, free_qty: 130 });
      assert.deepEqual(await qty({ allowed_company_ids: [1], warehouse_id: 2 }), { id: 1, qty_available: 20, virtual_available: 20, free_qty: 20 });
      assert.deepEqual((await client.read('product.product', [2], ['qty_available']))[0], { id: 2, qty_available: 0 }, 'a service has no stock');
    });

    test('active_test: archived records are hidden unless active_test is false', async () => {
      assert.deepEqual(await client.search('res.partner', [['ref', '=', 'hs-103']]), []);
      assert.deepEqual(await client.search('res.partner', [['ref', '=', 'hs-103']], {}, { context: { active_test: false } }), [4]);
      assert.deepEqual(await client.search('product.product', [['default_code', '=', 'OLD-1']], {}, { context: { active_test: false } }), [4]);
      assert.deepEqual(await client.search('res.partner', [['active', '=', false]]), [4], 'an explicit active leaf disables the implicit filter');
      assert.equal((await client.read('res.partner', [4], ['active']))[0]!.active, false, 'read by id ignores active_test');
    });

    // ------------------------------------------------------------------ writes

    test('create and write stamp write_date; computed fields are not writable', async () => {
      const [id] = await client.create('res.partner', [{ name: 'Newco', is_company: true, ref: `new-${protocol}` }]);
      assert.ok(Number.isInteger(id));
      const [created] = await client.read('res.partner', [id!], ['name', 'create_date', 'write_date', 'company_id', 'active']);
      assert.equal(created!.name, 'Newco');
      assert.match(String(created!.write_date), DATETIME);
      assert.equal(created!.company_id, false);
      assert.equal(created!.active, true, 'defaults applied');
      assert.equal(await client.write('res.partner', [id!], { name: 'Newco GmbH', credit: 12345 }), true);
      const [after] = await client.read('res.partner', [id!], ['name', 'write_date', 'credit']);
      assert.equal(after!.name, 'Newco GmbH');
      assert.ok(String(after!.write_date) > String(created!.write_date), 'write_date moved forward');
      assert.equal(after!.credit, 0, 'a computed field ignores written values');
      // many creates in one call, x2many commands
      const ids = await client.create('sale.order', [
        { partner_id: 6, order_line: [[0, 0, { product_id: 1, product_uom_qty: 2 }]] },
        { partner_id: 6, client_order_ref: 'second' },
      ]);
      assert.equal(ids.length, 2);
      const rows = await client.read('sale.order', ids, ['order_line', 'amount_untaxed', 'state', 'company_id']);
      assert.equal((rows[0]!.order_line as number[]).length, 1);
      assert.equal(rows[0]!.amount_untaxed, 20, 'price from the product list price');
      assert.deepEqual(rows[1]!.order_line, []);
      assert.deepEqual(rows[0]!.company_id, [1, 'Nordwerk GmbH'], 'current company by default');
      assert.equal(ORM('sale.order', 'create'), 1);
    });

    test('action_confirm confirms a quotation, stamps write_date, creates the delivery; never retried', async () => {
      const [id] = await client.create('sale.order', [{ partner_id: 1, commitment_date: '2026-04-01 08:00:00', order_line: [[0, 0, { product_id: 1, product_uom_qty: 3 }]] }]);
      const [before] = await client.read('sale.order', [id!], ['state', 'write_date', 'picking_ids']);
      assert.equal(before!.state, 'draft');
      assert.deepEqual(before!.picking_ids, []);
      assert.equal(await client.callMethod('sale.order', 'action_confirm', [id!]), true);
      const [after] = await client.read('sale.order', [id!], ['state', 'write_date', 'picking_ids', 'delivery_status', 'invoice_status']);
      assert.equal(after!.state, 'sale');
      assert.ok(String(after!.write_date) > String(before!.write_date));
      assert.equal((after!.picking_ids as number[]).length, 1);
      assert.equal(after!.delivery_status, 'pending');
      assert.equal(after!.invoice_status, 'no');
      const [picking] = await client.read('stock.picking', after!.picking_ids as number[], ['state', 'sale_id', 'scheduled_date', 'move_ids', 'picking_type_code']);
      assert.equal(picking!.state, 'assigned', 'enough free stock: reserved');
      assert.deepEqual(picking!.sale_id, [id, (await client.read('sale.order', [id!], ['name']))[0]!.name]);
      assert.equal(picking!.scheduled_date, '2026-04-01 08:00:00');
      assert.equal((picking!.move_ids as number[]).length, 1);
      // confirming twice is a business error, not retried
      sandbox.log.clear();
      await rejectsWith(client.callMethod('sale.order', 'action_confirm', [id!]), 'BACKEND_VALIDATION', (e) => assert.equal(e.details.backendName, 'odoo.exceptions.UserError'));
      sandbox.faults.failWith(503, { model: 'sale.order', method: 'action_cancel', times: 1 });
      await rejectsWith(client.callMethod('sale.order', 'action_cancel', [id!]), 'BACKEND_UNAVAILABLE');
      assert.equal(ORM('sale.order', 'action_confirm'), 1);
      assert.equal(ORM('sale.order', 'action_cancel'), 1, 'a business method is never replayed blindly');
      assert.equal(await client.callMethod('sale.order', 'action_cancel', [id!]), true);
      const [cancelled] = await client.read('sale.order', [id!], ['state']);
      assert.equal(cancelled!.state, 'cancel');
    });

    // ------------------------------------------------------------------ resilience

    test('5xx on a read: retried, then success; the request log shows the retries', async () => {
      const retries: number[] = [];
      const c = makeClient({}, { onRetry: (i) => retries.push(i.httpStatus ?? 0) });
      sandbox.faults.failWith(503, { model: 'res.partner', times: 1 });
      sandbox.faults.failWith(502, { model: 'res.partner', times: 1 });
      const rows = await c.searchRead('res.partner', [['ref', '=', 'hs-101']], ['name']);
      assert.deepEqual(rows, [{ id: 1, name: 'Acme Corp' }]);
      const log = sandbox.log.entries({ model: 'res.partner', transport: protocol });
      assert.deepEqual(log.map((e) => e.fault ?? 'ok'), ['status', 'status', 'ok']);
      assert.deepEqual(retries, [503, 502]);
    });

    test('5xx on a write: not retried', async () => {
      sandbox.faults.failWith(503, { model: 'res.partner', method: 'write', times: 1 });
      await rejectsWith(client.write('res.partner', [6], { phone: '+1 555' }), 'BACKEND_UNAVAILABLE', (e) => assert.equal(e.details.httpStatus, 503));
      assert.equal(ORM('res.partner', 'write'), 1);
      assert.equal((await client.read('res.partner', [6], ['phone']))[0]!.phone, false);
    });

    test('retries are bounded: a read failing every time gives up after maxRetries+1 attempts', async () => {
      const c = makeClient({ maxRetries: 2 });
      sandbox.faults.failWith(504, { model: 'res.partner' });
      await rejectsWith(c.searchCount('res.partner', []), 'BACKEND_UNAVAILABLE', (e) => assert.equal(e.details.attempts, 3));
      assert.equal(ORM('res.partner', 'search_count'), 3);
      sandbox.faults.clear();
      sandbox.log.clear();
      sandbox.faults.failWith(500, { model: 'res.partner', times: 1 });
      await rejectsWith(c.searchCount('res.partner', []), 'BACKEND_UNAVAILABLE');
      assert.equal(ORM('res.partner', 'search_count'), 1, 'a plain 500 is not retried');
    });

    test('a dropped connection on a read is retried', async () => {
      sandbox.faults.down({ model: 'res.partner', times: 1 });
      assert.equal(await client.searchCount('res.partner', [['id', '<=', 6]]), 4);
      assert.deepEqual(sandbox.log.entries({ model: 'res.partner', transport: protocol }).map((e) => e.fault ?? 'ok'), ['down', 'ok']);
    });

    test('429 with Retry-After: waits as told, then succeeds', async () => {
      const delays: number[] = [];
      const c = makeClient({}, { onRetry: (i) => delays.push(i.delayMs) });
      sandbox.faults.rateLimit(1, { model: 'product.product', times: 1 });
      assert.equal(await c.searchCount('product.product', []), 3);
      assert.equal(ORM('product.product', 'search_count'), 2);
      assert.equal(delays.length, 1);
      assert.ok(delays[0]! >= 1000, `Retry-After honoured (waited ${delays[0]} ms)`);
    });

    test('429 that persists → BACKEND_RATE_LIMITED; a Retry-After beyond the cap is not waited for', async () => {
      const c = makeClient({ maxRetries: 1 });
      sandbox.faults.rateLimit(1, { model: 'product.product' });
      await rejectsWith(c.searchCount('product.product', []), 'BACKEND_RATE_LIMITED', (e) => {
        assert.equal(e.details.retryAfterMs, 1000);
        assert.equal(e.details.attempts, 2);
      });
      assert.equal(ORM('product.product', 'search_count'), 2);
      sandbox.faults.clear();
      sandbox.log.clear();
      const impatient = makeClient({ maxRetryAfterMs: 500 });
      sandbox.faults.rateLimit(60, { model: 'product.product' });
      await rejectsWith(impatient.searchCount('product.product', []), 'BACKEND_RATE_LIMITED', (e) => assert.equal(e.details.retryAfterMs, 60_000));
      assert.equal(ORM('product.product', 'search_count'), 1);
    });

    test('a hung server → BACKEND_UNAVAILABLE after the timeout (timeouts are not retried)', async () => {
      const c = makeClient({ timeoutMs: 150, maxRetries: 2 });
      sandbox.faults.hang({ model: 'res.partner' });
      await rejectsWith(c.searchCount('res.partner', []), 'BACKEND_UNAVAILABLE', (e) => assert.equal(e.details.timeout, true));
      assert.equal(ORM('res.partner', 'search_count'), 1);
    });

    test('a server that is not there → BACKEND_UNAVAILABLE (connection error, retried)', async () => {
      const dead = createOdooSandbox({ dataset: buildOdooFixture() });
      const deadUrl = await dead.listen(0);
      await dead.close();
      const c = makeClient({ url: deadUrl, maxRetries: 1 });
      await rejectsWith(c.searchCount('res.partner', []), 'BACKEND_UNAVAILABLE', (e) => {
        assert.equal(e.details.connection, true);
        assert.equal(e.details.attempts, 2);
      });
    });

    test('concurrency is bounded by maxConcurrency', async () => {
      const c = makeClient({ maxConcurrency: 2 });
      await c.searchCount('res.partner', []); // JSON-RPC logs in first
      let inFlight = 0;
      let peak = 0;
      const onRequest = (_req: unknown, res: import('node:http').ServerResponse) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        res.on('close', () => inFlight--);
      };
      sandbox.server.on('request', onRequest);
      sandbox.faults.latency(40, { model: 'res.partner' });
      try {
        const counts = await Promise.all(Array.from({ length: 6 }, () => c.searchCount('res.partner', [['id', '<=', 6]])));
        assert.deepEqual(counts, [4, 4, 4, 4, 4, 4]);
      } finally {
        sandbox.server.off('request', onRequest);
      }
      assert.equal(peak, 2);
    });

    test('the request id is forwarded as X-Request-Id', async () => {
      await client.searchRead('res.partner', [['id', '=', 1]], ['name'], {}, { requestId: 'req-42', context: { allowed_company_ids: [1], lang: 'de_DE' } });
      const [entry] = sandbox.log.entries({ model: 'res.partner', transport: protocol });
      assert.equal(entry!.requestId, 'req-42');
      assert.equal(entry!.method, 'search_read');
      assert.deepEqual(entry!.domain, [['id', '=', 1]]);
      assert.deepEqual(entry!.fields, ['name']);
      assert.deepEqual(entry!.context, { allowed_company_ids: [1], lang: 'de_DE' });
    });

    test('a malformed record from Odoo becomes a typed MAPPING_ERROR, never a wrong value', async () => {
      sandbox.faults.malformed('sale.order', 'many2one_string', { times: 1, field: 'partner_id' });
      const raws = await client.searchRead('sale.order', [['id', 'in', [1, 2]]], ['name', 'partner_id'], { order: 'id asc' });
      assert.equal(raws[0]!.partner_id, 'Acme Corp');
      assert.throws(
        () => parseRecords('sale.order', raws, ['name', 'partner_id']),
        (e: unknown) => isAppError(e) && e.code === 'MAPPING_ERROR' && e.details.model === 'sale.order' && e.details.recordId === 1 && e.details.field === 'partner_id',
      );
    });
  });
}

describe('Odoo connector configuration', () => {
  const base = { ODOO_URL: 'https://acme.odoo.com', ODOO_DB: 'acme', ODOO_LOGIN: 'bot@acme.com', ODOO_API_KEY: 'secret-key-123' };

  test('defaults', () => {
    const c = loadOdooConfig(base);
    assert.equal(c.protocol, 'json2');
    assert.equal(c.timeoutMs, 10_000);
    assert.equal(c.maxConcurrency, 4);
    assert.equal(c.maxRetries, 2);
    assert.equal(c.url, 'https://acme.odoo.com');
  });

  test('a bad value → CONFIG_INVALID naming the variable, never echoing the key', () => {
    for (const [env, variable] of [
      [{ ...base, ODOO_URL: 'not a url' }, 'ODOO_URL'],
      [{ ...base, ODOO_API_KEY: '' }, 'ODOO_API_KEY'],
      [{ ...base, ODOO_PROTOCOL: 'xmlrpc' }, 'ODOO_PROTOCOL'],
      [{ ...base, ODOO_TIMEOUT_MS: 'soon' }, 'ODOO_TIMEOUT_MS'],
      [{ ...base, ODOO_MAX_CONCURRENCY: '0' }, 'ODOO_MAX_CONCURRENCY'],
      [{ ...base, ODOO_MAX_RETRIES: '-1' }, 'ODOO_MAX_RETRIES'],
      [{ ...base, ODOO_PROTOCOL: 'jsonrpc', ODOO_DB: undefined }, 'ODOO_DB'],
    ] as const) {
      assert.throws(
        () => loadOdooConfig(env as Record<string, string | undefined>),
        (e: unknown) => isAppError(e) && e.code === 'CONFIG_INVALID' && e.message.includes(variable) && e.details.field === variable && !e.message.includes('secret-key-123'),
        variable,
      );
    }
  });

  test('the key is redacted when the config is logged', () => {
    const c = loadOdooConfig(base);
    assert.ok(!JSON.stringify(c).includes('secret-key-123'));
    assert.ok(JSON.stringify(c).includes('[redacted]'));
  });
});
