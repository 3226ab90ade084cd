// Sales orders and everything that follows from them in Odoo: deliveries (with
// backorders and Leipzig's pick+ship), manufacturing orders, customer invoices,
// credit notes and payments. Each order is *simulated* on a timeline anchored at
// `now`, so states, quantities and dates agree with each other by construction:
// qty_delivered = done outgoing moves, qty_invoiced = non-cancelled invoices minus
// refunds, delivery/invoice status follow Odoo's own rules.
import {
  CARRIERS, DEFAULT_INCOTERM, PAYMENT_TERMS, PRICELISTS, TAX_RATES, WAREHOUSES, incotermId, pricelistFor,
  type Carrier, type CompanyId, type Warehouse,
} from './catalog.ts';
import type { Customer } from './customers.ts';
import { deliveryStatus } from '../odoo/compute/delivery-status.ts';
import { lineInvoiceStatus as computeLineInvoiceStatus, orderInvoiceStatus } from '../odoo/compute/invoice-status.ts';
import { lineQuantity, sellable, type Product } from './products.ts';
import type { Rng } from './prng.ts';
import { DAY, HOUR, MINUTE, dayStart, workTime, type Sec } from './time.ts';

export type SaleState = 'draft' | 'sent' | 'sale' | 'cancel';
export type PickingState = 'draft' | 'waiting' | 'confirmed' | 'assigned' | 'done' | 'cancel';
export type MoveState = 'draft' | 'waiting' | 'confirmed' | 'partially_available' | 'assigned' | 'done' | 'cancel';
export type MoState = 'draft' | 'confirmed' | 'progress' | 'to_close' | 'done' | 'cancel';
export type PaymentState = 'not_paid' | 'in_payment' | 'paid' | 'partial' | 'reversed' | 'blocked' | 'invoicing_legacy';

export const round2 = (x: number): number => Math.round(x * 100) / 100;

export interface OLine {
  order: OOrder;
  seq: number;
  product: Product;
  qty: number;
  price: number;
  discount: number;
  subtotal: number;
  total: number;
  qtyDelivered: number;
  qtyInvoiced: number;
  createdAt: Sec;
  writeAt: Sec;
  id?: number;
}

export interface OMove {
  picking: OPicking;
  seq: number;
  product: Product;
  demand: number;
  quantity: number;
  state: MoveState;
  createdAt: Sec;
  writeAt: Sec;
  id?: number;
}

export interface OPicking {
  order: OOrder | null;
  kind: 'out' | 'pick';
  warehouse: Warehouse;
  state: PickingState;
  priority: '0' | '1';
  createdAt: Sec;
  writeAt: Sec;
  scheduled: Sec;
  deadline: Sec | false;
  doneAt: Sec | false;
  carrier: Carrier | null;
  tracking: string | false;
  moves: OMove[];
  name?: string;
  id?: number;
}

export interface OMo {
  order: OOrder | null;
  origin: string | false;
  warehouse: Warehouse;
  product: Product;
  qty: number;
  qtyProducing: number;
  state: MoState;
  priority: '0' | '1';
  createdAt: Sec;
  writeAt: Sec;
  start: Sec;
  finish: Sec;
  deadline: Sec | false;
  name?: string;
  id?: number;
}

export interface OInvoice {
  order: OOrder;
  type: 'out_invoice' | 'out_refund';
  state: 'draft' | 'posted' | 'cancel';
  paymentState: PaymentState;
  createdAt: Sec;
  writeAt: Sec;
  /** When it got its number (posting); false for drafts that were never posted. */
  postedAt: Sec | false;
  invoiceDate: Sec | false;
  accountingDate: Sec;
  due: Sec;
  items: Array<{ line: OLine; qty: number }>;
  untaxed: number;
  total: number;
  residual: number;
  termId: number;
  name?: string;
  id?: number;
}

export interface QuoteLink {
  /** Filled by the quote builder. */
  quoteNumber?: string;
  quoteCreatedAt: Sec;
}

export interface OOrder {
  seq: number;
  customer: Customer;
  company: CompanyId;
  createdAt: Sec;
  writeAt: Sec;
  state: SaleState;
  locked: boolean;
  confirmAt: Sec | false;
  dateOrder: Sec;
  commitment: Sec | false;
  expected: Sec | false;
  effective: Sec | false;
  incotermId: number | false;
  carrier: Carrier | null;
  pricelistId: number;
  termId: number;
  clientRef: string | false;
  warehouse: Warehouse;
  lines: OLine[];
  pickings: OPicking[];
  mos: OMo[];
  invoices: OInvoice[];
  deliveryStatus: 'pending' | 'started' | 'partial' | 'full' | false;
  invoiceStatus: 'upselling' | 'invoiced' | 'to invoice' | 'no';
  untaxed: number;
  tax: number;
  total: number;
  flags: Set<string>;
  quote?: QuoteLink;
  name?: string;
  id?: number;
}

export interface OrderWorld {
  orders: OOrder[];
  pickings: OPicking[];
  mos: OMo[];
  invoices: OInvoice[];
  /** The order that becomes S00042. */
  demo: OOrder;
  holdCustomers: Customer[];
}

const FAMILY_WEIGHT: Record<string, number> = { PMP: 3, VLV: 3, GBX: 2, MOT: 3, CAB: 1, SNS: 3, SPR: 4, SRV: 1.5 };
export const ORDER_COUNT = 200;
export const DEMO_ORDER_INDEX = 41; // → S00042

const WH = (code: string) => WAREHOUSES.find((w) => w.code === code)!;

/** List price at a moment: prices rose 4% at the start of `now`'s year. */
export function priceAt(p: Product, at: Sec, priceChangeAt: Sec): number {
  return at < priceChangeAt ? round2(p.listPrice / 1.04) : p.listPrice;
}

export function lineAmounts(companyId: CompanyId, qty: number, price: number, discount: number) {
  const subtotal = round2(qty * price * (1 - discount / 100));
  const tax = round2(subtotal * TAX_RATES[companyId]);
  return { subtotal, total: round2(subtotal + tax) };
}

function pickDiscount(rng: Rng, pricelistId: number): number {
  const max = PRICELISTS.find((p) => p.id === pricelistId)!.maxDiscount;
  if (rng.chance(0.55)) return 0;
  return rng.pick([2, 3, 5, 7.5, 10, 12.5, 15, 20, 25].filter((d) => d <= max));
}

