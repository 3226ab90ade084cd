// Per-request DataLoaders: every fetch by id or by parent id goes through one of
// these, so a query touching 50 orders makes one call per model per nesting level,
// never one per record. Master data (products, partners, pricelists, companies,
// warehouses) additionally goes through the keyv cache shared across requests,
// keyed by the caller's companies because Odoo values are per company.
import DataLoader from 'dataloader';
import type { Domain, RawRecord } from '../../connectors/odoo/odoo-client.ts';
import { appError, isAppError, type AppError } from '../../policy/errors.ts';
import { PARTNER_REF_FIELDS, READ_FIELDS, type ReadModel } from '../../connectors/odoo/canonical.ts';
import type { FieldName } from '../../connectors/odoo/mapping/records.ts';
import { cacheScope, countRows, idsGroupedBy, parseKeepingFieldErrors, readRowsKeepingFieldErrors, searchRowsKeepingFieldErrors, type OdooSession } from '../../connectors/odoo/records.ts';

/**
 * A row as the resolvers see it: Odoo field names, values normalised by the
 * connector (or a field's MAPPING_ERROR, returned as that field's error). Typed per
 * model in the connector (records.ts `Row`); broad here, where resolvers pick fields by name.
 */

/** A load's outcome kept for later: its value or its error (the field that reads it throws it then). */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Fields of one order settled ahead for a page (resolvers/order.ts prefetchOrderFields). Declared here, where the request's maps are, so loaders need not import resolvers. */
export interface OrderFieldsAhead {
  account?: Settled<{ __typename: 'Account'; id: string } | null>;
  lines?: Settled<OdooRow[]>;
}

export type OdooRow = { id: number } & Record<string, any>;

/** A stock figure Odoo sent in a shape the mapping refuses stays that field's error. */
export interface AvailabilityRow {
  warehouse: string;
  warehouseCode: string;
  onHand: number | AppError;
  forecast: number | AppError;
  freeToPromise: number | AppError;
}

/** Every loader reads through here: the session's companies and row limit, field errors kept per field. */
function searchRows<M extends ReadModel>(session: OdooSession, model: M, domain: Domain, page: { limit?: number; order?: string } = {}, fields?: ReadonlyArray<FieldName<M>>): Promise<OdooRow[]> {
  return fields ? searchRowsKeepingFieldErrors(session, model, domain, page, fields) : searchRowsKeepingFieldErrors(session, model, domain, page);
}

function byId(ids: readonly number[], rows: OdooRow[]): Array<OdooRow | null> {
  const map = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => map.get(id) ?? null);
}

function groupBy(keys: readonly number[], rows: OdooRow[], keyOf: (r: OdooRow) => number | undefined): OdooRow[][] {
  const map = new Map<number, OdooRow[]>();
  for (const r of rows) {
    const k = keyOf(r);
    if (k === undefined) continue;
    const list = map.get(k) ?? [];
    list.push(r);
    map.set(k, list);
  }
  return keys.map((k) => map.get(k) ?? []);
}

/**
 * Reads records by id; those missing from the request's view come back `null`.
 * Odoo's `read` leaves out ids that do not exist (fewer rows, no MissingError) but
 * fails the whole call with AccessError when one is hidden by a record rule or
 * belongs to another company; one search_read with `id in` returns the visible
 * ones without failing the batch.
 */
function idLoader<M extends ReadModel>(session: OdooSession, model: M, extraDomain: Domain = []) {
  return new DataLoader<number, OdooRow | null>(async (ids) => byId(ids, await searchRows(session, model, [['id', 'in', [...ids]], ...extraDomain])));
}

/** Like idLoader, for master data: served from the keyv cache when fresh. */
function cachedIdLoader<M extends ReadModel>(session: OdooSession, model: M, fields?: ReadonlyArray<FieldName<M>>) {
  return new DataLoader<number, OdooRow | null>(async (ids) => {
    const scope = `${cacheScope(session)}|${(fields ?? READ_FIELDS[model]).join(',')}`;
    const keyOf = (id: number) => session.cache.key({ model, scope, id });
    const idOf = new Map(ids.map((id) => [keyOf(id), id]));
    const found = await session.cache.getMany<OdooRow>([...idOf.keys()], async (missing) => {
      const rows = await searchRows(session, model, [['id', 'in', missing.map((k) => idOf.get(k)!)]], {}, fields);
      return new Map(rows.map((r) => [keyOf(r.id), r]));
    });
    return ids.map((id) => found.get(keyOf(id)) ?? null);
  });
}

/**
 * Lookup by a field that must be unique (partner `ref`, product `default_code`,
 * order `name`). Two records claiming the same value is a broken reference: that
 * key fails with CROSS_REFERENCE_CONFLICT rather than silently picking one.
 */
