// The seeded Nordwerk world: deterministic, cross-referenced between Odoo and
// HubSpot (except the listed broken references), covering every state, internally
// consistent, and true to the two data contracts (models.ts / objects.ts).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ODOO_MODELS, type OdooModelSpec } from '../connectors/odoo/mapping/models.ts';
import type { StoredRecord } from '../sandboxes/odoo/types.ts';
import { decodeId } from '../core/ids.ts';
import {
  HUBSPOT_ASSOCIATION_TYPES, HUBSPOT_OBJECT_TYPES, HUBSPOT_PROPERTIES, HUBSPOT_PROPERTY_OPTIONS, HUBSPOT_TIMESTAMP_PROPERTIES,
  HUBSPOT_UNIQUE_PROPERTIES, type HubSpotObject, type HubSpotObjectType,
} from '../sandboxes/hubspot/portal.ts';
import {
  BROKEN_REFERENCE_KINDS, DEFAULT_NOW, DEFAULT_SEED, PAYMENT_TERMS, SANDBOX_HUBSPOT_PORTAL_ID, SANDBOX_HUBSPOT_TOKEN,
  SANDBOX_ODOO_CREDENTIALS, TAX_RATES, buildWorld, type World,
} from '../sandboxes/seed/index.ts';

const MODELS = ODOO_MODELS as unknown as Record<string, OdooModelSpec>;
const NOW = Date.parse(DEFAULT_NOW);
const DAY_MS = 86_400_000;
const round2 = (x: number) => Math.round(x * 100) / 100;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME_RE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const odooMs = (s: string) => Date.parse(s.length === 10 ? `${s}T00:00:00Z` : `${s.replace(' ', 'T')}Z`);
const validCalendar = (s: string) => {
  const [y, m, d] = s.slice(0, 10).split('-').map(Number);
  const dt = new Date(Date.UTC(y!, m! - 1, d!));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m! - 1 && dt.getUTCDate() === d;
};
const HUBSPOT_INDUSTRIES = new Set([
  'MACHINERY', 'INDUSTRIAL_AUTOMATION', 'MECHANICAL_OR_INDUSTRIAL_ENGINEERING', 'ELECTRICAL_ELECTRONIC_MANUFACTURING', 'CHEMICALS',
  'FOOD_PRODUCTION', 'FOOD_BEVERAGES', 'OIL_ENERGY', 'PLASTICS', 'MINING_METALS', 'PAPER_FOREST_PRODUCTS', 'UTILITIES',
  'RENEWABLES_ENVIRONMENT', 'ENVIRONMENTAL_SERVICES', 'PACKAGING_AND_CONTAINERS', 'WHOLESALE',
]);
const DEAL_STAGES = new Set(['appointmentscheduled', 'qualifiedtobuy', 'presentationscheduled', 'decisionmakerboughtin', 'contractsent', 'closedwon', 'closedlost']);

/** Read-only indexes over a world. */
function index(world: World) {
  const rec = (model: keyof typeof ODOO_MODELS): StoredRecord[] => world.odoo.records[model] ?? [];
  const byId = new Map<string, Map<number, StoredRecord>>();
  for (const [model, rows] of Object.entries(world.odoo.records)) byId.set(model, new Map(rows!.map((r) => [r.id, r])));
  const get = (model: string, id: unknown) => (typeof id === 'number' ? byId.get(model)?.get(id) : undefined);
  const hs = (type: HubSpotObjectType) => world.hubspot.objects[type];
  const hsById = new Map<string, Map<string, HubSpotObject>>();
  for (const t of HUBSPOT_OBJECT_TYPES) hsById.set(t, new Map(world.hubspot.objects[t].map((o) => [o.id, o])));
  const hsGet = (type: HubSpotObjectType, id: string | null | undefined) => (id ? hsById.get(type)!.get(id) : undefined);
  const assocFrom = (from: HubSpotObjectType, id: string, to: HubSpotObjectType) =>
    world.hubspot.associations.filter((a) => a.fromType === from && a.fromId === id && a.toType === to).map((a) => a.toId);
  const assocTo = (to: HubSpotObjectType, id: string, from: HubSpotObjectType) =>
    world.hubspot.associations.filter((a) => a.toType === to && a.toId === id && a.fromType === from).map((a) => a.fromId);
  const orderByName = new Map(rec('sale.order').map((o) => [o.name as string, o]));
  const linesOf = (orderId: number) => rec('sale.order.line').filter((l) => l.order_id === orderId);
  const pickingsOf = (orderId: number) => rec('stock.picking').filter((p) => p.sale_id === orderId);
  const movesOf = (pickingId: number) => rec('stock.move').filter((m) => m.picking_id === pickingId);
  const invoicesOf = (name: string) => rec('account.move').filter((m) => m.invoice_origin === name);
  const customers = rec('res.partner').filter((p) => p.is_company === true && (p.customer_rank as number) > 0);
  const brokenCompanies = new Set(world.brokenReferences.map((b) => b.hubspotCompanyId).filter(Boolean));
  const brokenPartners = new Set(world.brokenReferences.map((b) => b.odooPartnerId).filter((x) => x !== undefined));
  /** The clean 200: partner.ref ↔ company.odoo_partner_id, not mentioned by any broken reference. */
  const cleanPairs = customers
    .filter((p) => typeof p.ref === 'string')
    .map((p) => ({ partner: p, company: hsGet('companies', p.ref as string) }))
    .filter((x): x is { partner: StoredRecord; company: HubSpotObject } =>
      x.company !== undefined && x.company.properties.odoo_partner_id === String(x.partner.id))
    .filter((x) => !brokenCompanies.has(x.company.id) && !brokenPartners.has(x.partner.id));
  const receivable = (partnerId: number, companyId: number) => {
    const family = new Set([partnerId, ...rec('res.partner').filter((p) => p.parent_id === partnerId).map((p) => p.id)]);
    return round2(rec('account.move')
      .filter((m) => m.company_id === companyId && m.state === 'posted' && family.has(m.partner_id as number))
      .reduce((s, m) => s + (m.move_type === 'out_invoice' ? (m.amount_residual as number) : -(m.amount_residual as number)), 0));
  };
  return { rec, get, hs, hsGet, assocFrom, assocTo, orderByName, linesOf, pickingsOf, movesOf, invoicesOf, customers, cleanPairs, receivable };
}

const defaultWorld = buildWorld();
const otherWorld = buildWorld({ seed: 7 });

describe('seed world: determinism and purity', () => {
  test('the same seed gives a byte-identical world', () => {
    assert.equal(JSON.stringify(buildWorld({ seed: DEFAULT_SEED, now: DEFAULT_NOW })), JSON.stringify(defaultWorld));
    assert.equal(JSON.stringify(buildWorld({ seed: 7 })), JSON.stringify(otherWorld));
  });

  test('a different seed gives different data', () => {
    assert.notEqual(JSON.stringify(otherWorld), JSON.stringify(defaultWorld));
    const names = (w: World) => w.odoo.records['res.partner']!.map((p) => p.name).join('|');
    assert.notEqual(names(otherWorld), names(defaultWorld));
  });

  test('every date derives from `now`: a later anchor shifts the timeline', () => {
    const later = buildWorld({ now: '2027-03-15T09:00:00Z' });
    const maxWrite = (w: World) => Math.max(...w.odoo.records['sale.order']!.map((o) => odooMs(o.write_date as string)));
    assert.ok(maxWrite(later) > Date.parse('2027-01-01T00:00:00Z'));
    assert.ok(maxWrite(later) <= Date.parse('2027-03-15T09:00:00Z'));
  });

  test('builds without the clock or Math.random, in well under a second', () => {
    const RealDate = Date;
    const realRandom = Math.random;
    class NoClockDate extends RealDate {
      constructor(...args: unknown[]) {
        if (args.length === 0) throw new Error('buildWorld read the clock (new Date())');
        super(...(args as [number]));
      }
      static override now(): number {
        throw new Error('buildWorld read the clock (Date.now)');
      }
    }
    globalThis.Date = NoClockDate as DateConstructor;
    Math.random = () => { throw new Error('buildWorld used Math.random'); };
    let world: World;
    try {
      world = buildWorld();
    } finally {
      globalThis.Date = RealDate;
      Math.random = realRandom;
    }
    assert.equal(JSON.stringify(world), JSON.stringify(defaultWorld));
  });
});

