// The CRM side of selling: deals and quotes with line items in HubSpot. Quotes that
// were converted mirror their Odoo order line by line; open quotes cover every
// status, plus hand-picked exception cases for validation and routing work.
import { PRICELISTS, WAREHOUSES, type CompanyId } from './catalog.ts';
import { spread, type Customer, type Person } from './customers.ts';
import { lineQuantity, sellable, type Product } from './products.ts';
import { priceAt, round2, type OOrder } from './orders.ts';
import type { Rng } from './prng.ts';
import { ensureFree, stockKey, type StockRow } from './stock.ts';
import { DAY, HOUR, MINUTE, dayStart, type Sec } from './time.ts';

export type QuoteStatus = 'DRAFT' | 'APPROVAL_NOT_NEEDED' | 'PENDING_APPROVAL' | 'APPROVED' | 'REJECTED';
export const QUOTE_STATUSES: readonly QuoteStatus[] = ['DRAFT', 'APPROVAL_NOT_NEEDED', 'PENDING_APPROVAL', 'APPROVED', 'REJECTED'];

/** A product HubSpot still lists but Odoo never had (a discontinued legacy SKU). */
export interface LegacyProduct {
  sku: string;
  name: string;
  listPrice: number;
  description: string;
  hubspotId?: string;
}

export interface HItem {
  product: Product | LegacyProduct;
  qty: number;
  price: number;
  discount: number;
  createdAt: Sec;
  hubspotId?: string;
}

export interface HQuote {
  customer: Customer;
  company: CompanyId;
  status: QuoteStatus;
  title: string;
  createdAt: Sec;
  writeAt: Sec;
  expiration: Sec;
  requestedDelivery: Sec;
  incoterm: string;
  items: HItem[];
  order?: OOrder;
  deal?: HDeal;
  tag?: string;
  number?: string;
  hubspotId?: string;
}

export interface HDeal {
  customer: Customer;
  company: CompanyId;
  name: string;
  stage: string;
  amount: number;
  closeAt: Sec;
  createdAt: Sec;
  writeAt: Sec;
  contact: Person | null;
  quotes: HQuote[];
  hubspotId?: string;
}

export interface QuoteWorld {
  quotes: HQuote[];
  deals: HDeal[];
  legacy: LegacyProduct;
  tagged: Record<string, HQuote>;
}

const TOPIC: Record<string, string> = {
  PMP: 'Pump package', VLV: 'Valve set', GBX: 'Drive train', MOT: 'Motor replacement', CAB: 'Control system upgrade',
  SNS: 'Instrumentation', SPR: 'Spare parts', SRV: 'Service agreement',
};

export function isProduct(p: Product | LegacyProduct): p is Product {
  return (p as Product).key !== undefined;
}

export function itemAmount(it: { qty: number; price: number; discount: number }): number {
  return round2(it.qty * it.price * (1 - it.discount / 100));
}

function shortName(c: Customer): string {
  return c.name.split(' ').slice(0, 2).join(' ');
}

function titleFor(c: Customer, items: HItem[]): string {
  const main = items.map((i) => i.product).filter(isProduct).sort((a, b) => b.listPrice - a.listPrice)[0];
  return `${shortName(c)} – ${main ? TOPIC[main.family] : 'Spare parts'}`;
}

export interface QuoteCtx {
  rng: Rng;
  now: Sec;
  crmStart: Sec;
  priceChangeAt: Sec;
  products: Product[];
  customers: Customer[];
  orders: OOrder[];
  stock: Map<string, StockRow>;
  demoCustomer: Customer;
  holdCustomers: Customer[];
}

function dealStageFor(q: HQuote, now: Sec): string {
  if (q.order) return q.order.state === 'cancel' ? 'closedlost' : 'closedwon';
  switch (q.status) {
    case 'DRAFT': return q.items.length > 2 ? 'presentationscheduled' : 'qualifiedtobuy';
    case 'PENDING_APPROVAL': return 'decisionmakerboughtin';
    case 'APPROVED': return 'contractsent';
    case 'APPROVAL_NOT_NEEDED': return q.expiration < now ? 'closedlost' : 'contractsent';
    case 'REJECTED': return 'closedlost';
  }
}

export function quoteAmount(q: HQuote): number {
  return round2(q.items.reduce((s, i) => s + itemAmount(i), 0));
}