function fieldLoader<M extends ReadModel>(session: OdooSession, model: M, field: FieldName<M>, cached: boolean) {
  return new DataLoader<string, OdooRow | null>(async (values) => {
    const scope = `${cacheScope(session)}|${field}`;
    // Uncached lookups (live models) only need keys that tell values apart.
    const keyOf = (value: string) => (cached ? session.cache.key({ model, scope, lookup: value }) : value);
    const valueOf = new Map(values.map((v) => [keyOf(v), v]));
    const load = async (wanted: string[]) => {
      const rows = await searchRows(session, model, [[field, 'in', wanted]], { order: 'id asc' });
      const found = new Map<string, OdooRow | AppError>();
      for (const r of rows) {
        const key = keyOf(String(r[field]));
        const seen = found.get(key);
        found.set(key, seen ? conflict(model, field, String(r[field]), seen, r) : r);
      }
      return found;
    };
    const keys = values.map(keyOf);
    const conflicts = new Map<string, AppError>();
    const found = cached
      ? await session.cache.getMany<OdooRow | AppError>(keys, async (missing) => {
          const loaded = await load(missing.map((k) => valueOf.get(k)!));
          for (const [k, v] of loaded) if (isAppError(v)) (conflicts.set(k, v), loaded.delete(k)); // never cache a conflict
          return loaded;
        })
      : await load([...values]);
    return keys.map((k) => conflicts.get(k) ?? found.get(k) ?? null);
  });
}

function conflict(model: string, field: string, value: string, first: OdooRow | AppError, second: OdooRow): AppError {
  const ids = isAppError(first) ? [...(first.details.recordIds as number[]), second.id] : [first.id, second.id];
  return appError('CROSS_REFERENCE_CONFLICT', `odoo ${model}: records ${ids.join(', ')} all have ${field} = ${value}`, { system: 'odoo', model, field, recordIds: ids });
}

function childLoader<M extends ReadModel>(session: OdooSession, model: M, parentField: FieldName<M>, extraDomain: Domain = []) {
  return new DataLoader<number, OdooRow[]>(async (parentIds) => {
    const rows = await searchRows(session, model, [[parentField, 'in', [...parentIds]], ...extraDomain], { order: 'id asc' });
    return groupBy(parentIds, rows, (r) => r[parentField]?.id);
  });
}

/** One parent's page of a nested list: the window's rows (first + 1, to tell a next page) and the parent's total. */
export interface ParentPage {
  rows: OdooRow[];
  /** The parent's total, counted only when asked where the page alone does not give it. */
  count: () => Promise<number>;
}

/** The records a parent owns through `groupField`: a partner's orders are those of the partner and of its contacts. */
export interface PageParent {
  groupIds: readonly number[];
}

export interface NestedPage {
  model: ReadModel;
  /** The many2one pointing at the parent (e.g. `partner_id`). */
  groupField: string;
  domain: Domain;
  /** first + 1 */
  limit: number;
  afterId: number | null;
}

/**
 * A nested paged list for all parents of one nesting level at a fixed cost: one
 * `read_group` (ids and count per parent, `id:array_agg` + `__count`) and one
 * `search_read` of the ids inside every parent's window — two Odoo calls whatever
 * the number of parents. A level with one parent (an account page) needs no grouping:
 * its window is one `search_read` with the limit, like a top-level list, and its
 * total a `search_count` only when asked. Parents asking the same list with the same
 * arguments share a loader; each alias with other arguments is its own (bounded by the alias limit).
 */
function nestedPages(session: OdooSession) {
  const loaders = new Map<string, DataLoader<PageParent, ParentPage, string>>();
  return (spec: NestedPage): DataLoader<PageParent, ParentPage, string> => {
    const key = JSON.stringify(spec);
    let loader = loaders.get(key);
    if (!loader) {
      loader = new DataLoader<PageParent, ParentPage, string>(
        async (parents) => {
          if (parents.length === 1) {
            const domain: Domain = [[spec.groupField, 'in', [...parents[0]!.groupIds]], ...spec.domain];
            const window = spec.afterId === null ? domain : [...domain, ['id', '>', spec.afterId]];
            const rows = await searchRows(session, spec.model, window, { limit: spec.limit, order: 'id asc' });
            return [{ rows, count: () => countRows(session, spec.model, domain) }];
          }
          const all = [...new Set(parents.flatMap((p) => p.groupIds))];
          const grouped = await idsGroupedBy(session, spec.model, [[spec.groupField, 'in', all], ...spec.domain], spec.groupField);
          const windows = parents.map((p) => {
            const ids = [...new Set(p.groupIds.flatMap((g) => grouped.get(g) ?? []))].sort((a, b) => a - b);
            const after = spec.afterId;
            return { count: ids.length, window: (after === null ? ids : ids.filter((id) => id > after)).slice(0, spec.limit) };
          });
          const wanted = [...new Set(windows.flatMap((w) => w.window))];
          const rows = wanted.length ? await searchRows(session, spec.model, [['id', 'in', wanted]], { order: 'id asc' }) : [];
          const byIdMap = new Map(rows.map((r) => [r.id, r]));
          return windows.map((w) => ({ count: async () => w.count, rows: w.window.flatMap((id) => byIdMap.get(id) ?? []) }));
        },
        { cacheKeyFn: (p) => [...p.groupIds].sort((a, b) => a - b).join(',') },
      );
      loaders.set(key, loader);
    }
    return loader;
  };
}