describe('seed world: credentials', () => {
  test('the Odoo users and HubSpot token are the exported constants', () => {
    const w = defaultWorld;
    assert.equal(w.odoo.database, 'nordwerk');
    assert.equal(SANDBOX_ODOO_CREDENTIALS.database, 'nordwerk');
    const full = w.odoo.users.find((u) => u.uid === 2)!;
    assert.deepEqual(full, {
      uid: 2, login: 'integration@nordwerk.example', apiKey: 'sandbox-odoo-key-0000000000000000', companyIds: [1, 2],
      groups: ['base.group_user', 'sales_team.group_sale_salesman_all_leads', 'account.group_account_invoice', 'stock.group_stock_user', 'mrp.group_mrp_user'],
    });
    assert.equal(SANDBOX_ODOO_CREDENTIALS.login, full.login);
    assert.equal(SANDBOX_ODOO_CREDENTIALS.apiKey, full.apiKey);
    const restricted = w.odoo.users.find((u) => u.uid !== 2)!;
    assert.equal(w.odoo.users.length, 2);
    assert.deepEqual(restricted.companyIds, [1]);
    assert.ok(!restricted.groups.some((g) => g.startsWith('account.')), 'the restricted user has no accounting group');
    assert.equal(restricted.login, SANDBOX_ODOO_CREDENTIALS.restricted.login);
    assert.equal(restricted.apiKey, SANDBOX_ODOO_CREDENTIALS.restricted.apiKey);
    assert.notEqual(restricted.apiKey, full.apiKey);
    for (const u of w.odoo.users) assert.ok(w.odoo.records['res.users']!.some((r) => r.id === u.uid && r.login === u.login));
    assert.deepEqual(w.hubspot.tokens, [SANDBOX_HUBSPOT_TOKEN]);
    assert.equal(SANDBOX_HUBSPOT_TOKEN, 'pat-sandbox-0000-0000-0000-000000000000');
    assert.equal(w.hubspot.portalId, 24681357);
    assert.equal(SANDBOX_HUBSPOT_PORTAL_ID, 24681357);
  });
});