function trackingRef(rng: Rng, c: Carrier): string {
  switch (c.tracking) {
    case 'dhl': return `JJD00${rng.digits(16)}`;
    case 'schenker': return `DBS${rng.digits(10)}`;
    case 'kn': return `KN${rng.digits(9)}`;
    case 'ups': return `1Z${rng.digits(3)}E${rng.digits(2)}${rng.digits(10)}`;
    case 'fedex': return rng.digits(12);
    default: return `XPO${rng.digits(9)}`;
  }
}

export interface OrderCtx {
  rng: Rng;
  now: Sec;
  goLive: Sec;
  priceChangeAt: Sec;
  products: Product[];
  customers: Customer[];
}

// ---------------------------------------------------------------- slots

function eligible(c: Customer, company: CompanyId, t: Sec): boolean {
  return (
    c.odoo === 'yes' && c.active && c.role !== 'prospect' && c.terms[company] !== undefined &&
    (c.restrictedTo === false || c.restrictedTo === company) && c.odooCreated < t - DAY
  );
}

function customerWeight(c: Customer, company: CompanyId): number {
  const home = c.home === company ? 1 : 0.35;
  switch (c.role) {
    case 'linked': return home;
    case 'odoo_only': return 0.8 * home;
    case 'duplicate_reference': return 0.3;
    default: return 0.6 * home;
  }
}

function makeLines(ctx: OrderCtx, rng: Rng, o: OOrder, n: number): void {
  const pool = sellable(ctx.products, o.company);
  const chosen: Product[] = [];
  for (let guard = 0; chosen.length < n && guard < 50; guard++) {
    const p = rng.weighted(pool.map((x) => [x, FAMILY_WEIGHT[x.family] ?? 1] as const));
    if (!chosen.includes(p)) chosen.push(p);
  }
  o.lines = [];
  for (const p of chosen) addLine(ctx, rng, o, p, lineQuantity(rng, p));
}

export function addLine(ctx: OrderCtx, rng: Rng, o: OOrder, p: Product, qty: number, discount?: number, price?: number): OLine {
  const line: OLine = {
    order: o, seq: (o.lines.length + 1) * 10, product: p, qty,
    price: price ?? priceAt(p, o.createdAt, ctx.priceChangeAt),
    discount: discount ?? pickDiscount(rng, o.pricelistId),
    subtotal: 0, total: 0, qtyDelivered: 0, qtyInvoiced: 0,
    createdAt: o.createdAt, writeAt: o.createdAt,
  };
  o.lines.push(line);
  return line;
}

function newOrder(ctx: OrderCtx, rng: Rng, seq: number, createdAt: Sec, company: CompanyId, customer: Customer): OOrder {
  const pricelistId = customer.pricelists[company] ?? pricelistFor(company, 'standard').id;
  const incoCode = rng.chance(0.15) ? null : rng.chance(0.75) ? DEFAULT_INCOTERM[customer.country.code] ?? 'FCA' : rng.pick(['EXW', 'FCA', 'DAP', 'CPT', 'DDP']);
  const carriers = CARRIERS.filter((c) => (c.companies as readonly number[]).includes(company));
  return {
    seq, customer, company, createdAt, writeAt: createdAt,
    state: 'draft', locked: false, confirmAt: false, dateOrder: createdAt,
    commitment: false, expected: false, effective: false,
    incotermId: incoCode ? incotermId(incoCode) : false,
    carrier: incoCode === 'EXW' ? null : rng.pick(carriers),
    pricelistId,
    termId: customer.terms[company]!,
    clientRef: rng.chance(0.5) ? rng.pick([`PO-45${rng.digits(8)}`, `4500${rng.digits(6)}`, `BE-${rng.digits(6)}`]) : false,
    warehouse: company === 2 ? WH('CLT') : WH('WH'),
    lines: [], pickings: [], mos: [], invoices: [],
    deliveryStatus: false, invoiceStatus: 'no', untaxed: 0, tax: 0, total: 0,
    flags: new Set(),
  };
}

/** Creates the order slots (customer, company, lines, state) before any simulation. */
function makeSlots(ctx: OrderCtx): OOrder[] {
  const rng = ctx.rng.fork('slots');
  const start = ctx.goLive + 20 * DAY;
  const end = ctx.now - 3 * HOUR;
  const times = Array.from({ length: ORDER_COUNT }, () => start + Math.floor((end - start) * Math.pow(rng.next(), 0.6)))
    .sort((a, b) => a - b)
    .map((t, i) => t + i); // strictly increasing
  const orders: OOrder[] = [];
  times.forEach((t, i) => {
    let company: CompanyId = rng.chance(0.7) ? 1 : 2;
    let pool = ctx.customers.filter((c) => eligible(c, company, t));
    if (!pool.length) {
      company = company === 1 ? 2 : 1;
      pool = ctx.customers.filter((c) => eligible(c, company, t));
    }
    const customer = rng.weighted(pool.map((c) => [c, customerWeight(c, company)] as const));
    const o = newOrder(ctx, rng, i, t, company, customer);
    const age = ctx.now - t;
    o.state = age < 30 * DAY
      ? rng.weighted<SaleState>([['draft', 30], ['sent', 25], ['sale', 40], ['cancel', 5]])
      : age < 90 * DAY
        ? rng.weighted<SaleState>([['draft', 10], ['sent', 12], ['sale', 68], ['cancel', 10]])
        : rng.weighted<SaleState>([['draft', 3], ['sent', 4], ['sale', 80], ['cancel', 13]]);
    makeLines(ctx, rng, o, rng.weighted([[1, 3], [2, 4], [3, 4], [4, 3], [5, 2], [6, 1]]));
    orders.push(o);
  });
  return orders;
}

// ---------------------------------------------------------------- specials

function ensureProduct(ctx: OrderCtx, rng: Rng, o: OOrder, test: (p: Product) => boolean, qty?: (p: Product) => number): OLine {
  const existing = o.lines.find((l) => test(l.product));
  if (existing) return existing;
  const p = rng.pick(sellable(ctx.products, o.company).filter(test));
  return addLine(ctx, rng, o, p, qty ? qty(p) : lineQuantity(rng, p));
}

