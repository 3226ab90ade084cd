// Catalog and price push (R4, batch): Odoo products — SKU, name, price per the
// pricelist the CRM sells at, unit of measure, customer lead time — to the CRM's
// products, upserted on the unique Odoo product reference, at most CRM_BATCH_LIMIT (100)
// a call. A low-risk, high-volume feed, so the push happens in `detect`: each poll
// reads one page of products changed since the cursor and upserts that page in one
// batch call; the engine then stores the cursor at the page's last product, so a push
// stopped half-way resumes after the last page that reached the CRM, and a page sent
// twice only rewrites the same values (upsert, never a second product). Pacing and
// 429s are the CRM connector's business (connectors/shared/resilience.ts), not this file's.
//
// `apply` handles one product hint — a webhook or a replay — by re-reading it and
// upserting it alone when the CRM's copy differs. The flow remembers which version of
// each product it pushed, so the hints its own detect returns cost `apply` nothing, and
// products the engine's clock-skew overlap shows again are not sent again: a poll costs
// one batch call per page of products that really changed.
import { appError, isAppError } from '../../policy/errors.ts';
import { CRM_BATCH_LIMIT, type CrmCatalogProduct } from '../../connectors/crm/port.ts';
import { pricelistPrices, productsChangedSince, readProducts, type SyncProduct } from '../../connectors/odoo/master-data.ts';
import type { OdooClient } from '../../connectors/odoo/odoo-client.ts';
import { flowFailure, type ApplyResult, type ChangeHint, type DetectArgs, type DetectResult, type Flow, type FlowContext } from '../flow.ts';
import { productForCrm } from '../master-data/mapping.ts';
import { loadMasterDataConfig, type MasterDataConfig } from '../master-data/config.ts';
import { detectUnlessRateLimited } from '../master-data/detect.ts';

export const CATALOG = 'catalog';
const PRODUCT = 'product.product';
const SENT_MEMORY = 100_000;
/** Refusals of a batch for its content, not for the state of the CRM. */
const CONTENT_REFUSALS: ReadonlySet<string> = new Set(['BACKEND_VALIDATION', 'BACKEND_CONFLICT']);

/** Products the CRM sells: active and saleable in Odoo. */
const pushable = (p: SyncProduct) => p.active && p.sale_ok;

async function forCrm(odoo: OdooClient, config: MasterDataConfig, products: SyncProduct[], at: Date, ctx: FlowContext): Promise<CrmCatalogProduct[]> {
  const prices = config.catalogPricelistId === null
    ? new Map(products.map((p) => [p.id, p.list_price ?? 0]))
    : await pricelistPrices(odoo, config.catalogPricelistId, products, at, { requestId: ctx.requestId, signal: ctx.signal });
  return products.map((p) => productForCrm(p, prices.get(p.id) ?? p.list_price ?? 0));
}

const same = (a: CrmCatalogProduct, b: CrmCatalogProduct) =>
  a.sku === b.sku && a.name === b.name && Math.abs(a.listPrice - b.listPrice) < 1e-6 && a.uom === b.uom && (a.customerLeadTimeDays ?? null) === (b.customerLeadTimeDays ?? null);

