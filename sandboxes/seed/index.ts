// One deterministic manufacturing "world" — the Nordwerk group — written into both
// systems and cross-referenced: Odoo (the stored form of sandboxes/odoo/types.ts) and
// HubSpot (objects in the v3 wire shape, §7). Pure: the same seed and
// anchor date give a byte-identical world; nothing reads the clock or Math.random.
//
//   const world = buildWorld();                 // DEFAULT_SEED, anchored 2026-11-01T09:00:00Z
//   new OdooStore(world.odoo); new HubSpotStore(world.hubspot);
import type { OdooModelName } from '../../connectors/odoo/mapping/models.ts';
import type { OdooDataset, StoredRecord } from '../odoo/types.ts';
import type { HubSpotAssociation, HubSpotDataset, HubSpotObject, HubSpotObjectType } from '../hubspot/portal.ts';
import { HUBSPOT_ASSOCIATION_TYPES, HUBSPOT_OBJECT_TYPES, HUBSPOT_PROPERTIES } from '../hubspot/portal.ts';
import {
  CARRIERS, COMPANIES, CURRENCIES, INCOTERMS, ODOO_DATABASE, ODOO_GROUPS_FULL, ODOO_GROUPS_RESTRICTED, OWNERS,
  PAYMENT_TERMS, PRICELISTS, UOMS, WAREHOUSES, type CompanyId,
} from './catalog.ts';
import { buildCustomers, spread, type Customer, type Person } from './customers.ts';
import { buildOrders, round2, type OInvoice, type OOrder } from './orders.ts';
import { buildProducts, type Product } from './products.ts';
import { Rng } from './prng.ts';
import { buildQuotes, itemAmount, quoteAmount, type HQuote } from './quotes.ts';
import { buildStock } from './stock.ts';
import { DAY, HOUR, MINUTE, isoMs, odooDate, odooDatetime, parseIso, year, type Sec } from './time.ts';
import { accountIdFor } from '../../core/ids.ts';

export { TAX_RATES, PAYMENT_TERMS } from './catalog.ts';

export const DEFAULT_SEED = 20_261_101;
export const DEFAULT_NOW = '2026-11-01T09:00:00Z';

/** The integration user (full rights, both companies) and a restricted one (company 1, no accounting). */
export const SANDBOX_ODOO_CREDENTIALS = {
  database: ODOO_DATABASE,
  uid: 2,
  login: 'integration@nordwerk.example',
  apiKey: 'sandbox-odoo-key-0000000000000000',
  companyIds: [1, 2],
  groups: [...ODOO_GROUPS_FULL],
  restricted: {
    uid: 6,
    login: 'sales.hamburg@nordwerk.example',
    apiKey: 'sandbox-odoo-key-restricted-0000',
    companyIds: [1],
    groups: [...ODOO_GROUPS_RESTRICTED],
  },
} as const;

export const SANDBOX_HUBSPOT_TOKEN = 'pat-sandbox-0000-0000-0000-000000000000';
export const SANDBOX_HUBSPOT_PORTAL_ID = 24681357;
/** The portal's quote templates; the first is the one the demo quotes (and the connector's discovery) use. */
export const SANDBOX_QUOTE_TEMPLATES = [
  { id: '188502917', name: 'Northwind standard quote' },
  { id: '188502918', name: 'Northwind service agreement' },
] as const;

export type BrokenReferenceKind =
  | 'hubspot_points_to_missing_partner'
  | 'odoo_points_to_missing_company'
  | 'mismatched_pair'
  | 'hubspot_missing_reference'
  | 'duplicate_reference';

export const BROKEN_REFERENCE_KINDS: readonly BrokenReferenceKind[] = [
  'hubspot_points_to_missing_partner', 'odoo_points_to_missing_company', 'mismatched_pair', 'hubspot_missing_reference', 'duplicate_reference',
];

export interface BrokenReference {
  kind: BrokenReferenceKind;
  hubspotCompanyId?: string;
  odooPartnerId?: number;
  note: string;
}

export interface AccountRef { name: string; odooId: number | null; hubspotId: string | null }