function assignSpecials(ctx: OrderCtx, orders: OOrder[], holdCustomers: Customer[]): void {
  const rng = ctx.rng.fork('specials');
  const age = (o: OOrder) => ctx.now - o.createdAt;
  const taken = new Set<OOrder>([orders[DEMO_ORDER_INDEX]!]);
  const choose = (n: number, filter: (o: OOrder) => boolean): OOrder[] => {
    const pool = orders.filter((o) => !taken.has(o) && filter(o));
    const picked = rng.sample(pool, n);
    for (const o of picked) taken.add(o);
    return picked;
  };
  const inWindow = (lo: number, hi: number) => (o: OOrder) => age(o) >= lo * DAY && age(o) <= hi * DAY;
  const manufacturedHere = (o: OOrder) => (p: Product) => p.manufactured && p.family !== 'CAB';

  for (const o of choose(1, (o) => inWindow(5, 30)(o) && o.company === 1)) {
    o.flags.add('started');
    o.state = 'sale';
    o.lines = o.lines.filter((l) => l.product.storable);
    if (!o.lines.length) ensureProduct(ctx, rng, o, (p) => p.family === 'MOT');
  }
  for (const flag of ['moProgress', 'moToClose', 'moConfirmed', 'moProgress2']) {
    for (const o of choose(1, inWindow(6, 40))) {
      o.flags.add(flag.replace(/2$/, ''));
      o.state = 'sale';
      ensureProduct(ctx, rng, o, manufacturedHere(o), () => rng.int(2, 4));
      // Made to order only: the delivery waits for the manufacturing order ("Waiting Another Operation").
      if (flag === 'moConfirmed') o.lines = o.lines.filter((l) => l.product.manufactured);
    }
  }
  for (const o of choose(1, inWindow(60, 150))) {
    // Delivered, not yet invoiced (invoice status "to invoice").
    o.flags.add('toInvoice');
    o.flags.add('clean');
    o.flags.add('noCommitment');
    o.state = 'sale';
    ensureProduct(ctx, rng, o, (p) => p.storable && !p.manufactured);
  }
  for (const o of choose(2, inWindow(20, 300))) {
    o.flags.add('cancelConfirmed');
    o.state = 'cancel';
    ensureProduct(ctx, rng, o, manufacturedHere(o));
  }
  for (const o of choose(1, (o) => inWindow(3, 20)(o) && o.company === 1)) {
    o.flags.add('shortPicking');
    o.state = 'sale';
    o.lines = o.lines.filter((l) => l.product.storable && !l.product.manufactured);
    if (!o.lines.length) ensureProduct(ctx, rng, o, (p) => p.family === 'VLV');
  }
  for (const o of choose(2, inWindow(8, 60))) {
    o.flags.add('draftPicking');
    o.state = 'sale';
    ensureProduct(ctx, rng, o, (p) => p.family === 'SPR' && p.storable);
  }
  for (const o of choose(2, inWindow(15, 60))) {
    o.flags.add('draftInvoice');
    o.state = 'sale';
    ensureProduct(ctx, rng, o, (p) => p.type === 'service');
  }
  for (const o of choose(2, inWindow(150, 450))) {
    o.flags.add('reversal');
    o.state = 'sale';
  }
  for (const o of choose(1, inWindow(150, 450))) {
    o.flags.add('cancelInvoice');
    o.state = 'sale';
  }
  for (const o of choose(1, inWindow(120, 450))) {
    o.flags.add('upsell');
    o.state = 'sale';
    ensureProduct(ctx, rng, o, (p) => p.type === 'service' && /hour|Engineering/.test(p.name), () => rng.int(8, 24));
  }
  // Orders of the customers on credit hold: delivered and invoiced, never paid.
  for (const hold of holdCustomers) {
    const n = hold.home === 1 ? 3 : 2;
    for (const o of choose(n, (o) => inWindow(60, 170)(o) && o.company === hold.home && eligible(hold, o.company, o.createdAt))) {
      o.flags.add('clean');
      o.flags.add('noCommitment');
      o.state = 'sale';
      reassign(o, hold);
    }
  }
  // Old orders that must end fully delivered and invoiced.
  for (const o of orders) if (o.flags.has('reversal') || o.flags.has('cancelInvoice') || o.flags.has('upsell')) o.flags.add('clean');
}

function reassign(o: OOrder, c: Customer): void {
  o.customer = c;
  o.pricelistId = c.pricelists[o.company] ?? pricelistFor(o.company, 'standard').id;
  o.termId = c.terms[o.company]!;
  const max = PRICELISTS.find((p) => p.id === o.pricelistId)!.maxDiscount;
  for (const l of o.lines) if (l.discount > max) l.discount = max;
}

// ---------------------------------------------------------------- simulation

interface Readiness {
  line: OLine;
  /** Quantity reservable at confirmation. */
  availNow: number;
  /** When the (rest of the) quantity is available. */
  readyAt: Sec;
  mo?: OMo;
}

function moStateAt(mo: OMo, closeAt: Sec, now: Sec): void {
  if (now < mo.start) {
    mo.state = 'confirmed';
    mo.qtyProducing = 0;
    mo.writeAt = mo.createdAt;
  } else if (now < mo.finish) {
    mo.state = 'progress';
    const frac = (now - mo.start) / (mo.finish - mo.start);
    mo.qtyProducing = mo.qty >= 2 ? Math.min(mo.qty - 1, Math.max(1, Math.floor(mo.qty * frac))) : 0;
    mo.writeAt = Math.max(mo.createdAt, mo.start + Math.floor((now - mo.start) / 2));
  } else if (now < closeAt) {
    mo.state = 'to_close';
    mo.qtyProducing = mo.qty;
    mo.writeAt = mo.finish;
  } else {
    mo.state = 'done';
    mo.qtyProducing = mo.qty;
    mo.finish = closeAt;
    mo.writeAt = closeAt;
  }
}

function newPicking(o: OOrder, kind: 'out' | 'pick', wh: Warehouse, createdAt: Sec, scheduled: Sec, rng: Rng): OPicking {
  return {
    order: o, kind, warehouse: wh, state: 'draft', priority: rng.chance(0.1) ? '1' : '0',
    createdAt, writeAt: createdAt, scheduled, deadline: o.commitment, doneAt: false,
    carrier: kind === 'out' ? o.carrier : null, tracking: false, moves: [],
  };
}

function addMove(p: OPicking, product: Product, demand: number, quantity: number, state: MoveState, at: Sec): OMove {
  const m: OMove = { picking: p, seq: (p.moves.length + 1) * 10, product, demand, quantity, state, createdAt: p.createdAt, writeAt: at };
  p.moves.push(m);
  return m;
}

function pickingStateFromMoves(p: OPicking): PickingState {
  const s = p.moves.map((m) => m.state);
  if (s.every((x) => x === 'cancel')) return 'cancel';
  if (s.every((x) => x === 'done' || x === 'cancel')) return 'done';
  if (s.some((x) => x === 'assigned' || x === 'partially_available')) return 'assigned';
  if (s.some((x) => x === 'confirmed')) return 'confirmed';
  if (s.some((x) => x === 'waiting')) return 'waiting';
  return 'draft';
}

