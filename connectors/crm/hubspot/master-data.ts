// The master-data side of the HubSpot adapter (CrmMasterData in ../port.ts): companies
// for the customer-master sync and products for the catalog push. Every write is
// idempotent at HubSpot: companies are created by upsert on the unique cross-reference
// `odoo_partner_id`, products by upsert on the unique `odoo_product_id`, so a retried
// or re-detected change finds what the first attempt made instead of making a twin.
// Reads that decide a write go by unique property (consistent), never through search,
// which shows a write only seconds later.
import type {
  CrmCallOptions, CrmCatalogProduct, CrmChangeCursor, CrmCompany, CrmCompanyWrite, CrmMasterData,
} from '../port.ts';
import { LIFECYCLE_STAGE, LIFECYCLE_STAGE_TO_HUBSPOT, PROPERTY, QUOTE_STATUS_TO_HUBSPOT } from './canonical.ts';
import type { HubSpotClient, HubSpotObject, SearchRequest } from './hubspot-client.ts';
import { parseObjects, type HubSpotCompany, type HubSpotProduct } from './mapping/records.ts';

/**
 * The custom properties a HubSpot portal needs for the master-data flows, with their
 * type and whether their values must be unique (HubSpot: "Require unique values for
 * this property", which is what makes them usable as `idProperty`). The sandbox portal
 * declares the same (test/master-data-properties.test.ts holds the two together) and
 * docs/sync.md lists them for whoever sets up a real portal.
 */
export const MASTER_DATA_PROPERTIES = {
  companies: {
    odoo_partner_id: { type: 'number', unique: true, label: 'Odoo partner id', purpose: 'The res.partner this company is (the cross-reference, §4).' },
    odoo_tax_id: { type: 'string', unique: false, label: 'Tax id (from Odoo)', purpose: "Read-only copy of the partner's VAT (Odoo owns it); seeds a new partner's VAT." },
  },
  products: {
    odoo_product_id: { type: 'number', unique: true, label: 'Odoo product id', purpose: 'The product.product this product is; the catalog push upserts on it.' },
    odoo_uom: { type: 'string', unique: false, label: 'Unit of measure (from Odoo)', purpose: "The product's sales unit of measure in Odoo." },
    odoo_lead_time_days: { type: 'number', unique: false, label: 'Customer lead time, days (from Odoo)', purpose: "Odoo's sale_delay: days from order to delivery." },
  },
} as const satisfies Record<'companies' | 'products', Record<string, { type: 'string' | 'number'; unique: boolean; label: string; purpose: string }>>;

const COMPANY = {
  name: 'name', domain: 'domain', website: 'website', phone: 'phone', country: 'country', taxId: 'odoo_tax_id',
  lifecycleStage: 'lifecyclestage', odooPartnerId: 'odoo_partner_id', updatedAt: 'hs_lastmodifieddate',
} as const satisfies Record<Exclude<keyof CrmCompany, 'id'>, string>;
const COMPANY_PROPERTIES = Object.values(COMPANY);

const PRODUCT = {
  odooProductId: 'odoo_product_id', sku: 'hs_sku', name: 'name', listPrice: 'price', uom: 'odoo_uom', customerLeadTimeDays: 'odoo_lead_time_days',
} as const satisfies Record<keyof CrmCatalogProduct, string>;
const PRODUCT_PROPERTIES = Object.values(PRODUCT);

const CUSTOMER_STAGE = LIFECYCLE_STAGE_TO_HUBSPOT.CUSTOMER[0]!;

function toCompany(c: HubSpotCompany): CrmCompany {
  const stage = c.lifecyclestage;
  return {
    id: c.id, name: c.name, domain: c.domain, website: c.website, phone: c.phone, country: c.country, taxId: c.odoo_tax_id,
    // Custom stages (numeric ids) mean nothing canonical: not a customer.
    lifecycleStage: stage && !stage.startsWith('custom:') ? LIFECYCLE_STAGE[stage as keyof typeof LIFECYCLE_STAGE] : null,
    odooPartnerId: c.odoo_partner_id, updatedAt: c.hs_lastmodifieddate ?? c.updatedAt,
  };
}

function toProduct(p: HubSpotProduct): CrmCatalogProduct & { id: string } {
  return {
    id: p.id, odooProductId: p.odoo_product_id!, sku: p.hs_sku, name: p.name ?? '', listPrice: p.price ?? 0, uom: p.odoo_uom,
    customerLeadTimeDays: p.odoo_lead_time_days,
  };
}

/** Company write fields as properties; unset fields are left alone. */
function companyProperties(fields: CrmCompanyWrite): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, value] of Object.entries(fields)) if (value !== undefined) out[COMPANY[field as keyof CrmCompanyWrite]] = value;
  return out;
}

/** A price as HubSpot's number property takes it: plain decimal, no exponent. */
const decimal = (n: number) => String(Math.round(n * 1e6) / 1e6);

function productProperties(p: CrmCatalogProduct): Record<string, string> {
  return {
    // Sent as a property too: an upsert's results name their object by what was written.
    [PRODUCT.odooProductId]: String(p.odooProductId),
    [PRODUCT.sku]: p.sku ?? '', [PRODUCT.name]: p.name, [PRODUCT.listPrice]: decimal(p.listPrice), [PRODUCT.uom]: p.uom ?? '',
    [PRODUCT.customerLeadTimeDays]: p.customerLeadTimeDays == null ? '' : decimal(p.customerLeadTimeDays),
  };
}