export interface DemoRefs {
  /** S00042: confirmed, company 1, converted from a HubSpot quote, partially delivered, MO in progress, invoice partially paid. */
  orderNumber: string;
  orderId: number;
  orderCompanyId: CompanyId;
  /** The canonical (gateway) Account id of the customer who placed it. */
  accountId: string;
  accountName: string;
  accountOdooId: number;
  accountHubSpotId: string;
  /** The HubSpot owner of the demo account and its quotes: the sales rep the development token acts as. */
  ownerHubSpotId: string;
  quoteNumber: string;
  quoteHubSpotId: string;
  dealHubSpotId: string;
  /** The manufactured line of S00042 (its MO is in progress). */
  productSku: string;
  productOdooId: number;
  productHubSpotId: string;
  pickingDoneName: string;
  pickingAssignedName: string;
  invoiceNumber: string;
  productionName: string;
  /** An APPROVED, unconverted quote whose products are free to promise at Hamburg (quote-to-order demo). */
  approvedQuote: {
    quoteNumber: string; quoteHubSpotId: string; dealHubSpotId: string; accountName: string;
    accountOdooId: number; accountHubSpotId: string; companyId: CompanyId; warehouseId: number;
    lines: Array<{ sku: string; productOdooId: number; quantity: number; price: number; discount: number }>;
  };
  /** A customer whose open receivable exceeds its credit limit (company 1), with an approved quote that must be blocked. */
  creditHold: {
    accountName: string; accountOdooId: number; accountHubSpotId: string; companyId: CompanyId;
    currency: string; creditLimit: number; credit: number; quoteNumber: string;
  };
  /** Quotes that must fail validation or route to an owning team. */
  exceptionQuotes: {
    prospectWithoutOdooAccount: string; missingReference: string; mismatchedPair: string;
    outdatedPrice: string; unknownSku: string; inactiveProduct: string; discountOverLimit: string;
  };
  unknownSku: string;
  /** A customer with different payment terms / pricelist / credit limit per company. */
  dualCompanyAccount: AccountRef & { paymentTermIds: Record<string, number>; pricelistIds: Record<string, number>; creditLimits: Record<string, number> };
  archivedAccount: AccountRef;
  companyRestrictedAccount: AccountRef & { companyId: CompanyId };
  odooOnlyAccount: AccountRef;
  prospectAccount: AccountRef;
  /** Accounts whose phone differs between HubSpot (owner) and Odoo. */
  phoneDriftHubSpotIds: string[];
  /** The order in the two-step warehouse whose pick is done and ship is not (delivery_status "started"). */
  startedOrderNumber: string;
}

export interface World {
  odoo: OdooDataset;
  hubspot: HubSpotDataset;
  brokenReferences: BrokenReference[];
  demo: DemoRefs;
}

// ---------------------------------------------------------------- helpers

class HubSpotIds {
  private cur: number;
  constructor(base: number, private readonly rng: Rng) { this.cur = base; }
  next(): string {
    this.cur += this.rng.int(1, 1800);
    return String(this.cur);
  }
}

const dt = (s: Sec | false): string | false => (s === false ? false : odooDatetime(s));
const d = (s: Sec | false): string | false => (s === false ? false : odooDate(s));
const money = (x: number): string => x.toFixed(2);
const num = (x: number): string => (Number.isInteger(x) ? String(x) : String(round2(x)));

function companyDependent<T>(values: Partial<Record<CompanyId, T>>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const c of [1, 2] as CompanyId[]) if (values[c] !== undefined) out[String(c)] = values[c]!;
  return out;
}

// ---------------------------------------------------------------- the world