function markDone(p: OPicking, at: Sec, rng: Rng): void {
  p.state = 'done';
  p.doneAt = at;
  p.writeAt = at;
  for (const m of p.moves) {
    m.state = 'done';
    m.quantity = m.demand;
    m.writeAt = at;
  }
  if (p.carrier && p.kind === 'out') p.tracking = trackingRef(rng, p.carrier);
}

export interface PlanOverrides {
  confirmAt?: Sec;
  commitment?: Sec | false;
  /** Per line seq: readiness overrides. */
  ready?: Record<number, { availNow?: number; readyAt?: Sec; mo?: { start: Sec; finish: Sec; closeAt: Sec } | false }>;
  firstShipAt?: Sec;
  secondShipAt?: Sec;
  invoiceLag?: number;
}

/** Simulates one confirmed order up to `now`. */
function simulateSale(ctx: OrderCtx, rng: Rng, o: OOrder, ov: PlanOverrides = {}): void {
  const now = ctx.now;
  const confirmAt = ov.confirmAt ?? Math.min(
    o.createdAt + (o.quote ? rng.int(10 * MINUTE, 2 * HOUR) : o.flags.size ? rng.int(HOUR, 20 * HOUR) : rng.int(HOUR, 10 * DAY)),
    o.createdAt + Math.floor((now - o.createdAt) / 2),
  );
  o.confirmAt = confirmAt;
  o.dateOrder = confirmAt;
  const goods = o.lines.filter((l) => l.product.storable);
  const services = o.lines.filter((l) => !l.product.storable);
  const minDelay = Math.min(...o.lines.map((l) => l.product.saleDelay));
  o.expected = confirmAt + minDelay * DAY;
  if (o.company === 1 && !o.flags.size && !o.quote && rng.chance(0.22)) o.warehouse = WH('LPZ');
  if (o.flags.has('started')) o.warehouse = WH('LPZ');
  const wh = o.warehouse;
  const maxLead = Math.max(0, ...goods.map((l) => l.product.saleDelay + (wh.manufactures && l.product.manufactured ? l.product.produceDelay + 5 : 0)));
  o.commitment = ov.commitment !== undefined ? ov.commitment : o.flags.has('noCommitment') ? false : rng.chance(0.6) ? workTime(rng, confirmAt + (maxLead + rng.int(0, 21)) * DAY) : false;
  const scheduled = o.commitment || o.expected;

  // Readiness of each goods line.
  const ready: Readiness[] = goods.map((line) => {
    const forced = ov.ready?.[line.seq];
    const p = line.product;
    const wantsMo = forced?.mo !== undefined ? forced.mo !== false
      : wh.manufactures && p.manufactured && (o.flags.has('moProgress') || o.flags.has('moToClose') || o.flags.has('moConfirmed') || rng.chance(0.75));
    if (wantsMo && wh.manufactures) {
      const moDef = forced?.mo || undefined;
      let start = moDef?.start ?? workTime(rng, confirmAt + rng.int(1, 3) * DAY);
      let finish = moDef?.finish ?? start + Math.max(DAY, Math.round(p.produceDelay * rng.float(0.9, 1.4) * DAY));
      let closeAt = moDef?.closeAt ?? finish + rng.int(2 * HOUR, 2 * DAY);
      if (!moDef) {
        if (o.flags.has('moProgress')) { start = Math.max(confirmAt + HOUR, now - rng.int(1, 3) * DAY); finish = now + rng.int(3, 8) * DAY; closeAt = finish + DAY; }
        if (o.flags.has('moToClose')) { start = Math.max(confirmAt + HOUR, now - rng.int(6, 12) * DAY); finish = Math.max(start + HOUR, now - rng.int(4, 20) * HOUR); closeAt = now + 2 * DAY; }
        if (o.flags.has('moConfirmed')) { start = now + rng.int(2, 6) * DAY; finish = start + Math.max(DAY, p.produceDelay * DAY); closeAt = finish + DAY; }
      }
      const mo: OMo = {
        order: o, origin: false, warehouse: wh, product: p, qty: line.qty, qtyProducing: 0, state: 'confirmed',
        priority: o.commitment && rng.chance(0.2) ? '1' : '0', createdAt: confirmAt + rng.int(1, 30), writeAt: confirmAt,
        start, finish, deadline: scheduled,
      };
      moStateAt(mo, closeAt, now);
      o.mos.push(mo);
      return { line, availNow: 0, readyAt: closeAt, mo };
    }
    const short = forced?.readyAt !== undefined ? forced.readyAt > confirmAt
      : o.flags.has('shortPicking') || (!o.flags.has('clean') && wh.code !== 'LPZ' && rng.chance(0.14));
    if (short) {
      const availNow = forced?.availNow ?? (o.flags.has('shortPicking') || line.qty < 2 ? 0 : Math.floor(line.qty * rng.float(0.3, 0.7)));
      // Supplier delays: most restock within weeks, some backorders drag on for months.
      const readyAt = forced?.readyAt ?? (o.flags.has('shortPicking')
        ? now + rng.int(3, 15) * DAY
        : confirmAt + (p.saleDelay + (rng.chance(0.3) ? rng.int(40, 150) : rng.int(5, 25))) * DAY);
      return { line, availNow, readyAt };
    }
    return { line, availNow: line.qty, readyAt: confirmAt };
  });

  // Deliveries.
  const doneQty = new Map<OLine, number>();
  const shipTimes: Sec[] = [];
  if (goods.length && wh.twoStep) {
    let tp = workTime(rng, Math.max(confirmAt + 2 * HOUR, scheduled - 3 * DAY));
    let tout = workTime(rng, tp + rng.int(4 * HOUR, 2 * DAY));
    if (o.flags.has('started')) {
      tp = Math.max(confirmAt + HOUR, now - rng.int(20 * HOUR, 2 * DAY));
      tout = now + 2 * DAY;
    }
    const pick = newPicking(o, 'pick', wh, confirmAt + 5, scheduled, rng);
    const out = newPicking(o, 'out', wh, confirmAt + 6, scheduled, rng);
    for (const r of ready) {
      addMove(pick, r.line.product, r.line.qty, r.line.qty, 'assigned', confirmAt);
      addMove(out, r.line.product, r.line.qty, 0, 'waiting', confirmAt);
    }
    if (tp <= now) {
      markDone(pick, tp, rng);
      if (tout <= now) {
        markDone(out, tout, rng);
        for (const r of ready) doneQty.set(r.line, r.line.qty);
        shipTimes.push(tout);
      } else {
        for (const m of out.moves) { m.state = 'assigned'; m.quantity = m.demand; m.writeAt = tp; }
        out.state = 'assigned';
        out.writeAt = tp;
      }
    } else {
      pick.state = 'assigned';
    }
    if (out.state !== 'done' && out.state !== 'assigned') out.state = pickingStateFromMoves(out);
    o.pickings.push(pick, out);
  } else if (goods.length) {
    const firstReady = Math.min(...ready.map((r) => (r.availNow > 0 ? confirmAt : r.readyAt)));
    const t1 = ov.firstShipAt ?? workTime(rng, Math.max(firstReady, scheduled - 2 * DAY) + rng.int(2 * HOUR, 30 * HOUR));
    const ship1 = new Map<OLine, number>();
    for (const r of ready) ship1.set(r.line, r.readyAt <= t1 ? r.line.qty : r.availNow);
    const rest = ready.filter((r) => r.line.qty - ship1.get(r.line)! > 0);
    const t2 = rest.length ? ov.secondShipAt ?? workTime(rng, Math.max(...rest.map((r) => r.readyAt)) + rng.int(4 * HOUR, 2 * DAY)) : Infinity;
    const p1 = newPicking(o, 'out', wh, confirmAt + 5, scheduled, rng);
    o.pickings.push(p1);
    const moveStateNow = (r: Readiness, inFirst: boolean): { state: MoveState; quantity: number; at: Sec } => {
      if (r.mo) return r.readyAt <= now ? { state: 'assigned', quantity: -1, at: r.readyAt } : { state: 'waiting', quantity: 0, at: confirmAt };
      if (r.readyAt <= now) return { state: 'assigned', quantity: -1, at: r.readyAt };
      if (inFirst && r.availNow > 0) return { state: 'partially_available', quantity: r.availNow, at: confirmAt };
      return { state: 'confirmed', quantity: 0, at: confirmAt };
    };
    if (t1 <= now) {
      for (const r of ready) {
        const q = ship1.get(r.line)!;
        if (q > 0) addMove(p1, r.line.product, q, q, 'done', t1);
      }
      markDone(p1, t1, rng);
      for (const [l, q] of ship1) if (q > 0) doneQty.set(l, q);
      shipTimes.push(t1);
      if (rest.length) {
        const p2 = newPicking(o, 'out', wh, t1 + 1, scheduled, rng);
        o.pickings.push(p2);
        for (const r of rest) {
          const q = r.line.qty - ship1.get(r.line)!;
          const s = moveStateNow(r, false);
          addMove(p2, r.line.product, q, s.quantity < 0 ? q : s.quantity, s.state, Math.max(t1, Math.min(now, s.at)));
        }
        if (t2 <= now) {
          markDone(p2, t2, rng);
          for (const r of rest) doneQty.set(r.line, r.line.qty);
          shipTimes.push(t2);
        } else {
          p2.state = pickingStateFromMoves(p2);
          p2.writeAt = Math.max(p2.createdAt, ...p2.moves.map((m) => m.writeAt));
        }
      }
    } else {
      for (const r of ready) {
        const s = moveStateNow(r, true);
        addMove(p1, r.line.product, r.line.qty, s.quantity < 0 ? r.line.qty : s.quantity, s.state, Math.min(now, Math.max(confirmAt, s.at)));
      }
      p1.state = pickingStateFromMoves(p1);
      p1.writeAt = Math.max(p1.createdAt, ...p1.moves.map((m) => m.writeAt));
    }
  }
  if (o.flags.has('draftPicking')) {
    const spare = o.lines.find((l) => l.product.family === 'SPR' && l.product.storable) ?? goods[0]!;
    const at = now - rng.int(1, 3) * DAY;
    const p = newPicking(o, 'out', wh, at, at + 3 * DAY, rng);
    p.deadline = false;
    addMove(p, spare.product, 1, 0, 'draft', at);
    p.state = 'draft';
    o.pickings.push(p);
  }
  for (const [l, q] of doneQty) l.qtyDelivered = q;
  const allGoodsDelivered = goods.every((l) => l.qtyDelivered >= l.qty);
  const lastShip = shipTimes.length ? Math.max(...shipTimes) : false;
  for (const s of services) {
    const doneAt = goods.length ? (allGoodsDelivered && lastShip ? lastShip : false) : confirmAt + 14 * DAY <= now ? confirmAt + 14 * DAY : false;
    if (doneAt !== false) {
      s.qtyDelivered = s.qty + (o.flags.has('upsell') ? rng.int(2, 6) : 0);
      s.writeAt = doneAt;
    }
  }
  const outDone = o.pickings.filter((p) => p.kind === 'out' && p.state === 'done').map((p) => p.doneAt as Sec);
  o.effective = outDone.length ? Math.min(...outDone) : false;

  // Invoicing: services on order (policy "ordered quantities"), goods on delivery.
  const lag = ov.invoiceLag ?? (o.flags.has('toInvoice') ? 1000 * DAY : undefined);
  simulateInvoices(ctx, rng, o, o.pickings.filter((p) => p.kind === 'out' && p.state === 'done'), lag);
}

