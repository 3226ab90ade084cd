// Per-warehouse stock the Odoo sandbox computes qty_available / virtual_available /
// free_qty from. Derived from the open deliveries and manufacturing orders so the
// figures explain the picking states: reserved quantities are on hand, products
// whose moves wait for availability have nothing free, MTO demand is offset by the
// manufacturing order that will produce it.
import { WAREHOUSES, type Warehouse } from './catalog.ts';
import type { OMo, OPicking } from './orders.ts';
import type { Product } from './products.ts';
import type { Rng } from './prng.ts';

export interface StockRow {
  product: Product;
  warehouse: Warehouse;
  onHand: number;
  forecast: number;
  free: number;
  reserved: number;
  /** Open demand that could not be reserved (moves waiting for availability). */
  short: number;
  waiting: number;
  /** Incoming from manufacturing orders. */
  incoming: number;
  /** Incoming from purchase orders. */
  purchase: number;
}

const BASE_EXTRA: Record<string, [number, number]> = {
  PMP: [0, 6], VLV: [4, 60], GBX: [0, 5], MOT: [2, 30], CAB: [0, 2], SNS: [5, 80], SPR: [20, 400], SRV: [0, 0],
};

export function buildStock(rng: Rng, products: Product[], pickings: OPicking[], mos: OMo[]): Map<string, StockRow> {
  const rows = new Map<string, StockRow>();
  for (const p of products) {
    if (!p.storable) continue;
    for (const wh of WAREHOUSES) {
      if (p.companyId !== false && p.companyId !== wh.companyId) continue;
      rows.set(stockKey(p, wh), { product: p, warehouse: wh, onHand: 0, forecast: 0, free: 0, reserved: 0, short: 0, waiting: 0, incoming: 0, purchase: 0 });
    }
  }
  for (const pk of pickings) {
    // Two-step warehouses take goods out of stock with the pick; the ship step moves them from output.
    if (pk.warehouse.twoStep && pk.kind === 'out') continue;
    for (const m of pk.moves) {
      const row = rows.get(stockKey(m.product, pk.warehouse));
      if (!row) continue;
      switch (m.state) {
        case 'assigned': row.reserved += m.quantity; break;
        case 'partially_available': row.reserved += m.quantity; row.short += m.demand - m.quantity; break;
        case 'confirmed': row.short += m.demand; break;
        case 'waiting': row.waiting += m.demand; break;
        default: break;
      }
    }
  }
  for (const mo of mos) {
    if (mo.state !== 'confirmed' && mo.state !== 'progress' && mo.state !== 'to_close') continue;
    const row = rows.get(stockKey(mo.product, mo.warehouse));
    if (row) row.incoming += mo.qty;
  }
  for (const row of rows.values()) {
    const [lo, hi] = BASE_EXTRA[row.product.family] ?? [0, 10];
    let extra = 0;
    if (row.product.active && row.short === 0 && !rng.chance(0.12)) {
      extra = rng.int(lo, hi);
      if (row.warehouse.code === 'LPZ') extra = Math.floor(extra * 0.6);
      if (row.warehouse.code === 'CLT') extra = Math.floor(extra * 0.7);
    }
    // Purchased goods sometimes have a purchase order on its way; a shortage is covered by one only sometimes.
    if (!row.product.manufactured && row.product.active) {
      if (row.short > 0) { if (rng.chance(0.4)) row.purchase = row.short + rng.int(0, hi); }
      else if (rng.chance(0.15)) row.purchase = rng.int(1, Math.max(2, hi));
    }
    row.onHand = row.reserved + extra;
    row.free = extra;
    row.forecast = forecastOf(row);
  }
  // Real warehouses always have something oversold: the biggest shortage stays uncovered.
  const all = [...rows.values()];
  if (!all.some((r) => r.forecast < 0)) {
    const worst = all.filter((r) => r.short > 0).sort((a, b) => b.short - a.short || a.product.key - b.product.key)[0];
    if (worst) {
      worst.purchase = 0;
      worst.forecast = forecastOf(worst);
    }
  }
  return rows;
}

function forecastOf(r: StockRow): number {
  return r.onHand + r.incoming + r.purchase - r.reserved - r.short - r.waiting;
}

export function stockKey(p: Product, wh: Warehouse): string {
  return `${p.key}:${wh.id}`;
}

/** Makes sure `qty` is free to promise (used for the quote-to-order demo). */
export function ensureFree(rows: Map<string, StockRow>, p: Product, wh: Warehouse, qty: number, margin: number): void {
  const row = rows.get(stockKey(p, wh));
  if (!row) throw new Error(`no stock row for ${p.sku} in ${wh.code}`);
  if (row.short > 0) throw new Error(`${p.sku} is short in ${wh.code}`);
  if (row.free >= qty) return;
  const add = qty + margin - row.free;
  row.free += add;
  row.onHand += add;
  row.forecast += add;
}