const MODIFIED = 'hs_lastmodifieddate';
/** A stream position: the last-modified instant HubSpot keeps in step with `updatedAt` (already checked by the wire contract). */
const version = (o: HubSpotObject) => ({ id: o.id, updatedAt: new Date(Number(o.properties[MODIFIED]) || Date.parse(o.properties[MODIFIED] ?? '') || Date.parse(o.updatedAt)).toISOString() });

type Filter = SearchRequest['filterGroups'][number]['filters'][number];

const call = (opts: CrmCallOptions) => ({ requestId: opts.requestId, budget: opts.budget });

export class HubSpotMasterData implements CrmMasterData {
  constructor(private readonly client: HubSpotClient) {}

  async companies(ids: readonly string[], opts: CrmCallOptions = {}): Promise<CrmCompany[]> {
    if (ids.length === 0) return [];
    return parseObjects('companies', await this.client.batchRead('companies', [...ids], COMPANY_PROPERTIES, call(opts))).map(toCompany);
  }

  async companyByOdooPartnerId(partnerId: number, opts: CrmCallOptions = {}): Promise<CrmCompany | null> {
    const found = await this.client.getById('companies', String(partnerId), COMPANY_PROPERTIES, { ...call(opts), idProperty: COMPANY.odooPartnerId });
    return found ? toCompany(parseObjects('companies', [found])[0]!) : null;
  }

  async upsertCompanyForPartner(partnerId: number, fields: CrmCompanyWrite, opts: CrmCallOptions = {}): Promise<{ id: string; created: boolean }> {
    const [result] = await this.client.batchUpsert('companies', COMPANY.odooPartnerId, [{ id: String(partnerId), properties: { ...companyProperties(fields), [COMPANY.odooPartnerId]: String(partnerId) } }], call(opts));
    return { id: result!.id, created: result!.new };
  }

  async linkCompany(id: string, partnerId: number, fields: CrmCompanyWrite = {}, opts: CrmCallOptions = {}): Promise<void> {
    await this.client.update('companies', id, { ...companyProperties(fields), [COMPANY.odooPartnerId]: String(partnerId) }, call(opts));
  }

  /** One page of `type` objects matching `match`, changed after the cursor, in (last-modified, id) order. */
  private async changedSince(type: 'companies' | 'quotes', match: Filter, cursor: CrmChangeCursor, limit: number, properties: string[], opts: CrmCallOptions) {
    const modified = MODIFIED;
    const since = String(cursor.since.getTime());
    // (changed after `since`) OR (changed at `since` with a higher id): no tie is skipped or repeated.
    const filterGroups = cursor.afterId
      ? [
        { filters: [match, { propertyName: modified, operator: 'GT', value: since }] },
        { filters: [match, { propertyName: modified, operator: 'EQ', value: since }, { propertyName: 'hs_object_id', operator: 'GT', value: cursor.afterId }] },
      ]
      : [{ filters: [match, { propertyName: modified, operator: 'GTE', value: since }] }];
    const page = await this.client.search(type, {
      filterGroups, sorts: [{ propertyName: modified, direction: 'ASCENDING' }], properties, limit,
    }, call(opts));
    return page.results;
  }

  async customersChangedSince(cursor: CrmChangeCursor, limit: number, opts: CrmCallOptions = {}): Promise<Array<{ id: string; updatedAt: string }>> {
    const found = await this.changedSince('companies', { propertyName: COMPANY.lifecycleStage, operator: 'EQ', value: CUSTOMER_STAGE }, cursor, limit, [MODIFIED], opts);
    return found.map(version);
  }

  async approvedQuotesChangedSince(cursor: CrmChangeCursor, limit: number, opts: CrmCallOptions = {}): Promise<Array<{ id: string; updatedAt: string }>> {
    const found = await this.changedSince('quotes', { propertyName: PROPERTY.quote.status, operator: 'IN', values: [...QUOTE_STATUS_TO_HUBSPOT.APPROVED] }, cursor, limit, [MODIFIED], opts);
    return found.map(version);
  }

  async upsertProducts(products: readonly CrmCatalogProduct[], opts: CrmCallOptions = {}): Promise<Array<{ id: string; odooProductId: number; created: boolean }>> {
    const results = await this.client.batchUpsert(
      'products', PRODUCT.odooProductId, products.map((p) => ({ id: String(p.odooProductId), properties: productProperties(p) })), call(opts),
    );
    return results.map((r) => ({ id: r.id, odooProductId: Number(r.properties[PRODUCT.odooProductId]), created: r.new }));
  }

  async productsByOdooId(odooProductIds: readonly number[], opts: CrmCallOptions = {}): Promise<Array<CrmCatalogProduct & { id: string }>> {
    if (odooProductIds.length === 0) return [];
    const found = await this.client.batchRead('products', odooProductIds.map(String), PRODUCT_PROPERTIES, { ...call(opts), idProperty: PRODUCT.odooProductId });
    return parseObjects('products', found).map(toProduct);
  }
}