function termOf(id: number) {
  return PAYMENT_TERMS.find((t) => t.id === id)!;
}

function invoiceAmounts(inv: OInvoice): void {
  let untaxed = 0;
  let total = 0;
  for (const it of inv.items) {
    const a = lineAmounts(inv.order.company, it.qty, it.line.price, it.line.discount);
    untaxed += a.subtotal;
    total += a.total;
  }
  inv.untaxed = round2(untaxed);
  inv.total = round2(total);
  inv.residual = inv.total;
}

function newInvoice(o: OOrder, type: 'out_invoice' | 'out_refund', at: Sec, items: Array<{ line: OLine; qty: number }>): OInvoice {
  const inv: OInvoice = {
    order: o, type, state: 'draft', paymentState: 'not_paid', createdAt: at, writeAt: at, postedAt: false,
    invoiceDate: false, accountingDate: dayStart(at), due: dayStart(at) + termOf(o.termId).days * DAY,
    items, untaxed: 0, total: 0, residual: 0, termId: o.termId,
  };
  invoiceAmounts(inv);
  o.invoices.push(inv);
  return inv;
}

function post(inv: OInvoice, at: Sec): void {
  inv.state = 'posted';
  inv.postedAt = at;
  inv.invoiceDate = dayStart(at);
  inv.accountingDate = dayStart(at);
  inv.due = dayStart(at) + termOf(inv.termId).days * DAY;
  inv.writeAt = at;
}

