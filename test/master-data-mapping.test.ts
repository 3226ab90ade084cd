// The master-data mapping follows the ownership declaration (policy/ownership.ts): a
// copy is written only from the system that owns the field, so moving a field's owner
// turns its flow around; and the custom HubSpot properties the flows need are the ones
// the sandbox portal declares, with the same type and uniqueness.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { OWNERSHIP } from '../policy/ownership.ts';
import {
  ACCOUNT_COPIES, accountFieldsOwnedBy, companyUpdateFromPartner, newCompanyFromPartner, partnerUpdateFromCompany, productForCrm, sameTaxId,
} from '../worker/master-data/mapping.ts';
import { MASTER_DATA_PROPERTIES } from '../connectors/crm/hubspot/master-data.ts';
import { HUBSPOT_PROPERTIES, HUBSPOT_PROPERTY_TYPES, HUBSPOT_UNIQUE_PROPERTIES } from '../sandboxes/hubspot/portal.ts';
import type { CrmCompany } from '../connectors/crm/port.ts';
import type { SyncPartner, SyncProduct } from '../connectors/odoo/master-data.ts';

const partner: SyncPartner = {
  id: 7, name: 'Odoo Name GmbH', ref: '901', vat: 'DE123456789', website: 'https://odoo.example', phone: '+49 40 1', country_code: 'DE',
  company_id: null, is_company: true, parent_id: null, customer_rank: 3, active: true, write_date: '2026-11-01T08:00:00Z',
};
const company: CrmCompany = {
  id: '901', name: 'CRM Name GmbH', domain: null, website: 'https://crm.example', phone: '+49 40 2', country: 'Germany', taxId: 'DE000000000',
  lifecycleStage: 'CUSTOMER', odooPartnerId: 7, updatedAt: '2026-11-01T08:00:00Z',
};

test('CRM-owned copies flow to Odoo, Odoo-owned copies flow to the CRM, never the other way', () => {
  assert.deepEqual(accountFieldsOwnedBy('crm').sort(), ['name', 'phone', 'website']);
  assert.deepEqual(accountFieldsOwnedBy('odoo'), ['taxId']);
  assert.deepEqual(companyUpdateFromPartner(partner, company), { taxId: 'DE123456789' });
  assert.deepEqual(partnerUpdateFromCompany(company, partner), { name: 'CRM Name GmbH', website: 'https://crm.example', phone: '+49 40 2' });
  // A record the other system has never seen starts from every copy.
  assert.deepEqual(newCompanyFromPartner(partner), { name: 'Odoo Name GmbH', website: 'https://odoo.example', phone: '+49 40 1', taxId: 'DE123456789' });
});

test("moving a field's owner in the declaration turns its copy around", () => {
  const declared = OWNERSHIP.Account!.website!;
  try {
    OWNERSHIP.Account!.website = { ...declared, owner: 'odoo' };
    assert.deepEqual(companyUpdateFromPartner(partner, company), { website: 'https://odoo.example', taxId: 'DE123456789' });
    assert.equal('website' in partnerUpdateFromCompany(company, partner), false);
  } finally {
    OWNERSHIP.Account!.website = declared;
  }
});

test('every copied account field is declared, and a product is pushed only with fields Odoo owns', () => {
  for (const field of Object.keys(ACCOUNT_COPIES)) assert.ok(OWNERSHIP.Account![field], `Account.${field} is declared`);
  const product = { id: 5, name: 'Pump', default_code: 'PMP-1', list_price: 100, uom_id: { id: 1, name: 'Units' }, sale_delay: 14, sale_ok: true, active: true, company_id: null, write_date: null } as SyncProduct;
  assert.deepEqual(productForCrm(product, 90), { odooProductId: 5, sku: 'PMP-1', name: 'Pump', listPrice: 90, uom: 'Units', customerLeadTimeDays: 14 });
  const declared = OWNERSHIP.Product!.listPrice!;
  try {
    OWNERSHIP.Product!.listPrice = { ...declared, owner: 'crm' };
    assert.throws(() => productForCrm(product, 90), /not owned by Odoo/);
  } finally {
    OWNERSHIP.Product!.listPrice = declared;
  }
});

test('tax ids compare as people type them', () => {
  assert.ok(sameTaxId('DE 123.456-789', 'de123456789'));
  assert.ok(sameTaxId(null, 'DE1'));
  assert.ok(!sameTaxId('DE1', 'DE2'));
});

test('the sandbox portal declares every custom property the master-data flows need, with its type and uniqueness', () => {
  for (const [type, properties] of Object.entries(MASTER_DATA_PROPERTIES) as Array<[keyof typeof MASTER_DATA_PROPERTIES, Record<string, { type: string; unique: boolean }>]>) {
    for (const [name, spec] of Object.entries(properties)) {
      assert.ok(HUBSPOT_PROPERTIES[type].includes(name), `${type}.${name} exists in the portal`);
      assert.equal(HUBSPOT_PROPERTY_TYPES[type][name] ?? 'string', spec.type, `${type}.${name} type`);
      assert.equal((HUBSPOT_UNIQUE_PROPERTIES[type] ?? []).includes(name), spec.unique, `${type}.${name} uniqueness`);
    }
  }
});

test('the docs list every custom property the flows need', () => {
  const doc = readFileSync(new URL('../docs/sync.md', import.meta.url), 'utf8');
  for (const [type, properties] of Object.entries(MASTER_DATA_PROPERTIES)) {
    for (const [name, spec] of Object.entries(properties)) {
      assert.match(doc, new RegExp(`\\| ${type} \\| \`${name}\` \\| [^|]+ \\| ${spec.unique ? 'yes' : 'no'} \\|`), `${type}.${name} is documented`);
    }
  }
});