export function buildWorld(opts: { seed?: number; now?: string } = {}): World {
  const seed = opts.seed ?? DEFAULT_SEED;
  const now = parseIso(opts.now ?? DEFAULT_NOW);
  const root = new Rng(seed);
  const priceChangeAt = Date.UTC(year(now), 0, 1) / 1000;

  const { customers, goLive } = buildCustomers(root.fork('customers'), now);
  const crmStart = goLive + 12 * DAY;
  const products = buildProducts(root.fork('products'));
  const demoCustomer = customers[0]!;
  const holdRng = root.fork('hold');
  const holdPool = (home: CompanyId) => customers.filter((c) =>
    c.role === 'linked' && c.active && c.home === home && c.restrictedTo === false && c.key !== demoCustomer.key && c.odooCreated < goLive + 5 * DAY);
  const holdCustomers = [holdRng.pick(holdPool(1)), holdRng.pick(holdPool(2))];
  for (const h of holdCustomers) h.payBehavior = 'never';

  const ow = buildOrders({ rng: root.fork('orders'), now, goLive, priceChangeAt, products, customers }, demoCustomer, holdCustomers);
  const stock = buildStock(root.fork('stock'), products, ow.pickings, ow.mos);
  const qw = buildQuotes({
    rng: root.fork('quotes'), now, crmStart, priceChangeAt, products, customers, orders: ow.orders, stock, demoCustomer, holdCustomers,
  });

  // ------------------------------------------------------------ ids and names
  // Odoo partners: companies and their people, in creation order; ghosts consume an id.
  type PartnerEntry = { at: Sec; tie: number; customer: Customer; person?: Person };
  const partnerEntries: PartnerEntry[] = [];
  for (const c of customers) {
    if (c.odoo === 'no') continue;
    partnerEntries.push({ at: c.odooCreated, tie: c.key * 10, customer: c });
    if (c.odoo === 'yes') c.contacts.forEach((p, i) => partnerEntries.push({ at: personOdooCreated(c, p), tie: c.key * 10 + i + 1, customer: c, person: p }));
  }
  partnerEntries.sort((a, b) => a.at - b.at || a.tie - b.tie);
  let nextPartner = 10;
  for (const e of partnerEntries) {
    if (e.person) e.person.odooId = nextPartner++;
    else e.customer.odooId = nextPartner++;
  }
  // HubSpot ids.
  const hsRng = root.fork('hubspot-ids');
  const companyIds = new HubSpotIds(21_043_000_000, hsRng);
  const contactIds = new HubSpotIds(51_207_000_000, hsRng);
  const dealIds = new HubSpotIds(31_885_000_000, hsRng);
  const quoteIds = new HubSpotIds(41_326_000_000, hsRng);
  const itemIds = new HubSpotIds(61_544_000_000, hsRng);
  const productIds = new HubSpotIds(71_902_000_000, hsRng);
  for (const c of customers.filter((x) => x.hubspot !== 'no').sort((a, b) => a.hsCreated - b.hsCreated || a.key - b.key)) c.hubspotId = companyIds.next();
  const hsPeople = customers.filter((c) => c.hubspot === 'yes').flatMap((c) => c.contacts.map((p) => ({ c, p, at: personHsCreated(c, p) })));
  hsPeople.sort((a, b) => a.at - b.at || a.c.key - b.c.key);
  const emailsSeen = new Set<string>();
  for (const { p } of hsPeople) {
    if (emailsSeen.has(p.email)) continue; // a person shared by a duplicate Odoo partner exists once in HubSpot
    emailsSeen.add(p.email);
    p.hubspotId = contactIds.next();
  }
  products.forEach((p, i) => { p.id = i + 1; });
  const productCreated = (p: Product) => goLive + 3 * HOUR + p.key * 11;
  const hsProductCreated = (p: Product) => crmStart + 5 * HOUR + p.key * 13;
  qw.legacy.hubspotId = productIds.next();
  for (const p of products) p.hubspotId = productIds.next();

  const orders = ow.orders;
  orders.forEach((o, i) => { o.id = i + 1; o.name = `S${String(i + 1).padStart(5, '0')}`; });
  let lineId = 1;
  for (const o of orders) for (const l of o.lines) l.id = lineId++;
  const pickings = ow.pickings.slice().sort((a, b) => a.createdAt - b.createdAt || (a.order?.seq ?? 0) - (b.order?.seq ?? 0));
  const seqCounters = new Map<string, number>();
  const nextSeq = (key: string) => { const n = (seqCounters.get(key) ?? 0) + 1; seqCounters.set(key, n); return n; };
  let moveId = 1;
  pickings.forEach((p, i) => {
    p.id = i + 1;
    const kind = p.kind === 'out' ? 'OUT' : 'PICK';
    p.name = `${p.warehouse.code}/${kind}/${String(nextSeq(`${p.warehouse.code}/${kind}`)).padStart(5, '0')}`;
  });
  for (const p of pickings) for (const m of p.moves) m.id = moveId++;
  const mos = ow.mos.slice().sort((a, b) => a.createdAt - b.createdAt || (a.order?.seq ?? 1e6) - (b.order?.seq ?? 1e6));
  mos.forEach((m, i) => {
    m.id = i + 1;
    m.name = `${m.warehouse.code}/MO/${String(nextSeq(`${m.warehouse.code}/MO`)).padStart(5, '0')}`;
    if (m.order) m.origin = m.order.name!;
  });
  const invoices = ow.invoices.slice().sort((a, b) => a.createdAt - b.createdAt || a.order.seq - b.order.seq);
  invoices.forEach((inv, i) => { inv.id = i + 1; });
  const numbered = invoices.filter((i) => i.postedAt !== false).sort((a, b) => (a.postedAt as Sec) - (b.postedAt as Sec) || a.id! - b.id!);
  for (const inv of numbered) {
    const prefix = inv.type === 'out_invoice' ? 'INV' : 'RINV';
    const y = year(inv.invoiceDate as Sec);
    inv.name = `${prefix}/${y}/${String(nextSeq(`${inv.order.company}/${prefix}/${y}`)).padStart(5, '0')}`;
  }
  for (const inv of invoices) if (!inv.name) inv.name = '/';

  // Quotes: numbers per year of creation; HubSpot ids in creation order.
  const quotes = qw.quotes.slice().sort((a, b) => a.createdAt - b.createdAt || (a.order?.seq ?? 1e6) - (b.order?.seq ?? 1e6));
  for (const q of quotes) {
    q.number = `Q-${year(q.createdAt)}-${String(nextSeq(`Q/${year(q.createdAt)}`)).padStart(5, '0')}`;
    q.hubspotId = quoteIds.next();
    if (q.order) q.order.clientRef = q.number;
  }
  for (const deal of qw.deals.slice().sort((a, b) => a.createdAt - b.createdAt || a.customer.key - b.customer.key)) deal.hubspotId = dealIds.next();
  for (const q of quotes) for (const it of q.items) it.hubspotId = itemIds.next();

  // ------------------------------------------------------------ credit limits (after receivables are known)
  const receivable = (c: Customer, company: CompanyId): number => round2(invoices
    .filter((i) => i.order.customer === c && i.order.company === company && i.state === 'posted')
    .reduce((s, i) => s + (i.type === 'out_invoice' ? i.residual : -i.residual), 0));
  const creditRng = root.fork('credit');
  const BASE_LIMIT = { smb: 20_000, mid_market: 60_000, enterprise: 200_000, distributor: 120_000 } as const;
  for (const c of customers) {
    if (c.odoo !== 'yes') continue;
    for (const company of [1, 2] as CompanyId[]) {
      if (c.terms[company] === undefined) continue;
      const r = receivable(c, company);
      if (holdCustomers.includes(c) && company === c.home) {
        c.creditLimit[company] = Math.max(1000, Math.floor((r * 0.6) / 1000) * 1000);
        continue;
      }
      if (creditRng.chance(0.2)) { c.creditLimit[company] = 0; continue; }
      const base = BASE_LIMIT[c.segment] * (company === c.home ? 1 : 0.5);
      c.creditLimit[company] = Math.max(base, Math.ceil((r * 1.6) / 5000) * 5000);
    }
  }

  // ------------------------------------------------------------ Odoo records
  const ts = (created: Sec, written: Sec) => ({ create_date: odooDatetime(created), write_date: odooDatetime(Math.max(created, written)) });
  const install = goLive;
  const records: OdooDataset['records'] = {};
  const put = (model: OdooModelName, rows: StoredRecord[]) => { records[model] = rows.sort((a, b) => a.id - b.id); };

  put('res.currency', CURRENCIES.map((c) => ({ id: c.id, name: c.name, symbol: c.symbol, active: true, ...ts(install - 30 * DAY, install - 30 * DAY) })));
  put('res.company', COMPANIES.map((c) => ({ id: c.id, name: c.name, currency_id: c.currencyId, sequence: c.sequence, account_use_credit_limit: c.useCreditLimit, ...ts(install - 30 * DAY, install + c.id * HOUR) })));
  put('res.users', [
    { id: SANDBOX_ODOO_CREDENTIALS.uid, name: 'Integration Service', login: SANDBOX_ODOO_CREDENTIALS.login, company_id: 1, company_ids: [1, 2], active: true, ...ts(install, install + 2 * DAY) },
    { id: SANDBOX_ODOO_CREDENTIALS.restricted.uid, name: 'Sales Desk Hamburg', login: SANDBOX_ODOO_CREDENTIALS.restricted.login, company_id: 1, company_ids: [1], active: true, ...ts(install + DAY, install + 40 * DAY) },
  ]);
  put('account.payment.term', PAYMENT_TERMS.map((t) => ({ id: t.id, name: t.name, note: t.note, sequence: t.sequence, active: true, company_id: false, ...ts(install, install) })));
  put('product.pricelist', PRICELISTS.map((p) => ({
    id: p.id, name: p.name, currency_id: p.currencyId, company_id: p.companyId, sequence: p.sequence, active: true, x_max_discount: p.maxDiscount,
    ...ts(install + HOUR, install + 90 * DAY + p.id * HOUR),
  })));
  put('account.incoterms', INCOTERMS.map((i) => ({ id: i.id, name: i.name, code: i.code, active: true, ...ts(install - 30 * DAY, install - 30 * DAY) })));
  put('uom.uom', UOMS.map((u) => ({ id: u.id, name: u.name, active: true, ...ts(install - 30 * DAY, install - 30 * DAY) })));
  put('stock.warehouse', WAREHOUSES.map((w) => ({ id: w.id, name: w.name, code: w.code, company_id: w.companyId, sequence: w.sequence, active: true, ...ts(install + w.id * HOUR, install + w.id * HOUR) })));
  put('delivery.carrier', CARRIERS.map((c) => ({ id: c.id, name: c.name, sequence: c.sequence, active: true, ...ts(install + 2 * DAY, install + 2 * DAY) })));

  const orderCount = new Map<Customer, number>();
  for (const o of orders) if (o.state === 'sale') orderCount.set(o.customer, (orderCount.get(o.customer) ?? 0) + 1);
  const partners: StoredRecord[] = [];
  for (const c of customers) {
    if (c.odoo !== 'yes') continue;
    partners.push({
      id: c.odooId!, name: c.name, is_company: true, parent_id: false,
      ref: c.refTarget ? c.refTarget.hubspotId! : false,
      vat: c.vat, email: c.email, phone: c.phone, website: c.website, street: c.street, city: c.city.city, zip: c.city.zip,
      country_code: c.country.code, company_id: c.restrictedTo, customer_rank: Math.max(1, orderCount.get(c) ?? 0), active: c.active,
      property_payment_term_id: companyDependent(c.terms),
      property_product_pricelist: companyDependent(c.pricelists),
      credit_limit: companyDependent(c.creditLimit),
      ...ts(c.odooCreated, c.odooWrite),
    });
    for (const p of c.contacts) {
      const created = personOdooCreated(c, p);
      partners.push({
        id: p.odooId!, name: `${p.first} ${p.last}`, is_company: false, parent_id: c.odooId!, ref: false, vat: false,
        email: p.email, phone: p.phone, website: false, street: c.street, city: c.city.city, zip: c.city.zip,
        country_code: c.country.code, company_id: c.restrictedTo, customer_rank: 0, active: p.active,
        ...ts(created, Math.max(created, p.odooWrite)),
      });
    }
  }
  put('res.partner', partners);

  put('product.product', products.map((p) => ({
    id: p.id!, name: p.name, default_code: p.sku, list_price: p.listPrice, standard_price: companyDependent(p.cost),
    uom_id: p.uomId, type: p.type, is_storable: p.storable, sale_ok: p.saleOk, sale_delay: p.saleDelay, invoice_policy: p.invoicePolicy, produce_delay: p.produceDelay,
    company_id: p.companyId, active: p.active,
    ...ts(productCreated(p), p.active ? spread(root.fork(`pw-${p.key}`), priceChangeAt, now) : priceChangeAt + 40 * DAY),
  })));

  const currencyOf = (company: CompanyId) => COMPANIES.find((c) => c.id === company)!.currencyId;
  put('sale.order', orders.map((o) => ({
    id: o.id!, name: o.name!, state: o.state, locked: o.locked, partner_id: o.customer.odooId!, company_id: o.company,
    currency_id: currencyOf(o.company), pricelist_id: o.pricelistId, payment_term_id: o.termId, incoterm: o.incotermId,
    client_order_ref: o.clientRef, origin: false, date_order: odooDatetime(o.dateOrder), commitment_date: dt(o.commitment),
    // expected_date is not stored in Odoo (it depends on today): the sandbox computes it from the lines.
    effective_date: dt(o.effective),
    amount_untaxed: o.untaxed, amount_tax: o.tax, amount_total: o.total,
    invoice_ids: o.invoices.map((i) => i.id!).sort((a, b) => a - b),
    mrp_production_ids: o.mos.map((m) => m.id!).sort((a, b) => a - b),
    delivery_status: o.deliveryStatus, invoice_status: o.invoiceStatus,
    ...ts(o.createdAt, o.writeAt),
  })));
  put('sale.order.line', orders.flatMap((o) => o.lines.map((l) => ({
    id: l.id!, order_id: o.id!, company_id: o.company, sequence: l.seq, name: `[${l.product.sku}] ${l.product.name}`,
    product_id: l.product.id!, product_uom_qty: l.qty, product_uom: l.product.uomId, customer_lead: l.product.saleDelay, qty_delivered: l.qtyDelivered,
    qty_invoiced: l.qtyInvoiced, price_unit: l.price, discount: l.discount, price_subtotal: l.subtotal, price_total: l.total,
    currency_id: currencyOf(o.company), ...ts(l.createdAt, l.writeAt),
  }))));
  put('stock.picking', pickings.map((p) => ({
    id: p.id!, name: p.name!, state: p.state, priority: p.priority, picking_type_code: p.kind === 'out' ? 'outgoing' : 'internal',
    partner_id: p.order ? p.order.customer.odooId! : false, sale_id: p.order ? p.order.id! : false, company_id: p.warehouse.companyId,
    origin: p.order ? p.order.name! : false, scheduled_date: odooDatetime(p.scheduled), date_deadline: dt(p.deadline), date_done: dt(p.doneAt),
    carrier_id: p.carrier ? p.carrier.id : false, carrier_tracking_ref: p.tracking, ...ts(p.createdAt, p.writeAt),
  })));
  put('stock.move', pickings.flatMap((p) => p.moves.map((m) => ({
    id: m.id!, reference: p.name!, picking_id: p.id!, company_id: p.warehouse.companyId, sequence: m.seq, product_id: m.product.id!,
    product_uom_qty: m.demand, quantity: m.quantity, product_uom: m.product.uomId, state: m.state, ...ts(m.createdAt, m.writeAt),
  }))));
  put('mrp.production', mos.map((m) => ({
    id: m.id!, name: m.name!, priority: m.priority, state: m.state, product_id: m.product.id!, product_qty: m.qty,
    qty_producing: m.qtyProducing, product_uom_id: m.product.uomId, company_id: m.warehouse.companyId, origin: m.origin,
    // The order line the MO was procured for (Odoo 18+ shows it; the version layer hides it before).
    sale_line_id: m.order?.lines.find((l) => l.product === m.product)?.id ?? false,
    date_start: odooDatetime(m.start), date_finished: odooDatetime(m.finish), date_deadline: dt(m.deadline), ...ts(m.createdAt, m.writeAt),
  })));
  put('account.move', invoices.map((i) => ({
    id: i.id!, name: i.name!, move_type: i.type, state: i.state, payment_state: i.paymentState, partner_id: i.order.customer.odooId!,
    company_id: i.order.company, currency_id: currencyOf(i.order.company), date: odooDate(i.accountingDate), invoice_date: d(i.invoiceDate),
    invoice_date_due: odooDate(i.due), invoice_origin: i.order.name!, amount_untaxed: i.untaxed, amount_total: i.total,
    amount_residual: i.residual, invoice_payment_term_id: i.termId, ...ts(i.createdAt, i.writeAt),
  })));

  const stockRows = [...stock.values()]
    .sort((a, b) => a.product.id! - b.product.id! || a.warehouse.id - b.warehouse.id)
    .map((r) => ({ productId: r.product.id!, warehouseId: r.warehouse.id, onHand: r.onHand, forecast: r.forecast, free: r.free }));

  const odoo: OdooDataset = {
    database: ODOO_DATABASE,
    records,
    stock: stockRows,
    users: [
      { uid: SANDBOX_ODOO_CREDENTIALS.uid, login: SANDBOX_ODOO_CREDENTIALS.login, apiKey: SANDBOX_ODOO_CREDENTIALS.apiKey, companyIds: [1, 2], groups: [...ODOO_GROUPS_FULL] },
      {
        uid: SANDBOX_ODOO_CREDENTIALS.restricted.uid, login: SANDBOX_ODOO_CREDENTIALS.restricted.login,
        apiKey: SANDBOX_ODOO_CREDENTIALS.restricted.apiKey, companyIds: [1], groups: [...ODOO_GROUPS_RESTRICTED],
      },
    ],
  };

  // ------------------------------------------------------------ HubSpot objects
  const obj = (id: string, created: Sec, updated: Sec, properties: Record<string, string | null>, archived = false): HubSpotObject => ({
    id, properties, createdAt: isoMs(created), updatedAt: isoMs(Math.max(created, updated)), archived,
  });
  const currencyCode = (company: CompanyId) => COMPANIES.find((c) => c.id === company)!.currency;
  const objects: Record<HubSpotObjectType, HubSpotObject[]> = { companies: [], contacts: [], deals: [], quotes: [], line_items: [], products: [], quote_template: [], notes: [] };
  const associations: HubSpotAssociation[] = [];
  const assoc = (fromType: HubSpotObjectType, fromId: string, toType: HubSpotObjectType, toId: string) => {
    const typeId = (HUBSPOT_ASSOCIATION_TYPES as Record<string, number>)[`${fromType}_to_${toType}`];
    if (typeId === undefined) throw new Error(`no association type ${fromType}→${toType}`);
    associations.push({ fromType, fromId, toType, toId, typeId });
  };

  for (const c of customers) {
    if (c.hubspot !== 'yes') continue;
    const opid = c.opidTarget ? String(c.opidTarget.odoo === 'no' ? '' : c.opidTarget.odooId ?? '') : null;
    objects.companies.push(obj(c.hubspotId!, c.hsCreated, c.hsWrite, {
      name: c.name, domain: c.domain, website: c.website, industry: c.industry, phone: c.hsPhone, city: c.city.city,
      country: c.country.name, hubspot_owner_id: c.ownerId, lifecyclestage: c.lifecycle, segment: c.segment,
      odoo_partner_id: opid === '' ? null : opid,
      // The master-data sync's copy of the VAT: unset until the first customer-master run.
      odoo_tax_id: null,
      createdate: isoMs(c.hsCreated), hs_lastmodifieddate: isoMs(Math.max(c.hsCreated, c.hsWrite)), hs_object_id: c.hubspotId!,
    }));
    for (const p of c.contacts) {
      if (!p.hubspotId || objects.contacts.some((x) => x.id === p.hubspotId)) continue;
      const created = personHsCreated(c, p);
      const updated = Math.max(created, p.hsWrite);
      objects.contacts.push(obj(p.hubspotId, created, updated, {
        firstname: p.first, lastname: p.last, email: p.email, phone: p.phone, jobtitle: p.jobTitle, associatedcompanyid: c.hubspotId!,
        createdate: isoMs(created), lastmodifieddate: isoMs(updated), hs_object_id: p.hubspotId,
      }, !p.active));
      assoc('contacts', p.hubspotId, 'companies', c.hubspotId!);
    }
  }
  const hsProductRng = root.fork('hubspot-products');
  objects.products.push(obj(qw.legacy.hubspotId!, crmStart + 4 * HOUR, crmStart + 4 * HOUR, {
    name: qw.legacy.name, hs_sku: qw.legacy.sku, price: money(qw.legacy.listPrice), description: qw.legacy.description, odoo_product_id: null, odoo_uom: null, odoo_lead_time_days: null,
    createdate: isoMs(crmStart + 4 * HOUR), hs_lastmodifieddate: isoMs(crmStart + 4 * HOUR), hs_object_id: qw.legacy.hubspotId!,
  }));
  for (const p of products) {
    const created = hsProductCreated(p);
    const updated = spread(hsProductRng, Math.max(created, priceChangeAt), now);
    objects.products.push(obj(p.hubspotId!, created, updated, {
      name: p.name, hs_sku: p.sku, price: money(p.listPrice), description: p.description, odoo_product_id: String(p.id),
      // Filled by the first catalog push.
      odoo_uom: null, odoo_lead_time_days: null,
      createdate: isoMs(created), hs_lastmodifieddate: isoMs(updated), hs_object_id: p.hubspotId!,
    }, !p.active));
  }
  for (const deal of qw.deals.slice().sort((a, b) => Number(a.hubspotId) - Number(b.hubspotId))) {
    objects.deals.push(obj(deal.hubspotId!, deal.createdAt, deal.writeAt, {
      dealname: deal.name, dealstage: deal.stage, pipeline: 'default', amount: money(deal.amount), closedate: isoMs(deal.closeAt),
      hubspot_owner_id: deal.customer.ownerId, deal_currency_code: currencyCode(deal.company),
      createdate: isoMs(deal.createdAt), hs_lastmodifieddate: isoMs(Math.max(deal.createdAt, deal.writeAt)), hs_object_id: deal.hubspotId!,
    }));
    assoc('deals', deal.hubspotId!, 'companies', deal.customer.hubspotId!);
    if (deal.contact?.hubspotId) assoc('deals', deal.hubspotId!, 'contacts', deal.contact.hubspotId);
  }
  // The portal's quote templates (made in HubSpot's UI; the API only reads them). Every quote uses the default one.
  for (const t of SANDBOX_QUOTE_TEMPLATES) {
    objects.quote_template.push(obj(t.id, crmStart, crmStart, {
      hs_name: t.name, hs_active: 'true', hs_createdate: isoMs(crmStart), hs_lastmodifieddate: isoMs(crmStart), hs_object_id: t.id,
    }));
  }
  for (const q of quotes) {
    objects.quotes.push(obj(q.hubspotId!, q.createdAt, q.writeAt, {
      hs_title: q.title, hs_status: q.status, hs_expiration_date: odooDate(q.expiration), hs_currency: currencyCode(q.company),
      hs_quote_amount: money(quoteAmount(q)), hubspot_owner_id: q.customer.ownerId, quote_number: q.number!,
      requested_delivery_date: odooDate(q.requestedDelivery), incoterm: q.incoterm,
      odoo_order_id: q.order ? String(q.order.id) : null, odoo_order_ref: q.order ? q.order.name! : null,
      // Seeded approvals were made in HubSpot's own flow: no gateway approval, no discount cover.
      approved_discount_limit: null,
      hs_createdate: isoMs(q.createdAt), hs_lastmodifieddate: isoMs(Math.max(q.createdAt, q.writeAt)), hs_object_id: q.hubspotId!,
    }));
    assoc('quotes', q.hubspotId!, 'deals', q.deal!.hubspotId!);
    assoc('quotes', q.hubspotId!, 'companies', q.customer.hubspotId!);
    assoc('quotes', q.hubspotId!, 'quote_template', SANDBOX_QUOTE_TEMPLATES[0].id);
    if (q.deal!.contact?.hubspotId) assoc('quotes', q.hubspotId!, 'contacts', q.deal!.contact.hubspotId);
    for (const it of q.items) {
      const p = it.product;
      objects.line_items.push(obj(it.hubspotId!, q.createdAt, q.createdAt, {
        name: p.name, quantity: num(it.qty), price: money(it.price), hs_discount_percentage: num(it.discount), discount: null,
        hs_sku: p.sku, hs_product_id: p.hubspotId!, amount: money(itemAmount(it)),
        createdate: isoMs(q.createdAt), hs_lastmodifieddate: isoMs(q.createdAt), hs_object_id: it.hubspotId!,
      }));
      assoc('quotes', q.hubspotId!, 'line_items', it.hubspotId!);
    }
  }
  for (const t of HUBSPOT_OBJECT_TYPES) objects[t].sort((a, b) => a.id.length - b.id.length || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  // The sync engine's properties exist on every deal and company of the portal, unset until it first writes them.
  for (const type of ['deals', 'companies'] as const) {
    for (const o of objects[type]) for (const k of HUBSPOT_PROPERTIES[type]) if (!(k in o.properties)) o.properties[k] = null;
  }
  const hubspot: HubSpotDataset = {
    portalId: SANDBOX_HUBSPOT_PORTAL_ID,
    tokens: [SANDBOX_HUBSPOT_TOKEN],
    objects,
    associations,
    owners: OWNERS.map((o) => ({ id: o.id, email: o.email, firstName: o.firstName, lastName: o.lastName, userId: o.userId, archived: false })),
  };

  // ------------------------------------------------------------ broken references
  const brokenReferences: BrokenReference[] = [];
  for (const c of customers) {
    switch (c.role) {
      case 'hubspot_points_to_missing_partner':
        brokenReferences.push({ kind: c.role, hubspotCompanyId: c.hubspotId!, odooPartnerId: c.odooId!, note: `HubSpot company "${c.name}" has odoo_partner_id ${c.odooId}, a res.partner that no longer exists (deleted in Odoo).` });
        break;
      case 'odoo_points_to_missing_company':
        brokenReferences.push({ kind: c.role, hubspotCompanyId: c.hubspotId!, odooPartnerId: c.odooId!, note: `res.partner ${c.odooId} "${c.name}" has ref ${c.hubspotId}, a HubSpot company that no longer exists (merged or deleted in HubSpot).` });
        break;
      case 'mismatched_pair':
        brokenReferences.push({ kind: c.role, hubspotCompanyId: c.hubspotId!, odooPartnerId: c.odooId!, note: `res.partner ${c.odooId} "${c.name}" points to HubSpot company ${c.hubspotId}, but that company's odoo_partner_id is ${c.opidTarget!.odooId} ("${c.opidTarget!.name}").` });
        break;
      case 'hubspot_missing_reference':
        brokenReferences.push({ kind: c.role, hubspotCompanyId: c.hubspotId!, odooPartnerId: c.odooId!, note: `res.partner ${c.odooId} "${c.name}" points to HubSpot company ${c.hubspotId}, which has no odoo_partner_id.` });
        break;
      case 'duplicate_reference':
        brokenReferences.push({ kind: c.role, hubspotCompanyId: c.refTarget!.hubspotId!, odooPartnerId: c.odooId!, note: `res.partner ${c.odooId} "${c.name}" is a re-typed duplicate: its ref ${c.refTarget!.hubspotId} is also held by res.partner ${c.refTarget!.odooId} "${c.refTarget!.name}", the partner the HubSpot company points to.` });
        break;
      default:
        break;
    }
  }

  // ------------------------------------------------------------ demo refs
  const demoOrder = ow.demo;
  const demoQuote = quotes.find((q) => q.order === demoOrder)!;
  const pumpLine = demoOrder.lines.find((l) => l.product.manufactured)!;
  const approved = qw.tagged.approvedDemo!;
  const hold1 = holdCustomers.find((h) => h.home === 1)!;
  const tag = (t: string) => qw.tagged[t]!.number!;
  const account = (c: Customer): AccountRef => ({ name: c.name, odooId: c.odoo === 'yes' ? c.odooId! : null, hubspotId: c.hubspot === 'yes' ? c.hubspotId! : null });
  const dual = customers.find((c) => c.role === 'linked' && c.active && c.key !== demoCustomer.key && c.terms[1] !== undefined && c.terms[2] !== undefined && c.restrictedTo === false
    && c.terms[1] !== c.terms[2] && (c.creditLimit[1] ?? 0) > 0 && (c.creditLimit[2] ?? 0) > 0 && c.creditLimit[1] !== c.creditLimit[2])!;
  const restricted = customers.find((c) => c.role === 'linked' && c.restrictedTo !== false)!;
  const demo: DemoRefs = {
    orderNumber: demoOrder.name!,
    orderId: demoOrder.id!,
    orderCompanyId: demoOrder.company,
    accountId: accountIdFor({ crmId: demoCustomer.hubspotId!, odooId: demoCustomer.odooId! }),
    accountName: demoCustomer.name,
    accountOdooId: demoCustomer.odooId!,
    accountHubSpotId: demoCustomer.hubspotId!,
    ownerHubSpotId: demoCustomer.ownerId,
    quoteNumber: demoQuote.number!,
    quoteHubSpotId: demoQuote.hubspotId!,
    dealHubSpotId: demoQuote.deal!.hubspotId!,
    productSku: pumpLine.product.sku,
    productOdooId: pumpLine.product.id!,
    productHubSpotId: pumpLine.product.hubspotId!,
    pickingDoneName: demoOrder.pickings.find((p) => p.state === 'done')!.name!,
    pickingAssignedName: demoOrder.pickings.find((p) => p.state === 'assigned')!.name!,
    invoiceNumber: demoOrder.invoices.find((i) => i.state === 'posted' && i.paymentState === 'partial')!.name!,
    productionName: demoOrder.mos.find((m) => m.state === 'progress')!.name!,
    approvedQuote: {
      quoteNumber: approved.number!, quoteHubSpotId: approved.hubspotId!, dealHubSpotId: approved.deal!.hubspotId!,
      accountName: approved.customer.name, accountOdooId: approved.customer.odooId!, accountHubSpotId: approved.customer.hubspotId!,
      companyId: approved.company, warehouseId: WAREHOUSES.find((w) => w.code === 'WH')!.id,
      lines: approved.items.map((it) => ({
        sku: it.product.sku, productOdooId: (it.product as Product).id!, quantity: it.qty, price: it.price, discount: it.discount,
      })),
    },
    creditHold: {
      accountName: hold1.name, accountOdooId: hold1.odooId!, accountHubSpotId: hold1.hubspotId!, companyId: 1,
      currency: 'EUR', creditLimit: hold1.creditLimit[1]!, credit: receivable(hold1, 1), quoteNumber: tag('creditHold'),
    },
    exceptionQuotes: {
      prospectWithoutOdooAccount: tag('prospectWithoutOdooAccount'), missingReference: tag('missingReference'),
      mismatchedPair: tag('mismatchedPair'), outdatedPrice: tag('outdatedPrice'), unknownSku: tag('unknownSku'),
      inactiveProduct: tag('inactiveProduct'), discountOverLimit: tag('discountOverLimit'),
    },
    unknownSku: qw.legacy.sku,
    dualCompanyAccount: {
      ...account(dual),
      paymentTermIds: companyDependent(dual.terms), pricelistIds: companyDependent(dual.pricelists), creditLimits: companyDependent(dual.creditLimit),
    },
    archivedAccount: account(customers.find((c) => c.role === 'linked' && !c.active)!),
    companyRestrictedAccount: { ...account(restricted), companyId: restricted.restrictedTo as CompanyId },
    odooOnlyAccount: account(customers.find((c) => c.role === 'odoo_only')!),
    prospectAccount: account(qw.tagged.prospectWithoutOdooAccount!.customer),
    phoneDriftHubSpotIds: customers.filter((c) => c.hubspot === 'yes' && c.odoo === 'yes' && c.hsPhone !== c.phone).map((c) => c.hubspotId!),
    startedOrderNumber: orders.find((o) => o.flags.has('started'))!.name!,
  };

  return { odoo, hubspot, brokenReferences, demo };
}

function personBase(c: Customer): Sec {
  return Math.min(c.odooCreated, c.hsCreated);
}
function personOdooCreated(c: Customer, p: Person): Sec {
  return c.odooCreated + Math.max(MINUTE, p.createdAt - personBase(c));
}
function personHsCreated(c: Customer, p: Person): Sec {
  return c.hsCreated + Math.max(MINUTE, p.createdAt - personBase(c));
}

export type { OInvoice, OOrder, HQuote };