/** Payment progress of a posted invoice at `now`. */
function settle(rng: Rng, inv: OInvoice, now: Sec): void {
  const behavior = inv.order.customer.payBehavior;
  const term = termOf(inv.termId);
  const invoiceDate = inv.invoiceDate as Sec;
  if (behavior === 'never') {
    inv.paymentState = 'not_paid';
    inv.residual = inv.total;
    return;
  }
  const offset = behavior === 'prompt' ? rng.int(-8, 2) : behavior === 'normal' ? rng.int(-3, 10) : rng.int(8, 45);
  const payAt = Math.max((inv.postedAt as Sec) + HOUR, term.days === 0 ? invoiceDate + rng.int(1, 6) * DAY + 10 * HOUR : inv.due + offset * DAY + 10 * HOUR);
  const firstAt = term.firstShare > 0 ? invoiceDate + rng.int(1, 7) * DAY + 11 * HOUR : false;
  if (payAt <= now - 4 * DAY) {
    inv.paymentState = 'paid';
    inv.residual = 0;
    inv.writeAt = Math.max(inv.writeAt, payAt);
  } else if (payAt <= now) {
    inv.paymentState = 'in_payment';
    inv.residual = 0;
    inv.writeAt = Math.max(inv.writeAt, payAt);
  } else if (firstAt !== false && firstAt <= now) {
    inv.paymentState = 'partial';
    inv.residual = round2(inv.total - round2(inv.total * term.firstShare));
    inv.writeAt = Math.max(inv.writeAt, firstAt);
  } else if (inv.due < now && rng.chance(0.25)) {
    inv.paymentState = 'partial';
    inv.residual = round2(inv.total - round2(inv.total * rng.float(0.2, 0.7)));
    inv.writeAt = Math.max(inv.writeAt, Math.min(now - HOUR, inv.due + DAY));
  } else {
    inv.paymentState = 'not_paid';
    inv.residual = inv.total;
  }
}

function simulateInvoices(ctx: OrderCtx, rng: Rng, o: OOrder, shipments: OPicking[], lagOverride?: number): void {
  const now = ctx.now;
  const confirmAt = o.confirmAt as Sec;
  const services = o.lines.filter((l) => !l.product.storable);
  const lazy = !o.flags.has('clean') && rng.chance(0.1);
  const lag = () => lagOverride ?? (rng.int(2 * HOUR, 3 * DAY) + (lazy ? rng.int(15, 45) * DAY : 0));
  const events: Array<{ at: Sec; items: Array<{ line: OLine; qty: number }> }> = [];
  let servicesBilled = false;
  const sorted = shipments.slice().sort((a, b) => (a.doneAt as Sec) - (b.doneAt as Sec));
  const billServicesFirst = !o.flags.has('demo') && (!sorted.length || (sorted[0]!.doneAt as Sec) > confirmAt + 14 * DAY || o.flags.has('draftInvoice'));
  if (services.length && billServicesFirst) {
    events.push({ at: confirmAt + rng.int(2, 6) * DAY, items: services.map((line) => ({ line, qty: line.qty })) });
    servicesBilled = true;
  }
  for (const p of sorted) {
    const items = p.moves.map((m) => ({ line: o.lines.find((l) => l.product === m.product)!, qty: m.quantity }));
    if (!servicesBilled) {
      for (const line of services) items.push({ line, qty: line.qty });
      servicesBilled = true;
    }
    events.push({ at: (p.doneAt as Sec) + lag(), items });
  }
  let first: OInvoice | null = null;
  for (const ev of events) {
    if (ev.at > now - 10 * MINUTE) continue;
    const inv = newInvoice(o, 'out_invoice', ev.at, ev.items);
    const forceDraft = o.flags.has('draftInvoice');
    const recent = ev.at > now - 7 * DAY;
    if (forceDraft || (recent ? rng.chance(0.5) : !o.flags.has('clean') && rng.chance(0.02))) {
      inv.due = dayStart(ev.at) + termOf(inv.termId).days * DAY;
      continue;
    }
    post(inv, Math.min(now - 5 * MINUTE, ev.at + rng.int(5 * MINUTE, 4 * HOUR)));
    settle(rng, inv, now);
    if (!first) first = inv;
  }
  if (first && o.flags.has('reversal')) {
    const at = Math.max((first.postedAt as Sec) + HOUR, Math.min(now - DAY, (first.postedAt as Sec) + rng.int(5, 15) * DAY));
    first.paymentState = 'reversed';
    first.residual = 0;
    first.writeAt = at;
    const refund = newInvoice(o, 'out_refund', at, first.items.map((x) => ({ ...x })));
    post(refund, at + MINUTE);
    refund.paymentState = 'paid';
    refund.residual = 0;
    const again = newInvoice(o, 'out_invoice', at + 2 * MINUTE, first.items.map((x) => ({ ...x })));
    post(again, at + 3 * MINUTE);
    settle(rng, again, now);
  }
  if (first && o.flags.has('cancelInvoice')) {
    const at = Math.max((first.postedAt as Sec) + HOUR, Math.min(now - DAY, (first.postedAt as Sec) + rng.int(1, 3) * DAY));
    const paid = { state: first.paymentState, residual: first.residual };
    first.state = 'cancel';
    first.paymentState = 'not_paid';
    first.residual = first.total;
    first.writeAt = at;
    const again = newInvoice(o, 'out_invoice', at + MINUTE, first.items.map((x) => ({ ...x })));
    post(again, at + 2 * MINUTE);
    again.paymentState = paid.state;
    again.residual = paid.residual;
    again.writeAt = Math.max(again.writeAt, first.writeAt);
  }
}

