// A deterministic HubSpot portal for the connector conformance tests: 260 companies
// (so list paging is real: 3 pages of 100), one company with 520 contacts (so v4
// association paging is real: 2 pages of 500), quotes with line items, products, owners.
import type { HubSpotAssociation, HubSpotDataset, HubSpotObject, HubSpotObjectType } from '../sandboxes/hubspot/portal.ts';
import { HUBSPOT_ASSOCIATION_TYPES } from '../sandboxes/hubspot/portal.ts';
import { QUOTE_STATUSES } from '../sandboxes/seed/quotes.ts';

export const FIXTURE_TOKEN = 'pat-na1-11111111-2222-3333-4444-555555555555';
export const FIXTURE_COMPANY_COUNT = 260;
export const FIRST_COMPANY_ID = 1001;
/** The company with more contacts than one association page holds. */
export const BIG_COMPANY_ID = '1001';
export const BIG_COMPANY_CONTACTS = 520;

const SEGMENTS = ['smb', 'mid_market', 'enterprise', 'distributor'] as const;
const STAGES = ['lead', 'opportunity', 'customer', 'other'] as const;

/** Deterministic instant: day `n` after 2025-01-01, at `n` minutes past 09:00 UTC. */
function at(n: number): string {
  return new Date(Date.UTC(2025, 0, 1 + (n % 300), 9, n % 60, n % 50, n % 1000)).toISOString();
}

function obj(id: number, properties: Record<string, string | null>, n: number, created = {} as { c?: string; m?: string }): HubSpotObject {
  const createdAt = at(n);
  const updatedAt = at(n + 7);
  return { id: String(id), properties: { ...properties, ...created }, createdAt, updatedAt, archived: false };
}

