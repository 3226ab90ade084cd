// Partner ↔ company and product → CRM product, as pure functions driven by the
// ownership declaration (policy/ownership.ts): a field flows only from the system that
// owns it to the other system's copy, and only where a copy exists. The tables below
// say where the copies are; which way each one flows is looked up, not written here,
// so moving a field's owner in the declaration turns its flow around
// (test/master-data-mapping.test.ts).
import { declarationOf } from '../../policy/ownership.ts';
import type { CrmCatalogProduct, CrmCompany, CrmCompanyWrite } from '../../connectors/crm/port.ts';
import type { SyncPartner, SyncProduct } from '../../connectors/odoo/master-data.ts';

/** Account fields both systems hold: the canonical field → the res.partner field and the CRM company field. */
export const ACCOUNT_COPIES = {
  name: { odoo: 'name', crm: 'name' },
  website: { odoo: 'website', crm: 'website' },
  phone: { odoo: 'phone', crm: 'phone' },
  taxId: { odoo: 'vat', crm: 'taxId' },
} as const satisfies Record<string, { odoo: keyof SyncPartner; crm: keyof CrmCompanyWrite & keyof CrmCompany }>;
type AccountCopy = keyof typeof ACCOUNT_COPIES;

/** Product fields the CRM's catalog copies: the canonical field → the product.product field and the CRM product field. */
export const PRODUCT_COPIES = {
  sku: { odoo: 'default_code', crm: 'sku' },
  name: { odoo: 'name', crm: 'name' },
  listPrice: { odoo: 'list_price', crm: 'listPrice' },
  uom: { odoo: 'uom_id', crm: 'uom' },
  customerLeadTimeDays: { odoo: 'sale_delay', crm: 'customerLeadTimeDays' },
} as const satisfies Record<string, { odoo: keyof SyncProduct; crm: Exclude<keyof CrmCatalogProduct, 'odooProductId'> }>;

function ownerOf(type: 'Account' | 'Product', field: string): 'crm' | 'odoo' {
  let owner = declarationOf(type, field)?.owner;
  // An entity key (Product.sku) is the value of whoever owns the object's own id.
  if (owner === 'key') owner = declarationOf(type, 'id')?.owner;
  if (owner !== 'crm' && owner !== 'odoo') throw new Error(`${type}.${field} has a copy in both systems but no system owns it in policy/ownership.ts`);
  return owner;
}

/** The copies of the account whose owner is `owner`. */
export function accountFieldsOwnedBy(owner: 'crm' | 'odoo'): AccountCopy[] {
  return (Object.keys(ACCOUNT_COPIES) as AccountCopy[]).filter((f) => ownerOf('Account', f) === owner);
}

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

/**
 * The CRM company for a partner the CRM has never seen: every copy starts from Odoo's
 * value (there is no CRM value to overwrite yet); from then on only Odoo-owned fields
 * follow Odoo (companyUpdateFromPartner).
 */
export function newCompanyFromPartner(partner: SyncPartner): CrmCompanyWrite {
  const out: CrmCompanyWrite = {};
  for (const [, { odoo, crm }] of Object.entries(ACCOUNT_COPIES)) {
    const v = text(partner[odoo]);
    if (v !== null) out[crm] = v;
  }
  return out;
}

/** What the CRM company's copies of Odoo-owned fields must change to (empty: in step). */
export function companyUpdateFromPartner(partner: SyncPartner, company: CrmCompany): CrmCompanyWrite {
  const out: CrmCompanyWrite = {};
  for (const f of accountFieldsOwnedBy('odoo')) {
    const { odoo, crm } = ACCOUNT_COPIES[f];
    const v = text(partner[odoo]);
    // An empty owner value clears the copy ('' clears a HubSpot property).
    if (v !== text(company[crm])) out[crm] = v ?? '';
  }
  return out;
}

/** The partner for a CRM company Odoo has never seen: every copy starts from the CRM's value. */
export function newPartnerFromCompany(company: CrmCompany): { name: string; vat: string | null; website: string | null; phone: string | null } {
  const v = (f: AccountCopy) => text(company[ACCOUNT_COPIES[f].crm]);
  return { name: v('name') ?? `CRM company ${company.id}`, vat: v('taxId'), website: v('website'), phone: v('phone') };
}

/** What the partner's copies of CRM-owned fields must change to, as res.partner values (empty: in step). */
export function partnerUpdateFromCompany(company: CrmCompany, partner: SyncPartner): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of accountFieldsOwnedBy('crm')) {
    const { odoo, crm } = ACCOUNT_COPIES[f];
    const v = text(company[crm]);
    // A CRM company without a name keeps the partner's: Odoo requires one.
    if (v === null && odoo === 'name') continue;
    if (v !== text(partner[odoo])) out[odoo] = v ?? '';
  }
  return out;
}

/** The CRM product for an Odoo product at the price the CRM sells it at; every field is Odoo's. */
export function productForCrm(product: SyncProduct, price: number): CrmCatalogProduct {
  for (const f of Object.keys(PRODUCT_COPIES)) {
    if (ownerOf('Product', f) !== 'odoo') throw new Error(`Product.${f} is not owned by Odoo: the catalog push would overwrite its owner's value`);
  }
  return {
    odooProductId: product.id,
    sku: text(product.default_code),
    name: text(product.name) ?? `Odoo product ${product.id}`,
    listPrice: price,
    uom: product.uom_id?.name ?? null,
    customerLeadTimeDays: product.sale_delay,
  };
}

/** VAT numbers as people type them: case, spaces, dots and dashes do not make two numbers different. */
export function sameTaxId(a: string | null, b: string | null): boolean {
  const norm = (v: string) => v.toUpperCase().replace(/[\s.\-]/g, '');
  return a === null || b === null || norm(a) === norm(b);
}