/** Odoo's line/ order invoice status and delivery status, amounts, qty_invoiced. */
export function finishOrder(o: OOrder, now: Sec): void {
  for (const l of o.lines) {
    const a = lineAmounts(o.company, l.qty, l.price, l.discount);
    l.subtotal = a.subtotal;
    l.total = a.total;
    l.qtyInvoiced = 0;
  }
  for (const inv of o.invoices) {
    if (inv.state === 'cancel') continue;
    for (const it of inv.items) it.line.qtyInvoiced += inv.type === 'out_invoice' ? it.qty : -it.qty;
    for (const it of inv.items) it.line.writeAt = Math.max(it.line.writeAt, inv.createdAt);
  }
  o.untaxed = round2(o.lines.reduce((s, l) => s + l.subtotal, 0));
  o.total = round2(o.lines.reduce((s, l) => s + l.total, 0));
  o.tax = round2(o.total - o.untaxed);
  o.deliveryStatus = deliveryStatusOf(o);
  o.invoiceStatus = invoiceStatusOf(o);
  if (o.state === 'sale' && o.deliveryStatus === 'full' && o.invoiceStatus === 'invoiced' && now - o.createdAt > 60 * DAY && o.seq % 5 < 3) o.locked = true;
  const times = [
    o.createdAt, o.confirmAt || 0,
    ...o.pickings.map((p) => (p.state === 'done' ? (p.doneAt as Sec) : p.createdAt)),
    ...o.invoices.map((i) => i.createdAt),
    ...o.invoices.map((i) => (i.postedAt === false ? 0 : i.postedAt)),
  ];
  o.writeAt = Math.max(o.writeAt, ...times);
  for (const l of o.lines) {
    l.writeAt = Math.max(l.writeAt, l.createdAt);
    if (o.confirmAt) l.writeAt = Math.max(l.writeAt, o.confirmAt);
    for (const p of o.pickings) if (p.state === 'done' && p.moves.some((m) => m.product === l.product)) l.writeAt = Math.max(l.writeAt, p.doneAt as Sec);
  }
}

/** The sandbox ORM's own rule (sandboxes/odoo/compute), so seeded and live orders agree. */
export function deliveryStatusOf(o: OOrder): OOrder['deliveryStatus'] {
  return deliveryStatus(o.pickings.map((p) => p.state), o.lines.map((l) => l.qtyDelivered));
}

type InvoicedLine = { product: Product; qty: number; qtyDelivered: number; qtyInvoiced: number };
const invoiceLine = (l: InvoicedLine) => ({ policy: l.product.invoicePolicy, ordered: l.qty, delivered: l.qtyDelivered, invoiced: l.qtyInvoiced });

export function lineInvoiceStatus(l: InvoicedLine, orderState: SaleState): OOrder['invoiceStatus'] {
  return computeLineInvoiceStatus(invoiceLine(l), orderState === 'sale');
}

export function invoiceStatusOf(o: { state: SaleState; lines: InvoicedLine[] }): OOrder['invoiceStatus'] {
  return orderInvoiceStatus(o.lines.map(invoiceLine), o.state === 'sale');
}

function simulateOther(ctx: OrderCtx, rng: Rng, o: OOrder): void {
  const now = ctx.now;
  const minDelay = Math.min(...o.lines.map((l) => l.product.saleDelay));
  if (o.state === 'draft' || o.state === 'sent') {
    o.dateOrder = o.createdAt;
    o.expected = o.createdAt + minDelay * DAY;
    if (rng.chance(0.4)) o.commitment = workTime(rng, o.createdAt + (minDelay + rng.int(14, 45)) * DAY);
    o.writeAt = Math.min(now - MINUTE, o.createdAt + rng.int(5 * MINUTE, 3 * DAY));
    return;
  }
  // cancel
  const cancelAt = Math.min(now - HOUR, o.createdAt + rng.int(HOUR, 25 * DAY));
  const wasConfirmed = o.flags.has('cancelConfirmed') || rng.chance(0.45);
  o.expected = false;
  o.dateOrder = o.createdAt;
  o.writeAt = cancelAt;
  if (!wasConfirmed) return;
  const confirmAt = o.createdAt + Math.floor((cancelAt - o.createdAt) * rng.float(0.1, 0.6));
  o.confirmAt = confirmAt;
  o.dateOrder = confirmAt;
  if (o.company === 1 && rng.chance(0.2) && !o.flags.has('cancelConfirmed')) o.warehouse = WH('LPZ');
  const wh = o.warehouse;
  const goods = o.lines.filter((l) => l.product.storable);
  if (goods.length) {
    const p = newPicking(o, 'out', wh, confirmAt + 5, confirmAt + minDelay * DAY, rng);
    for (const l of goods) addMove(p, l.product, l.qty, 0, 'cancel', cancelAt);
    p.state = 'cancel';
    p.writeAt = cancelAt;
    o.pickings.push(p);
  }
  if (wh.manufactures) {
    for (const l of goods.filter((x) => x.product.manufactured)) {
      o.mos.push({
        order: o, origin: false, warehouse: wh, product: l.product, qty: l.qty, qtyProducing: 0, state: 'cancel', priority: '0',
        createdAt: confirmAt + 7, writeAt: cancelAt, start: workTime(rng, confirmAt + 2 * DAY),
        finish: workTime(rng, confirmAt + (2 + l.product.produceDelay) * DAY), deadline: false,
      });
    }
  }
}

// ---------------------------------------------------------------- demo order S00042

function buildDemoOrder(ctx: OrderCtx, o: OOrder, demoCustomer: Customer): void {
  const rng = ctx.rng.fork('demo-order');
  const now = ctx.now;
  o.customer = demoCustomer;
  o.company = 1;
  o.warehouse = WH('WH');
  o.state = 'sale';
  o.pricelistId = demoCustomer.pricelists[1]!;
  o.termId = demoCustomer.terms[1]!;
  o.incotermId = incotermId('DAP');
  o.carrier = CARRIERS.find((c) => c.name === 'DHL Freight')!;
  o.flags = new Set(['demo', 'clean']);
  o.quote = { quoteCreatedAt: o.createdAt - 9 * DAY - 3 * HOUR };
  const bySku = (sku: string) => ctx.products.find((p) => p.sku === sku)!;
  o.lines = [];
  const pump = addLine(ctx, rng, o, bySku('NW-PMP-1003'), 2, 12);
  const motor = addLine(ctx, rng, o, bySku('NW-MOT-1004'), 2, 10);
  const valve = addLine(ctx, rng, o, bySku('NW-VLV-1003'), 8, 10);
  addLine(ctx, rng, o, bySku('NW-SRV-1001'), 3, 0);
  const confirmAt = o.createdAt + 25 * MINUTE;
  const ship1 = workTime(rng, now - 26 * DAY);
  simulateSale(ctx, rng, o, {
    confirmAt,
    commitment: workTime(rng, now + 21 * DAY),
    ready: {
      [pump.seq]: { mo: { start: workTime(rng, now - 5 * DAY), finish: workTime(rng, now + 6 * DAY), closeAt: workTime(rng, now + 7 * DAY) } },
      [motor.seq]: { availNow: motor.qty, readyAt: confirmAt },
      [valve.seq]: { availNow: 4, readyAt: workTime(rng, now - 4 * DAY) },
    },
    firstShipAt: ship1,
    secondShipAt: now + 8 * DAY,
    invoiceLag: 20 * HOUR,
  });
}