export function buildQuotes(ctx: QuoteCtx): QuoteWorld {
  const rng = ctx.rng;
  const now = ctx.now;
  const quotes: HQuote[] = [];
  const tagged: Record<string, HQuote> = {};
  const legacy: LegacyProduct = {
    sku: 'NW-LEG-0815', name: 'Coupling Guard CG-65 (discontinued)', listPrice: 184,
    description: 'Legacy item from the old price book; no longer in the ERP.',
  };

  // Converted quotes: one per order the integration created.
  for (const o of ctx.orders) {
    if (!o.quote) continue;
    const createdAt = o.quote.quoteCreatedAt;
    const items: HItem[] = o.lines.map((l) => ({ product: l.product, qty: l.qty, price: l.price, discount: l.discount, createdAt }));
    const amount = round2(items.reduce((s, i) => s + itemAmount(i), 0));
    const needsApproval = items.some((i) => i.discount > 10) || amount > 50_000;
    const maxLead = Math.max(0, ...o.lines.map((l) => l.product.saleDelay));
    const q: HQuote = {
      customer: o.customer, company: o.company, status: needsApproval ? 'APPROVED' : 'APPROVAL_NOT_NEEDED',
      title: titleFor(o.customer, items), createdAt, writeAt: o.createdAt + rng.int(1, 5) * MINUTE,
      expiration: dayStart(createdAt) + 30 * DAY,
      requestedDelivery: o.commitment ? dayStart(o.commitment) : dayStart(createdAt) + (maxLead + 14) * DAY,
      incoterm: incotermCode(o.incotermId), items, order: o,
    };
    quotes.push(q);
  }

  // Open quotes.
  const openPool = ctx.customers.filter((c) =>
    c.role === 'linked' && c.active && c.key !== ctx.demoCustomer.key && !ctx.holdCustomers.includes(c));
  const pickCustomer = (filter: (c: Customer) => boolean = () => true): Customer => rng.pick(openPool.filter(filter));
  const maxDiscountOf = (c: Customer, company: CompanyId) =>
    PRICELISTS.find((p) => p.id === (c.pricelists[company] ?? -1))?.maxDiscount ?? 10;
  const open = (status: QuoteStatus, c: Customer, opts: { ageDays?: [number, number]; items?: (createdAt: Sec) => HItem[]; discount?: (max: number) => number; tag?: string } = {}): HQuote => {
    const company = c.home;
    const [lo, hi] = opts.ageDays ?? ({ DRAFT: [1, 20], PENDING_APPROVAL: [1, 10], APPROVED: [1, 14], REJECTED: [20, 200], APPROVAL_NOT_NEEDED: [5, 90] } as const)[status];
    const createdAt = Math.max(ctx.crmStart, c.hsCreated + DAY, now - rng.int(lo * 24, hi * 24) * HOUR - rng.int(0, 59) * MINUTE);
    let items = opts.items?.(createdAt);
    if (!items) {
      const pool = sellable(ctx.products, company).filter((p) => p.family !== 'SRV' || rng.chance(0.3));
      const n = rng.weighted([[1, 2], [2, 4], [3, 4], [4, 2], [5, 1]]);
      items = rng.sample(pool, n).map((p) => ({
        product: p, qty: lineQuantity(rng, p), price: priceAt(p, createdAt, ctx.priceChangeAt),
        discount: 0, createdAt,
      }));
    }
    const max = maxDiscountOf(c, company);
    for (const it of items) it.createdAt = createdAt;
    if (opts.discount) items[0]!.discount = opts.discount(max);
    else for (const it of items) it.discount = rng.chance(0.5) ? 0 : rng.pick([2, 3, 5, 7.5, 10]);
    const maxLead = Math.max(0, ...items.map((i) => (isProduct(i.product) ? i.product.saleDelay + i.product.produceDelay : 0)));
    const q: HQuote = {
      customer: c, company, status, title: titleFor(c, items), createdAt,
      writeAt: Math.max(createdAt, spread(rng, createdAt, now)),
      expiration: dayStart(createdAt) + 30 * DAY,
      requestedDelivery: dayStart(createdAt) + (maxLead + rng.int(7, 40)) * DAY,
      incoterm: rng.chance(0.8) ? defaultIncoterm(c) : rng.pick(['EXW', 'FCA', 'DAP', 'DDP', 'CPT']),
      items, tag: opts.tag,
    };
    if (opts.tag) tagged[opts.tag] = q;
    quotes.push(q);
    return q;
  };
  /** An approval-worthy discount (above 10 %) that the pricelist still allows when it can. */
  const withinMax = (max: number): number => {
    const allowed = [12.5, 15, 20].filter((d) => d <= max);
    return allowed.length ? rng.pick(allowed) : 12.5;
  };
  const generousPricelist = (c: Customer) => maxDiscountOf(c, c.home) >= 20;

  // The quote-to-order demo: approved, not converted, every product free to promise at Hamburg.
  {
    const c = pickCustomer((x) => x.home === 1 && x.restrictedTo === false && generousPricelist(x));
    const hamburg = WAREHOUSES.find((w) => w.code === 'WH')!;
    const candidates = sellable(ctx.products, 1).filter((p) =>
      p.storable && !p.manufactured && ['MOT', 'VLV', 'SNS'].includes(p.family) && (ctx.stock.get(stockKey(p, hamburg))?.short ?? 1) === 0);
    const chosen = rng.sample(candidates, 3);
    const q = open('APPROVED', c, {
      items: (createdAt) => chosen.map((p) => ({ product: p, qty: Math.min(lineQuantity(rng, p), 6), price: priceAt(p, createdAt, ctx.priceChangeAt), discount: 0, createdAt })),
      discount: (max) => Math.min(15, max), tag: 'approvedDemo', ageDays: [2, 6],
    });
    for (const it of q.items) ensureFree(ctx.stock, it.product as Product, hamburg, it.qty, rng.int(4, 15));
  }
  // Exception cases for validation (R2) and routing (R8).
  open('APPROVED', ctx.holdCustomers.find((h) => h.home === 1)!, { tag: 'creditHold', ageDays: [2, 8], discount: () => 0 });
  open('APPROVED', rng.pick(ctx.customers.filter((c) => c.role === 'prospect')), { tag: 'prospectWithoutOdooAccount', ageDays: [1, 6], discount: () => 0 });
  open('APPROVED', ctx.customers.find((c) => c.role === 'hubspot_missing_reference')!, { tag: 'missingReference', ageDays: [1, 6], discount: () => 0 });
  open('APPROVED', ctx.customers.find((c) => c.role === 'mismatched_pair')!, { tag: 'mismatchedPair', ageDays: [1, 6], discount: () => 0 });
  {
    const c = pickCustomer((x) => x.home === 1);
    const p = rng.pick(sellable(ctx.products, 1).filter((x) => x.family === 'PMP' || x.family === 'GBX'));
    open('APPROVAL_NOT_NEEDED', c, {
      tag: 'outdatedPrice', ageDays: [10, 14], discount: () => 0,
      items: (createdAt) => [{ product: p, qty: 1, price: round2(p.listPrice / 1.04), discount: 0, createdAt }],
    });
  }
  {
    const c = pickCustomer((x) => x.home === 1);
    const p = rng.pick(sellable(ctx.products, 1).filter((x) => x.family === 'SPR'));
    open('DRAFT', c, {
      tag: 'unknownSku', ageDays: [1, 5], discount: () => 0,
      items: (createdAt) => [
        { product: p, qty: 10, price: priceAt(p, createdAt, ctx.priceChangeAt), discount: 0, createdAt },
        { product: legacy, qty: 4, price: legacy.listPrice, discount: 0, createdAt },
      ],
    });
  }
  {
    const archived = ctx.products.find((p) => !p.active && p.storable && p.companyId === false)!;
    open('DRAFT', pickCustomer((x) => x.home === 1), {
      tag: 'inactiveProduct', ageDays: [1, 5], discount: () => 0,
      items: (createdAt) => [{ product: archived, qty: 2, price: priceAt(archived, createdAt, ctx.priceChangeAt), discount: 0, createdAt }],
    });
  }
  open('PENDING_APPROVAL', pickCustomer((x) => maxDiscountOf(x, x.home) <= 10), { tag: 'discountOverLimit', discount: (max) => max + 25 });

  const counts: Record<QuoteStatus, number> = { DRAFT: 6, PENDING_APPROVAL: 5, APPROVED: 4, REJECTED: 6, APPROVAL_NOT_NEEDED: 7 };
  for (const status of QUOTE_STATUSES) {
    for (let i = 0; i < counts[status]; i++) {
      switch (status) {
        case 'APPROVED':
          open(status, pickCustomer(generousPricelist), { discount: withinMax });
          break;
        case 'PENDING_APPROVAL':
          open(status, pickCustomer(), { discount: (max) => (rng.chance(0.5) ? withinMax(max) : max + 5) });
          break;
        case 'REJECTED':
          open(status, pickCustomer(), { discount: (max) => max + rng.pick([5, 10, 15]) });
          break;
        default:
          open(status, pickCustomer());
      }
    }
  }

  // Deals: one per quote, except rejected quotes that got a revision on the same deal.
  const deals: HDeal[] = [];
  const contactOf = (c: Customer) => c.contacts.find((p) => p.active) ?? null;
  const currencyAmount = (q: HQuote) => quoteAmount(q);
  const rejected = quotes.filter((q) => q.status === 'REJECTED').slice(0, 3);
  const revisions = new Map<HQuote, HQuote>();
  for (const r of rejected) {
    const rev = open(rng.chance(0.5) ? 'DRAFT' : 'PENDING_APPROVAL', r.customer, {
      items: () => r.items.map((i) => ({ ...i })), ageDays: [1, Math.max(2, Math.floor((now - r.createdAt) / DAY) - 1)],
      discount: (max) => Math.min(max, 10),
    });
    revisions.set(r, rev);
  }
  const revisionSet = new Set(revisions.values());
  for (const q of quotes) {
    if (revisionSet.has(q)) continue;
    const rev = revisions.get(q);
    const latest = rev ?? q;
    const createdAt = Math.max(q.customer.hsCreated + HOUR, q.createdAt - rng.int(1, 30) * DAY);
    const deal: HDeal = {
      customer: q.customer, company: q.company, name: `${shortName(q.customer)} – ${q.title.split(' – ')[1]}`,
      stage: dealStageFor(latest, now), amount: currencyAmount(latest),
      closeAt: q.order ? (q.order.confirmAt || q.order.createdAt) : latest.status === 'REJECTED' ? latest.writeAt : dayStart(latest.createdAt) + 45 * DAY,
      createdAt, writeAt: Math.max(createdAt, latest.writeAt, q.order ? q.order.createdAt : 0),
      contact: contactOf(q.customer), quotes: rev ? [q, rev] : [q],
    };
    if (deal.stage === 'closedlost' && !q.order) deal.closeAt = Math.min(now - HOUR, Math.max(latest.expiration, latest.createdAt + DAY));
    for (const x of deal.quotes) x.deal = deal;
    deals.push(deal);
  }
  // Early-stage opportunities without quotes.
  const stages = ['appointmentscheduled', 'qualifiedtobuy', 'presentationscheduled', 'closedlost'];
  const dealPool = ctx.customers.filter((c) => c.hubspot === 'yes' && c.active && (c.role === 'linked' || c.role === 'prospect'));
  for (let i = 0; i < 15; i++) {
    const c = rng.pick(dealPool);
    const createdAt = Math.max(c.hsCreated + DAY, now - rng.int(3, 120) * DAY);
    const stage = stages[i % stages.length]!;
    const topic = rng.pick(Object.values(TOPIC));
    deals.push({
      customer: c, company: c.home, name: `${shortName(c)} – ${topic}`, stage,
      amount: round2(rng.int(20, 900) * 100), closeAt: stage === 'closedlost' ? Math.min(now - HOUR, createdAt + rng.int(10, 40) * DAY) : createdAt + rng.int(30, 120) * DAY,
      createdAt, writeAt: spread(rng, createdAt, now), contact: contactOf(c), quotes: [],
    });
  }
  return { quotes, deals, legacy, tagged };
}

function incotermCode(id: number | false): string {
  const codes = ['EXW', 'FCA', 'FAS', 'FOB', 'CFR', 'CIF', 'CPT', 'CIP', 'DAP', 'DPU', 'DDP'];
  return id === false ? 'FCA' : codes[id - 1]!;
}

function defaultIncoterm(c: Customer): string {
  const d: Record<string, string> = { DE: 'DAP', AT: 'DAP', CH: 'DDP', NL: 'DAP', PL: 'FCA', CZ: 'FCA', FR: 'CPT', IT: 'CPT', DK: 'DAP', SE: 'CIP', US: 'FCA', CA: 'CPT', MX: 'EXW' };
  return d[c.country.code] ?? 'FCA';
}