export function createCatalogFlow(configOf: () => MasterDataConfig = loadMasterDataConfig): Flow {
  // Read when the worker starts: a bad SYNC_* setting stops it, not each job.
  const config = configOf();
  const settings = () => config;
  /** Product id → the version (write_date) last pushed by this process. */
  const sent = new Map<string, string>();
  const remember = (id: string, version: string) => {
    sent.delete(id);
    sent.set(id, version);
    // Bounded: forgetting only costs a re-send (an upsert of the same values) or a check.
    if (sent.size > SENT_MEMORY) sent.delete(sent.keys().next().value!);
  };
  /** `${id}@${version}` of products the last polls pushed, until their jobs report them applied. */
  const pushedNow = new Set<string>();
  const pushedKey = (id: string, version: string) => `${id}@${version}`;

  return {
    name: CATALOG,
    source: 'odoo',
    models: [PRODUCT],
    team: 'SALES_OPERATIONS',
    get pollMs() {
      return settings().catalogPollMs;
    },
    detect(ctx: FlowContext, args: DetectArgs): Promise<DetectResult> {
      return detectUnlessRateLimited(ctx, args.model, () => pushPage(ctx, args));
    },
    async apply(ctx: FlowContext, change: ChangeHint): Promise<ApplyResult> {
      return applyOne(ctx, change);
    },
  };

  async function pushPage(ctx: FlowContext, args: DetectArgs): Promise<DetectResult> {
    if (args.model !== PRODUCT) throw appError('BAD_USER_INPUT', `${CATALOG} has no change stream for ${args.model}`, { field: 'model' });
    // A page is one batch call: its size is the catalog's own (at most the CRM's batch
    // limit), not the engine's page size for per-record flows, so n products cost
    // ⌈n/100⌉ calls whatever WORKER_BATCH_SIZE is. The engine takes every hint returned.
    const size = Math.min(settings().catalogBatchSize, CRM_BATCH_LIMIT);
    const from = args.after ?? (args.since ? { version: new Date(args.since).toISOString(), id: '' } : null);
    const cursor = from ? { since: from.version, ...(from.id ? { afterId: Number(from.id) } : {}) } : null;
    const page = await productsChangedSince(ctx.odoo, cursor, size, { requestId: ctx.requestId, signal: ctx.signal });
    const changes = page.stream.map((p) => ({ model: PRODUCT, recordId: String(p.id), version: p.version }));
    const version = new Map(changes.map((c) => [c.recordId, c.version]));
    // A product that could not be read is left to `apply`, which fails it on its own
    // (a MAPPING exception for ERP admin) while the rest of the page goes out.
    const send = page.rows.filter((p) => pushable(p) && sent.get(String(p.id)) !== version.get(String(p.id)));
    // Nothing to send for a product the CRM does not sell: its hint needs no second look.
    for (const p of page.rows) if (!pushable(p)) remember(String(p.id), version.get(String(p.id))!);
    if (send.length > 0) {
      const products = await forCrm(ctx.odoo, settings(), send, ctx.now(), ctx);
      try {
        const results = await ctx.crm.masterData.upsertProducts(products, { requestId: ctx.requestId });
        const created = results.filter((r) => r.created).length;
        await ctx.audit.record({
          actor: ctx.actor, action: CATALOG, system: ctx.crm.system, object: 'products', objectId: `${send[0]!.id}..${send[send.length - 1]!.id}`,
          fields: ['sku', 'name', 'listPrice', 'uom', 'customerLeadTimeDays'], before: {}, after: { products: results.length, created },
          requestId: ctx.requestId, outcome: 'applied',
        });
        for (const p of send) {
          remember(String(p.id), version.get(String(p.id))!);
          pushedNow.add(pushedKey(String(p.id), version.get(String(p.id))!));
          if (pushedNow.size > SENT_MEMORY) pushedNow.delete(pushedNow.values().next().value!);
        }
      } catch (e) {
        // The CRM refused the batch for what is in it (a value it rejects, a SKU another
        // product holds): one product must not hold the catalog back, so each product
        // goes to `apply` alone and only the one at fault becomes an exception. A
        // transient failure (outage, 429 after the connector's retries) stops the page:
        // the cursor stays and the next poll sends it again.
        if (!isAppError(e) || !CONTENT_REFUSALS.has(e.code)) throw e;
        ctx.logger.warn({ flow: CATALOG, code: e.code, products: send.length }, 'catalog batch refused; products go one by one');
      }
    }
    return { changes, drained: page.stream.length < size };
  }

  async function applyOne(ctx: FlowContext, change: ChangeHint): Promise<ApplyResult> {
    // Written by the batch of the poll that found it: its job reports it once.
    if (pushedNow.delete(pushedKey(change.recordId, change.version))) return { outcome: 'applied' };
    if (sent.get(change.recordId) === change.version) return { outcome: 'unchanged' };
    const id = Number(change.recordId);
    if (change.model !== PRODUCT || !Number.isSafeInteger(id) || id < 1) throw appError('BAD_USER_INPUT', `${CATALOG} cannot apply a change of ${change.model} ${change.recordId}`, { field: 'recordId' });
    const [product] = await readProducts(ctx.odoo, [id], { requestId: ctx.requestId, signal: ctx.signal });
    if (!product || !pushable(product)) return { outcome: 'skipped' };
    const [wanted] = await forCrm(ctx.odoo, settings(), [product], ctx.now(), ctx);
    const [current] = await ctx.crm.masterData.productsByOdooId([id], { requestId: ctx.requestId });
    if (current && same(current, wanted!)) return { outcome: 'unchanged' };
    let done: { id: string; created: boolean } | undefined;
    try {
      [done] = await ctx.crm.masterData.upsertProducts([wanted!], { requestId: ctx.requestId });
    } catch (e) {
      // The CRM refuses this product for what it holds (a SKU another product has, a value
      // it rejects): product data sales operations must fix, not an outage to retry.
      if (!isAppError(e) || !CONTENT_REFUSALS.has(e.code)) throw e;
      throw flowFailure(e.key, e.message, { type: 'VALIDATION', team: 'SALES_OPERATIONS', object: PRODUCT, objectId: change.recordId });
    }
    await ctx.audit.record({
      actor: ctx.actor, action: CATALOG, system: ctx.crm.system, object: 'products', objectId: done!.id,
      fields: ['sku', 'name', 'listPrice', 'uom', 'customerLeadTimeDays'], before: {}, after: { odooProductId: id },
      requestId: ctx.requestId, outcome: 'applied',
    });
    remember(change.recordId, change.version);
    return { outcome: 'applied', effects: [`product ${done!.id} ${done!.created ? 'created' : 'updated'} for Odoo product ${id}`] };
  }
}