// ---------------------------------------------------------------- replenishment MOs

function replenishmentMos(ctx: OrderCtx): OMo[] {
  const rng = ctx.rng.fork('replenishment');
  const out: OMo[] = [];
  const made = ctx.products.filter((p) => p.manufactured && p.active && p.family !== 'CAB');
  const specs: Array<{ state: MoState; wh: string }> = [
    { state: 'draft', wh: 'WH' }, { state: 'draft', wh: 'CLT' }, { state: 'draft', wh: 'WH' },
    { state: 'confirmed', wh: 'WH' }, { state: 'done', wh: 'WH' }, { state: 'done', wh: 'CLT' },
  ];
  for (const s of specs) {
    const wh = WH(s.wh);
    const p = rng.pick(made.filter((x) => x.companyId === false || x.companyId === wh.companyId));
    const createdAt = s.state === 'done' ? ctx.now - rng.int(40, 300) * DAY : ctx.now - rng.int(1, 10) * DAY;
    const start = s.state === 'done' ? createdAt + DAY : ctx.now + rng.int(3, 20) * DAY;
    const finish = start + Math.max(1, p.produceDelay) * DAY;
    out.push({
      order: null, origin: s.state === 'draft' ? false : `OP/${String(rng.int(10, 99)).padStart(5, '0')}`,
      warehouse: wh, product: p, qty: rng.int(2, 6), qtyProducing: 0, state: s.state, priority: '0',
      createdAt, writeAt: s.state === 'done' ? finish : createdAt, start, finish, deadline: false,
    });
    const mo = out[out.length - 1]!;
    if (s.state === 'done') mo.qtyProducing = mo.qty;
  }
  return out;
}

// ---------------------------------------------------------------- quote-to-order conversions

export const CONVERTED_COUNT = 38;

/** Orders the quote-to-order integration created from an approved HubSpot quote. */
function markConverted(ctx: OrderCtx, orders: OOrder[]): void {
  const rng = ctx.rng.fork('converted');
  const pool = orders.filter((o, i) =>
    i !== DEMO_ORDER_INDEX && (o.state === 'sale' || o.state === 'cancel') && !o.flags.has('started') && o.lines.length <= 5 &&
    o.customer.role === 'linked' && o.customer.home === o.company &&
    o.createdAt - 25 * DAY > Math.max(ctx.goLive + 12 * DAY, o.customer.hsCreated));
  const sale = pool.filter((o) => o.state === 'sale');
  const cancelled = pool.filter((o) => o.state === 'cancel');
  const picked = [...rng.sample(sale, CONVERTED_COUNT - 2), ...rng.sample(cancelled, 2)];
  for (const o of picked) {
    o.quote = { quoteCreatedAt: o.createdAt - rng.int(2, 20) * DAY - rng.int(1, 8) * HOUR };
    if (o.incotermId === false) o.incotermId = incotermId(DEFAULT_INCOTERM[o.customer.country.code] ?? 'FCA');
  }
}

// ---------------------------------------------------------------- entry point

export function buildOrders(ctx: OrderCtx, demoCustomer: Customer, holdCustomers: Customer[]): OrderWorld {
  const orders = makeSlots(ctx);
  assignSpecials(ctx, orders, holdCustomers);
  markConverted(ctx, orders);
  orders.forEach((o, i) => {
    const rng = ctx.rng.fork(`order-${i}`);
    if (i === DEMO_ORDER_INDEX) buildDemoOrder(ctx, o, demoCustomer);
    else if (o.state === 'sale') simulateSale(ctx, rng, o);
    else simulateOther(ctx, rng, o);
  });
  const demo = orders[DEMO_ORDER_INDEX]!;
  const pickings = orders.flatMap((o) => o.pickings);
  const mos = [...orders.flatMap((o) => o.mos), ...replenishmentMos(ctx)];
  const invoices = orders.flatMap((o) => o.invoices);
  // Two very old paid invoices were migrated from the invoicing app (legacy).
  const legacy = invoices
    .filter((i) => i.type === 'out_invoice' && i.state === 'posted' && i.paymentState === 'paid' && (i.invoiceDate as Sec) < ctx.now - 360 * DAY)
    .sort((a, b) => (a.invoiceDate as Sec) - (b.invoiceDate as Sec) || a.order.seq - b.order.seq)
    .slice(0, 2);
  for (const i of legacy) i.paymentState = 'invoicing_legacy';
  ensurePaymentCoverage(ctx, invoices, holdCustomers);
  for (const o of orders) finishOrder(o, ctx.now);
  return { orders, pickings, mos, invoices, demo, holdCustomers };
}

/** Real ledgers always hold every payment state; make sure a small world does too. */
function ensurePaymentCoverage(ctx: OrderCtx, invoices: OInvoice[], hold: Customer[]): void {
  const posted = invoices.filter((i) => i.type === 'out_invoice' && i.state === 'posted' && !hold.includes(i.order.customer) && !i.order.flags.has('demo'));
  const has = (s: PaymentState) => invoices.some((i) => i.state === 'posted' && i.paymentState === s);
  if (!has('in_payment')) {
    const c = posted.filter((i) => i.paymentState === 'paid').sort((a, b) => b.writeAt - a.writeAt)[0];
    if (c) { c.paymentState = 'in_payment'; c.writeAt = Math.max(c.postedAt as Sec, ctx.now - 2 * DAY); }
  }
  if (!has('partial')) {
    const c = posted.filter((i) => i.paymentState === 'not_paid').sort((a, b) => a.createdAt - b.createdAt)[0];
    if (c) { c.paymentState = 'partial'; c.residual = round2(c.total * 0.5); }
  }
  if (!has('not_paid')) {
    const c = posted.filter((i) => i.paymentState === 'paid').sort((a, b) => b.createdAt - a.createdAt)[0];
    if (c) { c.paymentState = 'not_paid'; c.residual = c.total; }
  }
  // Odoo 18+: finance put one open invoice on hold (action_toggle_block_payment); only an
  // unpaid one can be blocked, and the recompute keeps it blocked.
  if (!has('blocked')) {
    const open = posted.filter((i) => i.paymentState === 'not_paid' && i.residual === i.total).sort((a, b) => a.createdAt - b.createdAt);
    const c = open[1] ?? open[0];
    if (c && open.length > 1) c.paymentState = 'blocked';
  }
}