// Structural invariants hold for any seed, not just the default one. More seeds can be
// added for a soak run: SEED_WORLD_EXTRA_SEEDS=1,2,3 node --import tsx --test test/seed-world.test.ts
const extraSeeds = (process.env.SEED_WORLD_EXTRA_SEEDS ?? '').split(',').filter((x) => /^\d+$/.test(x.trim())).map(Number);
const worlds: Array<readonly [string, World]> = [
  ['default seed', defaultWorld],
  ['seed 7', otherWorld],
  ...extraSeeds.map((seed) => [`seed ${seed}`, buildWorld({ seed })] as const),
];
for (const [label, world] of worlds) {
  describe(`seed world (${label}): cross-references`, () => {
    const ix = index(world);

    test('200 customers point at their twin in both directions', () => {
      assert.equal(ix.cleanPairs.length, 200);
      const partnerIds = new Set(ix.cleanPairs.map((x) => x.partner.id));
      const companyIds = new Set(ix.cleanPairs.map((x) => x.company.id));
      assert.equal(partnerIds.size, 200);
      assert.equal(companyIds.size, 200);
      for (const { partner, company } of ix.cleanPairs) {
        assert.equal(partner.name, company.properties.name);
        assert.equal(partner.city, company.properties.city);
        assert.equal(company.properties.odoo_partner_id, String(partner.id));
      }
    });

    test('every other reference is listed as broken, about two of each kind', () => {
      const clean = new Set(ix.cleanPairs.map((x) => x.partner.id));
      const cleanCompanies = new Set(ix.cleanPairs.map((x) => x.company.id));
      const brokenPartners = new Set(world.brokenReferences.map((b) => b.odooPartnerId));
      const brokenCompanies = new Set(world.brokenReferences.map((b) => b.hubspotCompanyId));
      for (const p of ix.customers.filter((p) => typeof p.ref === 'string')) {
        assert.ok(clean.has(p.id) || brokenPartners.has(p.id) || brokenCompanies.has(p.ref as string), `partner ${p.id} has an unlisted reference`);
      }
      for (const c of ix.hs('companies').filter((c) => c.properties.odoo_partner_id !== null)) {
        assert.ok(cleanCompanies.has(c.id) || brokenCompanies.has(c.id), `company ${c.id} has an unlisted reference`);
      }
      for (const c of ix.hs('companies').filter((c) => c.properties.odoo_partner_id === null)) {
        const listed = world.brokenReferences.some((b) => b.kind === 'hubspot_missing_reference' && b.hubspotCompanyId === c.id);
        const prospect = !['customer', 'evangelist', 'other'].includes(c.properties.lifecyclestage!);
        assert.ok(listed || prospect, `company ${c.id} lacks odoo_partner_id without being a prospect or listed`);
      }
      for (const kind of BROKEN_REFERENCE_KINDS) {
        assert.equal(world.brokenReferences.filter((b) => b.kind === kind).length, 2, kind);
      }
      assert.equal(world.brokenReferences.length, 10);
      for (const b of world.brokenReferences) assert.ok(b.note.length > 20);
    });

    test('each broken reference is broken the way its kind says', () => {
      const partner = (id?: number) => ix.get('res.partner', id);
      for (const b of world.brokenReferences) {
        const company = ix.hsGet('companies', b.hubspotCompanyId);
        switch (b.kind) {
          case 'hubspot_points_to_missing_partner':
            assert.ok(company, b.note);
            assert.equal(company!.properties.odoo_partner_id, String(b.odooPartnerId));
            assert.equal(partner(b.odooPartnerId), undefined, 'the partner must not exist at all (not even archived)');
            assert.ok(!ix.customers.some((p) => p.ref === company!.id));
            break;
          case 'odoo_points_to_missing_company':
            assert.equal(partner(b.odooPartnerId)?.ref, b.hubspotCompanyId);
            assert.equal(company, undefined);
            break;
          case 'mismatched_pair': {
            const p = partner(b.odooPartnerId)!;
            assert.equal(p.ref, b.hubspotCompanyId);
            const other = Number(company!.properties.odoo_partner_id);
            assert.notEqual(other, p.id);
            assert.ok(partner(other), 'the company points at another existing partner');
            break;
          }
          case 'hubspot_missing_reference':
            assert.equal(partner(b.odooPartnerId)?.ref, b.hubspotCompanyId);
            assert.equal(company!.properties.odoo_partner_id, null);
            break;
          case 'duplicate_reference': {
            const dup = partner(b.odooPartnerId)!;
            assert.equal(dup.ref, b.hubspotCompanyId);
            const owner = partner(Number(company!.properties.odoo_partner_id))!;
            assert.notEqual(owner.id, dup.id);
            assert.equal(owner.ref, b.hubspotCompanyId, 'two partners claim the same company');
            break;
          }
        }
      }
    });

    test('the same people are contacts on both sides (email equal)', () => {
      for (const { partner, company } of ix.cleanPairs) {
        const odooEmails = ix.rec('res.partner').filter((p) => p.parent_id === partner.id).map((p) => p.email as string).sort();
        const hsEmails = ix.assocTo('companies', company.id, 'contacts').map((id) => ix.hsGet('contacts', id)!.properties.email!).sort();
        assert.ok(odooEmails.length >= 1 && odooEmails.length <= 3, `${partner.name} has ${odooEmails.length} contacts`);
        assert.deepEqual(hsEmails, odooEmails, partner.name as string);
        for (const id of ix.assocTo('companies', company.id, 'contacts')) {
          assert.equal(ix.hsGet('contacts', id)!.properties.associatedcompanyid, company.id);
        }
      }
    });

    test('one-sided accounts exist on purpose: Odoo-only customers and HubSpot-only prospects', () => {
      const hsNames = new Set(ix.hs('companies').map((c) => c.properties.name));
      const odooOnly = ix.customers.filter((p) => p.ref === false);
      assert.ok(odooOnly.length >= 5);
      for (const p of odooOnly) assert.ok(!hsNames.has(p.name as string), `${p.name} should not be in HubSpot`);
      const prospects = ix.hs('companies').filter((c) => c.properties.odoo_partner_id === null && c.properties.lifecyclestage !== 'customer');
      assert.ok(prospects.length >= 5);
    });

    test('some customers are company-specific, archived, or carry per-company terms', () => {
      const cust = ix.cleanPairs.map((x) => x.partner);
      assert.ok(cust.filter((p) => p.company_id === false).length > 150, 'most are shared');
      assert.ok(cust.some((p) => p.company_id === 1) && cust.some((p) => p.company_id === 2));
      assert.ok(cust.some((p) => p.active === false));
      const differing = cust.filter((p) => {
        const t = p.property_payment_term_id as Record<string, number>;
        return t['1'] !== undefined && t['2'] !== undefined && t['1'] !== t['2'];
      });
      assert.ok(differing.length >= 10);
      const limits = cust.filter((p) => {
        const l = p.credit_limit as Record<string, number>;
        return l['1'] !== undefined && l['2'] !== undefined && l['1'] !== l['2'];
      });
      assert.ok(limits.length >= 10);
    });
  });

  describe(`seed world (${label}): coverage`, () => {
    const ix = index(world);
    const values = (model: keyof typeof ODOO_MODELS, field: string) => new Set(ix.rec(model).map((r) => r[field]));
    const selection = (model: string, field: string) => MODELS[model]!.fields[field]!.selection!.map(([v]) => v);

    test('every sale.order, stock.picking, mrp.production state and every payment_state appears', () => {
      for (const [model, field] of [['sale.order', 'state'], ['stock.picking', 'state'], ['mrp.production', 'state'], ['account.move', 'payment_state']] as const) {
        assert.deepEqual([...values(model, field)].sort(), selection(model, field).sort(), `${model}.${field}`);
      }
      assert.deepEqual([...values('account.move', 'state')].sort(), ['cancel', 'draft', 'posted']);
      assert.deepEqual([...values('account.move', 'move_type')].sort(), ['out_invoice', 'out_refund']);
      assert.deepEqual([...values('sale.order', 'delivery_status')].map(String).sort(), ['false', 'full', 'partial', 'pending', 'started']);
      assert.deepEqual([...values('sale.order', 'invoice_status')].sort(), ['invoiced', 'no', 'to invoice', 'upselling']);
      assert.deepEqual([...values('sale.order', 'locked')].sort(), [false, true]);
      assert.deepEqual([...values('stock.picking', 'picking_type_code')].sort(), ['internal', 'outgoing']);
    });

    test('every HubSpot quote status appears, ≥ 60 quotes, deals in several stages', () => {
      const statuses = new Set(ix.hs('quotes').map((q) => q.properties.hs_status));
      assert.deepEqual([...statuses].sort(), [...HUBSPOT_PROPERTY_OPTIONS.quotes!.hs_status!].sort());
      assert.ok(ix.hs('quotes').length >= 60);
      assert.ok(new Set(ix.hs('deals').map((d) => d.properties.dealstage)).size >= 5);
      assert.ok(ix.hs('quotes').filter((q) => q.properties.odoo_order_id !== null).length >= 20);
    });

    test('two companies, three warehouses, ≥ 150 orders over both companies', () => {
      assert.ok(ix.rec('res.company').length >= 2);
      assert.equal(ix.rec('stock.warehouse').filter((w) => w.company_id === 1).length, 2);
      assert.equal(ix.rec('stock.warehouse').filter((w) => w.company_id === 2).length, 1);
      assert.ok(ix.rec('sale.order').length >= 150);
      for (const c of [1, 2]) assert.ok(ix.rec('sale.order').filter((o) => o.company_id === c).length >= 30);
      const inBoth = new Set(ix.cleanPairs.map((x) => x.partner.id));
      const ordersInBoth = ix.rec('sale.order').filter((o) => inBoth.has(o.partner_id as number)).length;
      assert.ok(ordersInBoth / ix.rec('sale.order').length > 0.7, 'most orders belong to customers present in both systems');
    });

    test('100 products with lead times, SKUs and a few catalogue exceptions', () => {
      const products = ix.rec('product.product');
      assert.equal(products.length, 100);
      for (const p of products) {
        assert.match(p.default_code as string, /^NW-[A-Z]{3}-\d{4}$/);
        assert.ok((p.sale_delay as number) >= 0 && (p.sale_delay as number) <= 30);
        assert.ok((p.produce_delay as number) >= 0 && (p.produce_delay as number) <= 20);
        assert.equal(p.type === 'service', p.is_storable === false);
      }
      assert.equal(new Set(products.map((p) => p.default_code)).size, 100);
      assert.ok(products.filter((p) => p.is_storable).length >= 80);
      assert.ok(products.some((p) => (p.produce_delay as number) > 0));
      assert.ok(products.some((p) => p.type === 'service'));
      assert.ok(products.filter((p) => p.active === false).length >= 2);
      assert.ok(products.filter((p) => p.sale_ok === false).length >= 2);
      assert.ok(products.some((p) => p.company_id === 1) && products.some((p) => p.company_id === 2));
      const costs = products.filter((p) => Object.keys(p.standard_price as object).length === 2);
      assert.ok(costs.some((p) => (p.standard_price as Record<string, number>)['1'] !== (p.standard_price as Record<string, number>)['2']));
    });

    test('per-warehouse stock: rows for every storable product where it may live; free ≤ on hand', () => {
      const rows = world.odoo.stock;
      const key = (p: number, w: number) => `${p}:${w}`;
      const have = new Set(rows.map((r) => key(r.productId, r.warehouseId)));
      assert.equal(have.size, rows.length, 'one row per (product, warehouse)');
      for (const p of ix.rec('product.product').filter((p) => p.is_storable)) {
        for (const w of ix.rec('stock.warehouse')) {
          const allowed = p.company_id === false || p.company_id === w.company_id;
          assert.equal(have.has(key(p.id, w.id)), allowed, `${p.default_code} @ ${w.code}`);
        }
      }
      for (const r of rows) {
        assert.ok(ix.get('product.product', r.productId)?.is_storable === true);
        assert.ok(r.free >= 0 && r.free <= r.onHand, JSON.stringify(r));
        for (const v of [r.onHand, r.forecast, r.free]) assert.ok(Number.isInteger(v));
      }
      assert.ok(rows.some((r) => r.onHand === 0));
      assert.ok(rows.some((r) => r.forecast < 0));
      assert.ok(rows.some((r) => r.free < r.onHand));
    });

    test('stock agrees with open moves: reservations are on hand, waiting-for-availability has nothing free', () => {
      const wh = (p: StoredRecord) => ix.rec('stock.warehouse').find((w) => (p.name as string).startsWith(`${w.code}/`))!;
      const reserved = new Map<string, number>();
      const short = new Set<string>();
      for (const p of ix.rec('stock.picking')) {
        const w = wh(p);
        if (w.code === 'LPZ' && p.picking_type_code === 'outgoing') continue;
        for (const m of ix.movesOf(p.id)) {
          const k = `${m.product_id}:${w.id}`;
          if (m.state === 'assigned' || m.state === 'partially_available') reserved.set(k, (reserved.get(k) ?? 0) + (m.quantity as number));
          if (m.state === 'confirmed' || m.state === 'partially_available') short.add(k);
        }
      }
      for (const r of world.odoo.stock) {
        const k = `${r.productId}:${r.warehouseId}`;
        assert.equal(r.onHand - r.free, reserved.get(k) ?? 0, `reserved ${k}`);
        if (short.has(k)) assert.equal(r.free, 0, `short ${k} must have nothing free`);
      }
    });
  });

  describe(`seed world (${label}): stored values follow models.ts`, () => {
    const ix = index(world);

    test('every record field exists in its model and has the stored type', () => {
      const companyIds = new Set(ix.rec('res.company').map((c) => c.id));
      const checkValue = (model: string, id: number, fname: string, type: string, v: unknown, spec: OdooModelSpec['fields'][string]) => {
        const where = `${model}#${id}.${fname}`;
        switch (type) {
          case 'char': case 'text': case 'html':
            assert.ok(typeof v === 'string' || v === false, where);
            if (typeof v === 'string') assert.ok(v.length > 0, `${where} empty string instead of false`);
            break;
          case 'integer': assert.ok(Number.isInteger(v), where); break;
          case 'float': case 'monetary': assert.ok(typeof v === 'number' && Number.isFinite(v), where); break;
          case 'boolean': assert.equal(typeof v, 'boolean', where); break;
          case 'date':
            assert.ok(v === false || (typeof v === 'string' && DATE_RE.test(v) && validCalendar(v)), `${where}=${String(v)}`);
            break;
          case 'datetime':
            assert.ok(v === false || (typeof v === 'string' && DATETIME_RE.test(v) && validCalendar(v)), `${where}=${String(v)}`);
            break;
          case 'selection':
            assert.ok(v === false || spec.selection!.some(([k]) => k === v), `${where}=${String(v)}`);
            break;
          case 'many2one':
            assert.ok(v === false || (Number.isInteger(v) && ix.get(spec.relation!, v) !== undefined), `${where} → ${spec.relation} ${String(v)}`);
            break;
          case 'many2many':
            assert.ok(Array.isArray(v), where);
            for (const x of v as unknown[]) assert.ok(ix.get(spec.relation!, x) !== undefined, `${where} → ${spec.relation} ${String(x)}`);
            break;
          default:
            assert.fail(`${where}: unexpected stored type ${type}`);
        }
      };
      for (const [model, rows] of Object.entries(world.odoo.records)) {
        const spec = MODELS[model];
        assert.ok(spec, `unknown model ${model}`);
        const ids = new Set<number>();
        for (const r of rows!) {
          assert.ok(Number.isInteger(r.id) && r.id > 0, `${model} id`);
          assert.ok(!ids.has(r.id), `${model} duplicate id ${r.id}`);
          ids.add(r.id);
          for (const [fname, v] of Object.entries(r)) {
            if (fname === 'id') continue;
            const f = spec.fields[fname];
            assert.ok(f, `${model}.${fname} is not in models.ts`);
            assert.notEqual(f.type, 'one2many', `${model}.${fname}: one2many is never stored`);
            assert.notEqual(v, null, `${model}#${r.id}.${fname} is null (empty is false)`);
            assert.notEqual(v, undefined);
            if (f.companyDependent) {
              assert.ok(v && typeof v === 'object' && !Array.isArray(v), `${model}#${r.id}.${fname} company-dependent object`);
              for (const [k, x] of Object.entries(v as object)) {
                assert.ok(companyIds.has(Number(k)), `${model}#${r.id}.${fname} key ${k}`);
                checkValue(model, r.id, `${fname}[${k}]`, f.type, x, f);
              }
            } else {
              checkValue(model, r.id, fname, f.type, v, f);
            }
          }
          for (const [fname, f] of Object.entries(spec.fields)) {
            if (f.required && !f.computed && fname !== 'id') assert.ok(r[fname] !== undefined && r[fname] !== false, `${model}#${r.id}.${fname} required`);
          }
          assert.ok(typeof r.create_date === 'string' && typeof r.write_date === 'string', `${model}#${r.id} timestamps`);
        }
      }
    });

    test('create_date ≤ write_date ≤ now, spread over ~18 months', () => {
      let oldest = Infinity;
      let recent = 0;
      for (const rows of Object.values(world.odoo.records)) {
        for (const r of rows!) {
          const c = odooMs(r.create_date as string);
          const w = odooMs(r.write_date as string);
          assert.ok(c <= w, `${r.id} created after written`);
          assert.ok(w <= NOW, `write_date in the future: ${r.write_date}`);
          oldest = Math.min(oldest, c);
          if (w > NOW - 7 * DAY_MS) recent++;
        }
      }
      assert.ok(oldest < NOW - 500 * DAY_MS && oldest > NOW - 620 * DAY_MS, `oldest ${new Date(oldest).toISOString()}`);
      assert.ok(recent > 20, 'some records were touched in the last week');
      const writes = ix.rec('sale.order').map((o) => odooMs(o.write_date as string));
      const cut = NOW - 180 * DAY_MS;
      assert.ok(writes.some((w) => w < cut) && writes.some((w) => w >= cut), 'updatedSince has something to cut');
    });

    test('multi-company records stay inside their company', () => {
      const currencyOf = new Map(ix.rec('res.company').map((c) => [c.id, c.currency_id]));
      for (const o of ix.rec('sale.order')) {
        const partner = ix.get('res.partner', o.partner_id)!;
        assert.ok(partner.company_id === false || partner.company_id === o.company_id, `${o.name}: partner of another company`);
        assert.ok(partner.is_company === true);
        assert.equal(o.currency_id, currencyOf.get(o.company_id as number));
        const pl = ix.get('product.pricelist', o.pricelist_id)!;
        assert.equal(pl.company_id, o.company_id);
        assert.equal((partner.property_product_pricelist as Record<string, number>)[String(o.company_id)], o.pricelist_id);
        assert.equal((partner.property_payment_term_id as Record<string, number>)[String(o.company_id)], o.payment_term_id);
        for (const l of ix.linesOf(o.id)) {
          assert.equal(l.company_id, o.company_id);
          const p = ix.get('product.product', l.product_id)!;
          assert.ok(p.company_id === false || p.company_id === o.company_id, `${o.name}: ${p.default_code} belongs to another company`);
        }
        for (const p of ix.pickingsOf(o.id)) assert.equal(p.company_id, o.company_id);
      }
      for (const m of ix.rec('account.move')) {
        const o = ix.orderByName.get(m.invoice_origin as string)!;
        assert.equal(m.company_id, o.company_id);
        assert.equal(m.partner_id, o.partner_id);
        assert.equal(m.currency_id, o.currency_id);
      }
    });
  });

  describe(`seed world (${label}): orders are internally consistent`, () => {
    const ix = index(world);
    const serviceIds = new Set(ix.rec('product.product').filter((p) => p.type === 'service').map((p) => p.id));

    test('names follow Odoo sequences and creation order', () => {
      const orders = ix.rec('sale.order');
      orders.forEach((o, i) => {
        assert.equal(o.name, `S${String(i + 1).padStart(5, '0')}`);
        if (i > 0) assert.ok((o.create_date as string) >= (orders[i - 1]!.create_date as string));
      });
      for (const p of ix.rec('stock.picking')) assert.match(p.name as string, /^(WH|LPZ|CLT)\/(OUT|PICK)\/\d{5}$/);
      for (const m of ix.rec('mrp.production')) assert.match(m.name as string, /^(WH|CLT)\/MO\/\d{5}$/);
      const seen = new Set<string>();
      for (const m of ix.rec('account.move')) {
        if (m.state === 'draft') {
          assert.equal(m.name, '/');
          assert.equal(m.invoice_date, false);
          continue;
        }
        const prefix = m.move_type === 'out_invoice' ? 'INV' : 'RINV';
        assert.match(m.name as string, new RegExp(`^${prefix}/\\d{4}/\\d{5}$`));
        assert.equal((m.name as string).split('/')[1], (m.invoice_date as string).slice(0, 4));
        const key = `${m.company_id}:${m.name}`;
        assert.ok(!seen.has(key), `duplicate ${key}`);
        seen.add(key);
      }
    });

    test('amounts equal the sum of the lines', () => {
      for (const o of ix.rec('sale.order')) {
        const lines = ix.linesOf(o.id);
        assert.ok(lines.length >= 1, `${o.name} has lines`);
        const rate = TAX_RATES[o.company_id as 1 | 2];
        for (const l of lines) {
          assert.equal(l.price_subtotal, round2((l.product_uom_qty as number) * (l.price_unit as number) * (1 - (l.discount as number) / 100)));
          assert.equal(l.price_total, round2((l.price_subtotal as number) + round2((l.price_subtotal as number) * rate)));
          assert.ok((l.discount as number) >= 0 && (l.discount as number) < 100);
        }
        assert.equal(o.amount_untaxed, round2(lines.reduce((s, l) => s + (l.price_subtotal as number), 0)));
        assert.equal(o.amount_total, round2(lines.reduce((s, l) => s + (l.price_total as number), 0)));
        assert.equal(o.amount_tax, round2((o.amount_total as number) - (o.amount_untaxed as number)));
        assert.ok((o.amount_total as number) > 0);
      }
    });

    test('qty_delivered = done outgoing moves; delivery_status follows Odoo', () => {
      for (const o of ix.rec('sale.order')) {
        const pickings = ix.pickingsOf(o.id);
        const lines = ix.linesOf(o.id);
        for (const l of lines) {
          if (serviceIds.has(l.product_id as number)) continue;
          const delivered = pickings
            .filter((p) => p.picking_type_code === 'outgoing' && p.state === 'done')
            .flatMap((p) => ix.movesOf(p.id))
            .filter((m) => m.product_id === l.product_id)
            .reduce((s, m) => s + (m.quantity as number), 0);
          assert.equal(l.qty_delivered, delivered, `${o.name} ${l.name}`);
          assert.ok((l.qty_delivered as number) <= (l.product_uom_qty as number));
        }
        let expected: unknown;
        if (o.state !== 'sale' || !pickings.length || pickings.every((p) => p.state === 'cancel')) expected = false;
        else if (pickings.every((p) => p.state === 'done' || p.state === 'cancel')) expected = 'full';
        else if (pickings.some((p) => p.state === 'done') && lines.some((l) => (l.qty_delivered as number) > 0)) expected = 'partial';
        else if (pickings.some((p) => p.state === 'done')) expected = 'started';
        else expected = 'pending';
        assert.equal(o.delivery_status, expected, o.name as string);
        const doneOut = pickings.filter((p) => p.picking_type_code === 'outgoing' && p.state === 'done').map((p) => p.date_done as string).sort();
        assert.equal(o.effective_date, doneOut[0] ?? false, `${o.name} effective_date`);
        if (o.state === 'draft' || o.state === 'sent') assert.equal(pickings.length, 0);
        if (o.state === 'cancel') for (const p of pickings) assert.equal(p.state, 'cancel');
      }
    });

    test('qty_invoiced = invoices minus refunds; invoice_status follows Odoo', () => {
      for (const o of ix.rec('sale.order')) {
        const lines = ix.linesOf(o.id);
        const invoices = ix.invoicesOf(o.name as string);
        assert.deepEqual(o.invoice_ids, invoices.map((m) => m.id).sort((a, b) => a - b), `${o.name} invoice_ids`);
        const billed = round2(invoices.filter((m) => m.state !== 'cancel')
          .reduce((s, m) => s + (m.move_type === 'out_invoice' ? 1 : -1) * (m.amount_untaxed as number), 0));
        const fromLines = round2(lines.reduce((s, l) => s + (l.qty_invoiced as number) * (l.price_unit as number) * (1 - (l.discount as number) / 100), 0));
        assert.ok(Math.abs(billed - fromLines) <= 0.01 * lines.length + 1e-9, `${o.name}: invoiced ${billed} vs lines ${fromLines}`);
        const status = lines.map((l) => {
          if (o.state !== 'sale') return 'no';
          // Odoo: qty_to_invoice follows the product's invoicing policy (ordered vs delivered quantities).
          const byOrder = ix.rec('product.product').find((p) => p.id === l.product_id)!.invoice_policy === 'order';
          const toInvoice = (byOrder ? (l.product_uom_qty as number) : (l.qty_delivered as number)) - (l.qty_invoiced as number);
          if (toInvoice !== 0) return 'to invoice';
          if (byOrder && (l.qty_delivered as number) > (l.product_uom_qty as number)) return 'upselling';
          if ((l.qty_invoiced as number) >= (l.product_uom_qty as number)) return 'invoiced';
          return 'no';
        });
        const expected = o.state !== 'sale' ? 'no'
          : status.includes('to invoice') ? 'to invoice'
            : status.every((s) => s === 'invoiced') ? 'invoiced'
              : status.every((s) => s === 'invoiced' || s === 'upselling') ? 'upselling' : 'no';
        assert.equal(o.invoice_status, expected, o.name as string);
        if (o.state !== 'sale') assert.equal(invoices.length, 0, `${o.name} (${o.state}) has no invoices`);
      }
    });

    test('invoices: residual agrees with payment_state, due date with the payment term', () => {
      const termDays = new Map<number, number>(PAYMENT_TERMS.map((t) => [t.id, t.days]));
      for (const m of ix.rec('account.move')) {
        const total = m.amount_total as number;
        const residual = m.amount_residual as number;
        assert.ok(total > 0 && (m.amount_untaxed as number) > 0 && total >= (m.amount_untaxed as number));
        switch (m.payment_state) {
          case 'paid': case 'in_payment': case 'reversed': case 'invoicing_legacy':
            assert.equal(residual, 0, `${m.name} ${m.payment_state}`); break;
          case 'not_paid': assert.equal(residual, total, `${m.name} not_paid`); break;
          case 'partial': assert.ok(residual > 0 && residual < total, `${m.name} partial`); break;
        }
        if (m.state !== 'posted') assert.equal(m.payment_state, 'not_paid', `${m.name} ${m.state}`);
        if (m.move_type === 'out_refund') assert.equal(m.state, 'posted');
        if (m.invoice_date !== false) {
          assert.equal((odooMs(m.invoice_date_due as string) - odooMs(m.invoice_date as string)) / DAY_MS, termDays.get(m.invoice_payment_term_id as number));
          assert.equal(m.date, m.invoice_date);
        }
        assert.ok(ix.orderByName.get(m.invoice_origin as string), `${m.name} origin`);
      }
      const reversed = ix.rec('account.move').filter((m) => m.payment_state === 'reversed');
      for (const r of reversed) {
        assert.ok(ix.rec('account.move').some((x) => x.move_type === 'out_refund' && x.invoice_origin === r.invoice_origin && x.amount_total === r.amount_total));
      }
    });

    test('pickings and moves: states agree, quantities bounded, carriers tracked once shipped', () => {
      for (const p of ix.rec('stock.picking')) {
        const moves = ix.movesOf(p.id);
        assert.ok(moves.length >= 1, `${p.name} has moves`);
        const o = ix.get('sale.order', p.sale_id)!;
        assert.equal(p.origin, o.name);
        assert.equal(p.partner_id, o.partner_id);
        const s = moves.map((m) => m.state);
        let expected: string;
        if (s.every((x) => x === 'cancel')) expected = 'cancel';
        else if (s.every((x) => x === 'done' || x === 'cancel')) expected = 'done';
        else if (s.some((x) => x === 'assigned' || x === 'partially_available')) expected = 'assigned';
        else if (s.some((x) => x === 'confirmed')) expected = 'confirmed';
        else if (s.some((x) => x === 'waiting')) expected = 'waiting';
        else expected = 'draft';
        assert.equal(p.state, expected, `${p.name}: ${s.join(',')}`);
        assert.equal(p.date_done !== false, p.state === 'done', `${p.name} date_done`);
        if (p.carrier_tracking_ref !== false) assert.ok(p.state === 'done' && p.carrier_id !== false, `${p.name} tracking`);
        if (p.picking_type_code === 'internal') assert.match(p.name as string, /^LPZ\/PICK\//);
        for (const m of moves) {
          assert.equal(m.reference, p.name);
          assert.equal(m.company_id, p.company_id);
          assert.ok((m.quantity as number) >= 0 && (m.quantity as number) <= (m.product_uom_qty as number));
          if (m.state === 'done' || m.state === 'assigned') assert.equal(m.quantity, m.product_uom_qty);
          if (m.state === 'partially_available') assert.ok((m.quantity as number) > 0 && (m.quantity as number) < (m.product_uom_qty as number));
          if (['confirmed', 'waiting', 'draft', 'cancel'].includes(m.state as string)) assert.equal(m.quantity, 0);
          assert.ok(ix.linesOf(o.id).some((l) => l.product_id === m.product_id), `${p.name} moves a product of its order`);
        }
      }
    });

    test('manufacturing orders: origin, quantities and dates agree with their state', () => {
      for (const mo of ix.rec('mrp.production')) {
        const qty = mo.product_qty as number;
        const qp = mo.qty_producing as number;
        switch (mo.state) {
          case 'draft': case 'confirmed': case 'cancel': assert.equal(qp, 0, `${mo.name}`); break;
          case 'progress': assert.ok(qp >= 0 && qp < qty, `${mo.name}`); break;
          case 'to_close': case 'done': assert.equal(qp, qty, `${mo.name}`); break;
        }
        assert.ok((mo.date_start as string) <= (mo.date_finished as string), `${mo.name} dates`);
        if (mo.state === 'done') assert.ok(odooMs(mo.date_finished as string) <= NOW);
        if (mo.state === 'progress') assert.ok(odooMs(mo.date_start as string) <= NOW);
        if (mo.state === 'confirmed') assert.ok(odooMs(mo.date_start as string) > NOW, `${mo.name} confirmed but started`);
        const p = ix.get('product.product', mo.product_id)!;
        assert.ok((p.produce_delay as number) > 0, `${mo.name} makes a manufactured product`);
        if (typeof mo.origin === 'string' && mo.origin.startsWith('S')) {
          const o = ix.orderByName.get(mo.origin)!;
          assert.ok((o.mrp_production_ids as number[]).includes(mo.id), `${mo.name} listed on ${o.name}`);
          assert.equal(mo.company_id, o.company_id);
          assert.ok(ix.linesOf(o.id).some((l) => l.product_id === mo.product_id));
        }
      }
      for (const o of ix.rec('sale.order')) {
        for (const id of o.mrp_production_ids as number[]) assert.equal(ix.get('mrp.production', id)!.origin, o.name);
      }
      assert.ok(ix.rec('mrp.production').some((m) => m.origin === false), 'replenishment MOs exist');
    });
  });

  describe(`seed world (${label}): HubSpot objects follow objects.ts`, () => {
    const ix = index(world);

    test('objects carry only known properties, as strings or null, with consistent timestamps', () => {
      for (const type of HUBSPOT_OBJECT_TYPES) {
        const ids = new Set<string>();
        const allowed = new Set(HUBSPOT_PROPERTIES[type]);
        const stamps = HUBSPOT_TIMESTAMP_PROPERTIES[type];
        for (const o of world.hubspot.objects[type]) {
          assert.match(o.id, /^\d+$/);
          assert.ok(!ids.has(o.id), `${type} duplicate id ${o.id}`);
          ids.add(o.id);
          for (const [k, v] of Object.entries(o.properties)) {
            assert.ok(allowed.has(k), `${type}.${k} is not in HUBSPOT_PROPERTIES`);
            assert.ok(v === null || typeof v === 'string', `${type}#${o.id}.${k}`);
            if (typeof v === 'string') assert.ok(v.length > 0, `${type}#${o.id}.${k} empty (unset is null)`);
          }
          for (const k of HUBSPOT_PROPERTIES[type]) assert.ok(k in o.properties, `${type}#${o.id} lacks ${k}`);
          assert.equal(o.properties.hs_object_id, o.id);
          assert.match(o.createdAt, ISO_RE);
          assert.match(o.updatedAt, ISO_RE);
          assert.ok(o.createdAt <= o.updatedAt && Date.parse(o.updatedAt) <= NOW, `${type}#${o.id} timestamps`);
          assert.equal(o.properties[stamps.created], o.createdAt);
          assert.equal(o.properties[stamps.modified], o.updatedAt);
          assert.equal(typeof o.archived, 'boolean');
        }
        for (const prop of HUBSPOT_UNIQUE_PROPERTIES[type] ?? []) {
          const vals = world.hubspot.objects[type].map((o) => o.properties[prop]).filter((v): v is string => v !== null);
          assert.equal(new Set(vals.map((v) => v.toLowerCase())).size, vals.length, `${type}.${prop} unique`);
        }
      }
      const owners = new Set(world.hubspot.owners.map((o) => o.id));
      assert.ok(world.hubspot.owners.length >= 5);
      for (const type of ['companies', 'deals', 'quotes'] as const) {
        for (const o of world.hubspot.objects[type]) assert.ok(owners.has(o.properties.hubspot_owner_id!), `${type}#${o.id} owner`);
      }
    });

    test('enumerations, numbers and dates are valid', () => {
      const opts = HUBSPOT_PROPERTY_OPTIONS;
      for (const c of ix.hs('companies')) {
        assert.ok(opts.companies!.lifecyclestage!.includes(c.properties.lifecyclestage!));
        assert.ok(opts.companies!.segment!.includes(c.properties.segment!));
        assert.ok(HUBSPOT_INDUSTRIES.has(c.properties.industry!), c.properties.industry!);
        assert.match(c.properties.domain!, /^[a-z0-9-]+(\.[a-z]+)+$/);
        if (c.properties.odoo_partner_id !== null) assert.match(c.properties.odoo_partner_id, /^\d+$/);
      }
      for (const q of ix.hs('quotes')) {
        assert.ok(opts.quotes!.hs_status!.includes(q.properties.hs_status!));
        assert.ok(opts.quotes!.incoterm!.includes(q.properties.incoterm!));
        assert.match(q.properties.hs_expiration_date!, DATE_RE);
        assert.match(q.properties.requested_delivery_date!, DATE_RE);
        assert.match(q.properties.quote_number!, /^Q-\d{4}-\d{5}$/);
        assert.equal(q.properties.quote_number!.slice(2, 6), q.createdAt.slice(0, 4));
        assert.ok(['EUR', 'USD'].includes(q.properties.hs_currency!));
      }
      for (const d of ix.hs('deals')) {
        assert.ok(DEAL_STAGES.has(d.properties.dealstage!));
        assert.equal(d.properties.pipeline, 'default');
        assert.match(d.properties.closedate!, ISO_RE);
        assert.match(d.properties.amount!, /^\d+\.\d{2}$/);
      }
      for (const li of ix.hs('line_items')) {
        const q = Number(li.properties.quantity);
        const price = Number(li.properties.price);
        const disc = Number(li.properties.hs_discount_percentage);
        assert.ok(q > 0 && price > 0 && disc >= 0 && disc < 100);
        assert.equal(li.properties.amount, round2(q * price * (1 - disc / 100)).toFixed(2));
        assert.ok(ix.hsGet('products', li.properties.hs_product_id), `line item ${li.id} product`);
      }
      for (const p of ix.hs('products')) {
        if (p.properties.odoo_product_id === null) continue;
        const op = ix.get('product.product', Number(p.properties.odoo_product_id))!;
        assert.equal(op.default_code, p.properties.hs_sku);
        assert.equal(p.archived, op.active === false);
        assert.equal(Number(p.properties.price), op.list_price);
      }
      assert.equal(ix.hs('products').filter((p) => p.properties.odoo_product_id !== null).length, 100);
    });

    test('every association points at existing objects with the right type id', () => {
      const types = HUBSPOT_ASSOCIATION_TYPES as Record<string, number>;
      const seen = new Set<string>();
      for (const a of world.hubspot.associations) {
        assert.ok(ix.hsGet(a.fromType, a.fromId), `${a.fromType}/${a.fromId} missing`);
        assert.ok(ix.hsGet(a.toType, a.toId), `${a.toType}/${a.toId} missing`);
        assert.equal(a.typeId, types[`${a.fromType}_to_${a.toType}`], `${a.fromType}→${a.toType}`);
        const key = `${a.fromType}/${a.fromId}/${a.toType}/${a.toId}`;
        assert.ok(!seen.has(key), `duplicate ${key}`);
        seen.add(key);
      }
      for (const q of ix.hs('quotes')) {
        assert.equal(ix.assocFrom('quotes', q.id, 'deals').length, 1, `quote ${q.id} deal`);
        assert.equal(ix.assocFrom('quotes', q.id, 'companies').length, 1, `quote ${q.id} company`);
        const items = ix.assocFrom('quotes', q.id, 'line_items');
        assert.ok(items.length >= 1 && items.length <= 5, `quote ${q.id} has ${items.length} line items`);
        const sum = round2(items.reduce((s, id) => s + Number(ix.hsGet('line_items', id)!.properties.amount), 0));
        assert.equal(q.properties.hs_quote_amount, sum.toFixed(2));
        const deal = ix.hsGet('deals', ix.assocFrom('quotes', q.id, 'deals')[0])!;
        assert.deepEqual(ix.assocFrom('deals', deal.id, 'companies'), ix.assocFrom('quotes', q.id, 'companies'));
      }
      for (const li of ix.hs('line_items')) assert.equal(ix.assocTo('line_items', li.id, 'quotes').length, 1, `line item ${li.id}`);
      for (const d of ix.hs('deals')) assert.equal(ix.assocFrom('deals', d.id, 'companies').length, 1, `deal ${d.id}`);
      for (const c of ix.hs('contacts')) assert.equal(ix.assocFrom('contacts', c.id, 'companies').length, 1, `contact ${c.id}`);
    });

    test('converted quotes and their orders point at each other, line by line', () => {
      const converted = ix.hs('quotes').filter((q) => q.properties.odoo_order_id !== null);
      for (const q of converted) {
        assert.ok(['APPROVED', 'APPROVAL_NOT_NEEDED'].includes(q.properties.hs_status!));
        const o = ix.get('sale.order', Number(q.properties.odoo_order_id))!;
        assert.equal(o.name, q.properties.odoo_order_ref);
        assert.equal(o.client_order_ref, q.properties.quote_number);
        const company = ix.hsGet('companies', ix.assocFrom('quotes', q.id, 'companies')[0])!;
        assert.equal(company.properties.odoo_partner_id, String(o.partner_id));
        assert.equal(q.properties.hs_currency, o.company_id === 1 ? 'EUR' : 'USD');
        const lines = ix.linesOf(o.id).map((l) => {
          const p = ix.get('product.product', l.product_id)!;
          return `${p.default_code}|${l.product_uom_qty}|${l.price_unit}|${l.discount}`;
        }).sort();
        const items = ix.assocFrom('quotes', q.id, 'line_items').map((id) => {
          const li = ix.hsGet('line_items', id)!.properties;
          return `${li.hs_sku}|${Number(li.quantity)}|${Number(li.price)}|${Number(li.hs_discount_percentage)}`;
        }).sort();
        assert.deepEqual(items, lines, `${q.properties.quote_number} ↔ ${o.name}`);
        assert.ok(q.createdAt < new Date(odooMs(o.create_date as string)).toISOString());
        assert.equal(q.properties.incoterm, ix.get('account.incoterms', o.incoterm)!.code);
      }
      const refs = ix.rec('sale.order').filter((o) => typeof o.client_order_ref === 'string' && /^Q-/.test(o.client_order_ref));
      assert.equal(refs.length, converted.length);
    });
  });
}

describe('seed world: demo references', () => {
  const world = defaultWorld;
  const ix = index(world);
  const demo = world.demo;
  const quoteByNumber = (n: string) => ix.hs('quotes').find((q) => q.properties.quote_number === n)!;
  const clean = (odooId: number, hubspotId: string) => ix.cleanPairs.some((x) => x.partner.id === odooId && x.company.id === hubspotId);

  test('S00042: confirmed, company 1, customer in both systems, from a HubSpot quote, in progress on every front', () => {
    assert.equal(demo.orderNumber, 'S00042');
    const o = ix.orderByName.get('S00042')!;
    assert.equal(o.id, demo.orderId);
    assert.equal(o.state, 'sale');
    assert.equal(o.company_id, 1);
    assert.equal(demo.orderCompanyId, 1);
    assert.equal(o.partner_id, demo.accountOdooId);
    assert.ok(clean(demo.accountOdooId, demo.accountHubSpotId));
    assert.equal(ix.get('res.partner', demo.accountOdooId)!.name, demo.accountName);
    assert.deepEqual(decodeId(demo.accountId, 'Account'), { type: 'Account', system: 'crm', sourceId: demo.accountHubSpotId });
    assert.ok(ix.linesOf(o.id).length >= 3);
    assert.notEqual(o.commitment_date, false);
    const pickings = ix.pickingsOf(o.id);
    const done = pickings.find((p) => p.name === demo.pickingDoneName)!;
    const assigned = pickings.find((p) => p.name === demo.pickingAssignedName)!;
    assert.equal(done.state, 'done');
    assert.equal(assigned.state, 'assigned');
    assert.notEqual(done.carrier_tracking_ref, false);
    assert.equal(o.delivery_status, 'partial');
    const inv = ix.rec('account.move').find((m) => m.name === demo.invoiceNumber && m.company_id === 1)!;
    assert.equal(inv.invoice_origin, 'S00042');
    assert.equal(inv.state, 'posted');
    assert.equal(inv.payment_state, 'partial');
    const mo = ix.rec('mrp.production').find((m) => m.name === demo.productionName)!;
    assert.equal(mo.state, 'progress');
    assert.equal(mo.origin, 'S00042');
    assert.ok((mo.qty_producing as number) > 0);
    assert.equal(ix.get('product.product', mo.product_id)!.default_code, demo.productSku);
    assert.equal(demo.productOdooId, mo.product_id);
    assert.equal(ix.hsGet('products', demo.productHubSpotId)!.properties.hs_sku, demo.productSku);
    const q = quoteByNumber(demo.quoteNumber);
    assert.equal(q.id, demo.quoteHubSpotId);
    assert.equal(q.properties.odoo_order_ref, 'S00042');
    assert.equal(q.properties.odoo_order_id, String(o.id));
    assert.equal(o.client_order_ref, demo.quoteNumber);
    assert.deepEqual(ix.assocFrom('quotes', q.id, 'deals'), [demo.dealHubSpotId]);
    assert.equal(ix.hsGet('deals', demo.dealHubSpotId)!.properties.dealstage, 'closedwon');
  });

  test('an approved, unconverted quote whose products are free to promise at Hamburg', () => {
    const a = demo.approvedQuote;
    const q = quoteByNumber(a.quoteNumber);
    assert.equal(q.id, a.quoteHubSpotId);
    assert.equal(q.properties.hs_status, 'APPROVED');
    assert.equal(q.properties.odoo_order_id, null);
    assert.ok(q.properties.hs_expiration_date! >= DEFAULT_NOW.slice(0, 10), 'not expired');
    assert.ok(clean(a.accountOdooId, a.accountHubSpotId));
    assert.deepEqual(ix.assocFrom('quotes', q.id, 'companies'), [a.accountHubSpotId]);
    assert.deepEqual(ix.assocFrom('quotes', q.id, 'deals'), [a.dealHubSpotId]);
    const partner = ix.get('res.partner', a.accountOdooId)!;
    assert.equal(partner.active, true);
    const pricelist = ix.get('product.pricelist', (partner.property_product_pricelist as Record<string, number>)['1'])!;
    const items = ix.assocFrom('quotes', q.id, 'line_items').map((id) => ix.hsGet('line_items', id)!.properties);
    assert.equal(items.length, a.lines.length);
    assert.ok(a.lines.length >= 2);
    const wh = ix.get('stock.warehouse', a.warehouseId)!;
    assert.equal(wh.code, 'WH');
    for (const line of a.lines) {
      const li = items.find((i) => i.hs_sku === line.sku)!;
      assert.equal(Number(li.quantity), line.quantity);
      const p = ix.get('product.product', line.productOdooId)!;
      assert.equal(p.default_code, line.sku);
      assert.ok(p.active === true && p.sale_ok === true && p.is_storable === true);
      assert.equal(Number(li.price), p.list_price, 'priced at the current list price');
      assert.ok(Number(li.hs_discount_percentage) <= (pricelist.x_max_discount as number));
      const row = world.odoo.stock.find((s) => s.productId === p.id && s.warehouseId === a.warehouseId)!;
      assert.ok(row.free >= line.quantity, `${line.sku}: free ${row.free} < ${line.quantity}`);
    }
    const limit = (partner.credit_limit as Record<string, number>)['1'] ?? 0;
    assert.ok(limit === 0 || ix.receivable(partner.id, 1) <= limit, 'the account is not on credit hold');
  });

  test('a customer on credit hold: receivable above its limit, with an approved quote to block', () => {
    const h = demo.creditHold;
    assert.ok(clean(h.accountOdooId, h.accountHubSpotId));
    const partner = ix.get('res.partner', h.accountOdooId)!;
    assert.equal((partner.credit_limit as Record<string, number>)['1'], h.creditLimit);
    assert.equal(ix.receivable(h.accountOdooId, 1), h.credit);
    assert.ok(h.creditLimit > 0 && h.credit > h.creditLimit, `${h.credit} > ${h.creditLimit}`);
    const q = quoteByNumber(h.quoteNumber);
    assert.equal(q.properties.hs_status, 'APPROVED');
    assert.equal(q.properties.odoo_order_id, null);
    assert.deepEqual(ix.assocFrom('quotes', q.id, 'companies'), [h.accountHubSpotId]);
    // Only the deliberate holds are over their limit (one per company).
    const over = ix.customers.filter((p) => [1, 2].some((c) => {
      const l = (p.credit_limit as Record<string, number>)[String(c)];
      return l !== undefined && l > 0 && ix.receivable(p.id, c) > l;
    }));
    assert.ok(over.some((p) => p.id === h.accountOdooId));
    assert.ok(over.length <= 2, `unexpected holds: ${over.map((p) => p.name).join(', ')}`);
  });

  test('exception quotes carry the defect their name promises', () => {
    const e = demo.exceptionQuotes;
    const companyOf = (n: string) => ix.hsGet('companies', ix.assocFrom('quotes', quoteByNumber(n).id, 'companies')[0])!;
    const itemsOf = (n: string) => ix.assocFrom('quotes', quoteByNumber(n).id, 'line_items').map((id) => ix.hsGet('line_items', id)!.properties);
    const bySku = (sku: string | null) => ix.rec('product.product').find((p) => p.default_code === sku);
    assert.equal(companyOf(e.prospectWithoutOdooAccount).properties.odoo_partner_id, null);
    assert.notEqual(companyOf(e.prospectWithoutOdooAccount).properties.lifecyclestage, 'customer');
    assert.ok(world.brokenReferences.some((b) => b.kind === 'hubspot_missing_reference' && b.hubspotCompanyId === companyOf(e.missingReference).id));
    assert.ok(world.brokenReferences.some((b) => b.kind === 'mismatched_pair' && b.hubspotCompanyId === companyOf(e.mismatchedPair).id));
    assert.ok(itemsOf(e.outdatedPrice).some((li) => Number(li.price) !== bySku(li.hs_sku)!.list_price));
    assert.ok(itemsOf(e.unknownSku).some((li) => li.hs_sku === demo.unknownSku && bySku(li.hs_sku) === undefined));
    assert.ok(itemsOf(e.inactiveProduct).some((li) => bySku(li.hs_sku)!.active === false));
    const over = companyOf(e.discountOverLimit);
    const partner = ix.get('res.partner', Number(over.properties.odoo_partner_id))!;
    const company = quoteByNumber(e.discountOverLimit).properties.hs_currency === 'EUR' ? '1' : '2';
    const max = ix.get('product.pricelist', (partner.property_product_pricelist as Record<string, number>)[company])!.x_max_discount as number;
    assert.ok(itemsOf(e.discountOverLimit).some((li) => Number(li.hs_discount_percentage) > max));
    for (const n of Object.values(e)) assert.equal(quoteByNumber(n).properties.odoo_order_id, null);
  });

  test('account references for multi-company, archive, one-sided and drift cases', () => {
    const dual = demo.dualCompanyAccount;
    assert.ok(clean(dual.odooId!, dual.hubspotId!));
    const dp = ix.get('res.partner', dual.odooId)!;
    assert.deepEqual(dp.property_payment_term_id, dual.paymentTermIds);
    assert.deepEqual(dp.credit_limit, dual.creditLimits);
    assert.notEqual(dual.paymentTermIds['1'], dual.paymentTermIds['2']);
    assert.notEqual(dual.creditLimits['1'], dual.creditLimits['2']);
    assert.equal(ix.get('res.partner', demo.archivedAccount.odooId)!.active, false);
    assert.equal(ix.get('res.partner', demo.companyRestrictedAccount.odooId)!.company_id, demo.companyRestrictedAccount.companyId);
    const odooOnly = ix.get('res.partner', demo.odooOnlyAccount.odooId)!;
    assert.equal(odooOnly.ref, false);
    assert.equal(demo.odooOnlyAccount.hubspotId, null);
    assert.ok(!ix.hs('companies').some((c) => c.properties.odoo_partner_id === String(odooOnly.id)));
    assert.equal(demo.prospectAccount.odooId, null);
    assert.equal(ix.hsGet('companies', demo.prospectAccount.hubspotId)!.properties.odoo_partner_id, null);
    assert.ok(demo.phoneDriftHubSpotIds.length >= 3);
    for (const { partner, company } of ix.cleanPairs) {
      const drift = demo.phoneDriftHubSpotIds.includes(company.id);
      assert.equal(partner.phone !== company.properties.phone, drift, `${partner.name} phone`);
    }
    assert.equal(ix.orderByName.get(demo.startedOrderNumber)!.delivery_status, 'started');
    assert.equal(ix.hsGet('products', ix.hs('products').find((p) => p.properties.hs_sku === demo.unknownSku)!.id)!.properties.odoo_product_id, null);
  });
});
