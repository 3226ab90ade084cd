// What the Odoo subgraph caches, declared once: its cache is built from this spec (and
// refuses keys of other models), and every Odoo client that writes — the writes
// subgraph's, the sync worker's — goes through `invalidatingWrites`, so a change to one
// of these models drops the cached entries of the records it touched in every replica
// before the write is reported done. A new write path needs nothing more.
import type { CacheSpec } from '../../core/cache.ts';
import type { CacheInvalidation } from '../../core/cache-invalidation.ts';
import { COMPONENTS } from '../../policy/components.ts';
import { READ_METHODS, type CallOptions, type OdooClient } from './odoo-client.ts';

export const ODOO_MASTER_DATA_CACHE: CacheSpec = {
  namespace: COMPONENTS.odoo.subgraph,
  // Products (by id and SKU), the partners' cross-reference, pricelists, companies, warehouses.
  models: ['product.product', 'res.partner', 'product.pricelist', 'res.company', 'stock.warehouse'],
};

const cached: ReadonlySet<string> = new Set(ODOO_MASTER_DATA_CACHE.models);

/**
 * The same client (request views from `forRequest` included), whose successful writes,
 * creates and other changing methods on cached models invalidate those records' entries.
 * Reads and models nobody caches cost nothing extra.
 */
export function invalidatingWrites(client: OdooClient, invalidation: CacheInvalidation): OdooClient {
  const changed = (model: string, method: string, ids: readonly number[] | undefined) =>
    cached.has(model) && !READ_METHODS.has(method) ? invalidation.invalidate(ODOO_MASTER_DATA_CACHE, { model, ...(ids ? { ids } : {}) }) : Promise.resolve();
  const wrapped = Object.create(client) as OdooClient;
  // `this` is the view a method is called on (a forRequest view keeps its deadline).
  Object.assign(wrapped, {
    async write(this: OdooClient, model: string, ids: number[], vals: Record<string, unknown>, opts?: CallOptions) {
      const out = await client.write.call(this, model, ids, vals, opts);
      await changed(model, 'write', ids);
      return out;
    },
    async create(this: OdooClient, model: string, valsList: Record<string, unknown>[], opts?: CallOptions) {
      const ids = await client.create.call(this, model, valsList, opts);
      await changed(model, 'create', ids);
      return ids;
    },
    async callMethod(this: OdooClient, model: string, method: string, ids: number[], kwargs?: Record<string, unknown>, opts?: CallOptions) {
      const out = await client.callMethod.call(this, model, method, ids, kwargs, opts);
      await changed(model, method, ids);
      return out;
    },
    async call(this: OdooClient, model: string, method: string, params?: Record<string, unknown>, opts?: CallOptions) {
      const out = await client.call.call(this, model, method, params, opts);
      const ids = params?.ids;
      await changed(model, method, Array.isArray(ids) ? (ids as number[]) : undefined);
      return out;
    },
  });
  return wrapped;
}