export function createOdooLoaders(session: OdooSession) {
  const warehouses = () =>
    session.cache.get<OdooRow[]>(session.cache.key({ model: 'stock.warehouse', scope: cacheScope(session), lookup: 'all' }), () => searchRows(session, 'stock.warehouse', [], { order: 'id asc' }));
  const companies = new DataLoader<number, OdooRow | null>(async (ids) => {
    const all = await session.cache.get<OdooRow[]>(session.cache.key({ model: 'res.company', scope: cacheScope(session), lookup: 'all' }), () => searchRows(session, 'res.company', []));
    return byId(ids, all);
  });

  const partnerRefs = cachedIdLoader(session, 'res.partner', PARTNER_REF_FIELDS);
  return {
    orders: idLoader(session, 'sale.order'),
    ordersByNumber: fieldLoader(session, 'sale.order', 'name', false),
    orderLines: childLoader(session, 'sale.order.line', 'order_id'),
    // Shipments are the outgoing deliveries; internal pick/pack steps of two-step warehouses are not.
    shipmentsByOrder: childLoader(session, 'stock.picking', 'sale_id', [['picking_type_code', '=', 'outgoing']]),
    shipments: idLoader(session, 'stock.picking', [['picking_type_code', '=', 'outgoing']]),
    movesByShipment: childLoader(session, 'stock.move', 'picking_id'),
    invoices: idLoader(session, 'account.move'),
    productions: idLoader(session, 'mrp.production'),
    products: cachedIdLoader(session, 'product.product'),
    productsBySku: fieldLoader(session, 'product.product', 'default_code', true),
    /** Live partner rows (credit and receivable change with every invoice): never cached. */
    partners: idLoader(session, 'res.partner'),
    partnersByRef: fieldLoader(session, 'res.partner', 'ref', false),
    /** The cross-reference only (partner → CRM id, commercial parent): master data, cached. */
    partnerRefs,
    /**
     * Products already loaded for order lines (resolvers/order.ts `Order.lines`): the
     * product row, null, or the load's error, by line row. A line found here answers
     * `product` at once instead of with a promise of its own. Maps, not WeakMaps: they
     * live as long as the request's loaders anyway, and weak entries (ephemerons) cost
     * every garbage collection extra work for each of a page's ~200 rows.
     */
    lineProducts: new Map<OdooRow, OdooRow | Error | null>(),
    /** Fields of a page's orders settled ahead (resolvers/order.ts prefetchOrderFields), by order row. */
    orderFieldsAhead: new Map<OdooRow, OrderFieldsAhead>(),
    /** A partner record this request read anyway (the customer's own, by its row scope): its cross-reference needs no second read. */
    primePartnerRef: (raw: RawRecord): void => {
      const [row] = parseKeepingFieldErrors('res.partner', [raw], PARTNER_REF_FIELDS);
      if (row) partnerRefs.prime(row.id, row);
    },
    pricelists: cachedIdLoader(session, 'product.pricelist'),
    companies,
    warehouses,
    nestedPages: nestedPages(session),
    /**
     * Live free stock over every warehouse of the caller's companies, in one `read`
     * without a warehouse key: Odoo then counts the stock of all warehouses of
     * `allowed_company_ids` (reference facts §8), the sum of the per-warehouse figures.
     * A figure Odoo sent unreadable stays its MAPPING_ERROR; a product Odoo left out has none.
     */
    freeToPromise: new DataLoader<number, number | AppError>(async (productIds) => {
      const rows = new Map((await readRowsKeepingFieldErrors(session, 'product.product', productIds, ['free_qty'])).map((r) => [r.id, r]));
      return productIds.map((pid) => rows.get(pid)?.free_qty ?? 0);
    }),
    /** Live stock per warehouse: one `read` per warehouse of the caller's companies, for all products asked in the tick. */
    availability: new DataLoader<number, AvailabilityRow[]>(async (productIds) => {
      const whs = await warehouses();
      const fields = ['qty_available', 'virtual_available', 'free_qty'] as const;
      const perWarehouse = await Promise.all(
        whs.map(async (wh) => {
          const rows = await readRowsKeepingFieldErrors(session, 'product.product', productIds, fields, { warehouse_id: wh.id });
          return { wh, rows: new Map(rows.map((r) => [r.id, r])) };
        }),
      );
      return productIds.map((pid) =>
        perWarehouse.flatMap(({ wh, rows }) => {
          const r = rows.get(pid);
          if (!r) return [];
          return [{ warehouse: wh.name, warehouseCode: wh.code, onHand: r.qty_available ?? 0, forecast: r.virtual_available ?? 0, freeToPromise: r.free_qty ?? 0 }];
        }),
      );
    }),
  };
}

export type OdooLoaders = ReturnType<typeof createOdooLoaders>;