export function buildHubSpotFixture(): HubSpotDataset {
  const objects: Record<HubSpotObjectType, HubSpotObject[]> = {
    companies: [], contacts: [], deals: [], quotes: [], line_items: [], products: [], notes: [],
  };
  const associations: HubSpotAssociation[] = [];
  const link = (fromType: HubSpotObjectType, fromId: number | string, toType: HubSpotObjectType, toId: number | string) => {
    const typeId = (HUBSPOT_ASSOCIATION_TYPES as Record<string, number>)[`${fromType}_to_${toType}`];
    if (typeId === undefined) throw new Error(`no default association ${fromType} → ${toType}`);
    associations.push({ fromType, fromId: String(fromId), toType, toId: String(toId), typeId });
  };

  for (let i = 0; i < FIXTURE_COMPANY_COUNT; i += 1) {
    const id = FIRST_COMPANY_ID + i;
    objects.companies.push(
      obj(id, {
        name: `Company ${String(i).padStart(3, '0')}`,
        domain: i % 10 === 3 ? '' : `company${i}.example`,
        website: i % 10 === 3 ? null : `https://company${i}.example`,
        industry: 'MACHINERY',
        phone: `+49 30 ${1000 + i}`,
        city: ['Berlin', 'Lyon', 'Turin', 'Porto'][i % 4]!,
        country: ['Germany', 'France', 'Italy', 'Portugal'][i % 4]!,
        hubspot_owner_id: String(70 + (i % 3)),
        lifecyclestage: STAGES[i % STAGES.length]!,
        segment: SEGMENTS[i % SEGMENTS.length]!,
        odoo_partner_id: i % 25 === 24 ? null : String(5000 + i),
        createdate: at(i),
        hs_lastmodifieddate: at(i + 7),
      }, i),
    );
  }

  let contactId = 20001;
  for (let k = 0; k < BIG_COMPANY_CONTACTS; k += 1, contactId += 1) {
    objects.contacts.push(
      obj(contactId, {
        firstname: `Ada${k}`, lastname: 'Lovelace', email: `ada${k}@company0.example`, phone: null, jobtitle: 'Buyer',
        associatedcompanyid: BIG_COMPANY_ID, createdate: at(k), lastmodifieddate: at(k + 7),
      }, k),
    );
    link('contacts', contactId, 'companies', BIG_COMPANY_ID);
  }
  for (let k = 1; k <= 10; k += 1, contactId += 1) {
    const company = FIRST_COMPANY_ID + k;
    objects.contacts.push(
      obj(contactId, {
        firstname: `Grace${k}`, lastname: 'Hopper', email: `grace${k}@company${k}.example`, phone: '+1 555 0100', jobtitle: 'Planner',
        associatedcompanyid: String(company), createdate: at(k), lastmodifieddate: at(k + 7),
      }, k),
    );
    link('contacts', contactId, 'companies', company);
  }

  for (let p = 0; p < 10; p += 1) {
    objects.products.push(
      obj(30001 + p, {
        name: `Gear ${p}`, hs_sku: `GEAR-${String(p).padStart(3, '0')}`, price: (125.5 + p).toFixed(2), description: `Helical gear ${p}`,
        odoo_product_id: String(700 + p), createdate: at(p), hs_lastmodifieddate: at(p + 7),
      }, p),
    );
  }

  for (let d = 0; d < 5; d += 1) {
    objects.deals.push(
      obj(40001 + d, {
        dealname: `Deal ${d}`, dealstage: 'qualifiedtobuy', pipeline: 'default', amount: String(10000 + d * 250.25),
        closedate: at(d + 30), hubspot_owner_id: '70', deal_currency_code: 'EUR', createdate: at(d), hs_lastmodifieddate: at(d + 7),
      }, d),
    );
    link('deals', 40001 + d, 'companies', FIRST_COMPANY_ID + d);
  }

  let lineId = 60001;
  for (let q = 0; q < 20; q += 1) {
    const quoteId = 50001 + q;
    objects.quotes.push(
      obj(quoteId, {
        hs_title: `Quote ${q}`, hs_status: QUOTE_STATUSES[q % QUOTE_STATUSES.length]!, hs_expiration_date: '2026-03-31', hs_currency: 'EUR',
        hs_quote_amount: String(2000 + q), hubspot_owner_id: '71', quote_number: `Q-2026-${String(q + 1).padStart(5, '0')}`,
        requested_delivery_date: q % 2 ? '2026-04-15' : null, incoterm: q % 2 ? 'DAP' : 'EXW', odoo_order_id: null, odoo_order_ref: null,
        hs_createdate: at(q), hs_lastmodifieddate: at(q + 7),
      }, q),
    );
    link('quotes', quoteId, 'companies', FIRST_COMPANY_ID + (q % 5));
    if (q < 5) link('quotes', quoteId, 'deals', 40001 + q);
    for (let l = 0; l < 2; l += 1, lineId += 1) {
      const product = q % 10;
      objects.line_items.push(
        obj(lineId, {
          name: `Gear ${product}`, quantity: String(1 + l), price: (125.5 + product).toFixed(2), hs_discount_percentage: l ? '5' : null,
          discount: null, hs_sku: `GEAR-${String(product).padStart(3, '0')}`, hs_product_id: String(30001 + product),
          amount: ((125.5 + product) * (1 + l)).toFixed(2), createdate: at(q), hs_lastmodifieddate: at(q + 7),
        }, q),
      );
      link('quotes', quoteId, 'line_items', lineId);
    }
  }

  return {
    portalId: 4242,
    tokens: [FIXTURE_TOKEN],
    objects,
    associations,
    owners: [
      { id: '70', email: 'rita.rep@example.com', firstName: 'Rita', lastName: 'Rep', userId: 9001, archived: false },
      { id: '71', email: 'sam.sales@example.com', firstName: 'Sam', lastName: 'Sales', userId: 9002, archived: false },
      { id: '72', email: 'olga.ops@example.com', firstName: 'Olga', lastName: 'Ops', userId: 9003, archived: false },
      { id: '73', email: 'gone@example.com', firstName: 'Former', lastName: 'Rep', userId: 9004, archived: true },
    ],
  };
}
