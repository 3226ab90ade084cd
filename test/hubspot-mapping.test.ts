// HubSpot objects → typed records: every odd value shape HubSpot sends (§7) and the
// typed MAPPING_ERROR for an object that does not fit.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Kind, parse, type EnumTypeDefinitionNode } from 'graphql';
import { isAppError, type AppError } from '../policy/errors.ts';
import {
  parseObject,
  parseObjects,
  QUOTE_STATUSES,
  safeParseObjects,
  type HubSpotCompany,
  type HubSpotDeal,
  type HubSpotQuote,
} from '../connectors/crm/hubspot/mapping/records.ts';
import { parseDate, parseDatetime, parseNumber } from '../connectors/crm/hubspot/mapping/values.ts';
import { QUOTE_STATUS, QUOTE_STATUS_TO_HUBSPOT } from '../connectors/crm/hubspot/canonical.ts';
import { mapped } from '../subgraphs/common/rows.ts';
import { QUOTE_STATUSES as SANDBOX_QUOTE_STATUSES } from '../sandboxes/seed/quotes.ts';

type Props = Record<string, unknown>;
const T0 = '2026-01-10T10:36:45.123Z';
const wire = (id: string, properties: Props, extra: Props = {}) => ({ id, properties, createdAt: T0, updatedAt: T0, archived: false, ...extra });

function mappingError(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    assert.ok(isAppError(e), `expected AppError, got ${String(e)}`);
    assert.equal(e.code, 'MAPPING_ERROR');
    assert.equal(e.details.system, 'hubspot');
    return e;
  }
  assert.fail('expected a MAPPING_ERROR');
}

const company = (properties: Props) => parseObject('companies', wire('1001', properties));
const quote = (properties: Props) => parseObject('quotes', wire('50001', properties));
const deal = (properties: Props) => parseObject('deals', wire('40001', properties));

describe('unset values', () => {
  it('maps null, "", whitespace and absent properties to null', () => {
    const c = company({ name: null, domain: '', phone: '   ', odoo_partner_id: '' });
    assert.equal(c.name, null);
    assert.equal(c.domain, null);
    assert.equal(c.phone, null);
    assert.equal(c.odoo_partner_id, null);
    assert.equal(c.city, null, 'absent (not requested) is null too');
    assert.equal(c.lifecyclestage, null);
  });

  it('keeps HubSpot property names and the object envelope', () => {
    const c: HubSpotCompany = company({ name: '  Acme Tooling ', odoo_partner_id: '42', hs_object_id: '1001' });
    assert.equal(c.id, '1001');
    assert.equal(c.name, 'Acme Tooling');
    assert.equal(c.hs_object_id, '1001');
    assert.equal(c.createdAt, T0);
    assert.equal(c.updatedAt, T0);
    assert.equal(c.archived, false);
    assert.ok(!('properties' in c));
  });
});

describe('numbers', () => {
  it('parses numeric strings', () => {
    const q = quote({ hs_quote_amount: '1234.50', odoo_order_id: '42' });
    assert.equal(q.hs_quote_amount, 1234.5);
    assert.equal(q.odoo_order_id, 42);
    const line = parseObject('line_items', wire('60001', { quantity: '3', price: '-0.5', hs_discount_percentage: '12.5', amount: '1e3', discount: '+7' }));
    assert.deepEqual([line.quantity, line.price, line.hs_discount_percentage, line.amount, line.discount], [3, -0.5, 12.5, 1000, 7]);
    assert.equal(company({ odoo_partner_id: '42.0' }).odoo_partner_id, 42, 'HubSpot number properties may carry .0');
  });

  it('keeps HubSpot ids as numeric strings', () => {
    const c = company({ hubspot_owner_id: '71', hs_object_id: '1001' });
    assert.equal(c.hubspot_owner_id, '71');
    const line = parseObject('line_items', wire('60001', { hs_product_id: '30001.0' }));
    assert.equal(line.hs_product_id, '30001');
  });

  it('refuses what is not a number', () => {
    for (const [field, value] of [['hs_quote_amount', '12,50'], ['hs_quote_amount', 'abc'], ['hs_quote_amount', 'NaN'], ['odoo_order_id', '0'], ['odoo_order_id', '4.5'], ['odoo_order_id', '-3']]) {
      const e = mappingError(() => quote({ [field!]: value }));
      assert.equal(e.details.field, field);
      assert.equal(e.details.recordId, '50001');
    }
    assert.throws(() => parseNumber('1 000'));
  });
});

describe('dates and datetimes', () => {
  const midnight = String(Date.UTC(2026, 2, 31));

  it('reads a date property given as YYYY-MM-DD, epoch ms or an ISO instant', () => {
    assert.equal(quote({ hs_expiration_date: '2026-03-31' }).hs_expiration_date, '2026-03-31');
    assert.equal(quote({ hs_expiration_date: midnight }).hs_expiration_date, '2026-03-31');
    assert.equal(quote({ requested_delivery_date: '2026-03-31T00:00:00Z' }).requested_delivery_date, '2026-03-31');
    assert.equal(quote({ requested_delivery_date: '2026-03-31T00:00:00.000+00:00' }).requested_delivery_date, '2026-03-31');
  });

  it('normalises datetimes to UTC ISO instants with milliseconds', () => {
    assert.equal(company({ hs_lastmodifieddate: '2024-01-10T10:36:45Z' }).hs_lastmodifieddate, '2024-01-10T10:36:45.000Z');
    assert.equal(company({ hs_lastmodifieddate: '2024-01-10T12:36:45.5+02:00' }).hs_lastmodifieddate, '2024-01-10T10:36:45.500Z');
    assert.equal(company({ hs_lastmodifieddate: '2024-01-10T10:36:45.123456Z' }).hs_lastmodifieddate, '2024-01-10T10:36:45.123Z');
    assert.equal(company({ createdate: '1704883005123' }).createdate, '2024-01-10T10:36:45.123Z');
    assert.equal(deal({ closedate: '2026-06-30' }).closedate, '2026-06-30T00:00:00.000Z');
    assert.equal(parseDatetime('2024-01-10 10:36:45Z'), '2024-01-10T10:36:45.000Z');
    assert.equal(parseDate('1774915200000'), '2026-03-31');
  });

  it('refuses impossible or zone-less values', () => {
    for (const [field, value] of [
      ['hs_expiration_date', '2026-02-30'],
      ['hs_expiration_date', '31/03/2026'],
      ['hs_expiration_date', '20260331'],
      ['hs_lastmodifieddate', '2024-01-10T10:36:45'],
      ['hs_lastmodifieddate', 'yesterday'],
      ['hs_lastmodifieddate', '2024-13-01T00:00:00Z'],
      ['hs_lastmodifieddate', '2024-01-10T25:00:00Z'],
    ]) {
      const e = mappingError(() => quote({ [field!]: value }));
      assert.equal(e.details.field, field, `${field}=${value}`);
    }
  });

  it('validates the envelope timestamps too', () => {
    const e = mappingError(() => parseObject('companies', wire('1001', {}, { updatedAt: 'not a date' })));
    assert.equal(e.details.field, 'updatedAt');
    assert.equal(parseObject('companies', wire('1001', {}, { createdAt: '2026-01-10T11:36:45.123+01:00' })).createdAt, T0);
  });
});

describe('booleans', () => {
  it('maps "true"/"false" to booleans and refuses anything else', () => {
    const d: HubSpotDeal = deal({ hs_is_closed_won: 'true', hs_is_closed: 'false' });
    assert.equal(d.hs_is_closed_won, true);
    assert.equal(d.hs_is_closed, false);
    assert.equal(quote({ hs_esign_enabled: 'TRUE' }).hs_esign_enabled, true);
    assert.equal(deal({ hs_is_closed_won: '' }).hs_is_closed_won, null);
    for (const v of ['yes', '1', 'on']) assert.equal(mappingError(() => deal({ hs_is_closed_won: v })).details.field, 'hs_is_closed_won');
  });
});

describe('enumerations', () => {
  it('accepts every verified quote status and nothing else', () => {
    for (const s of QUOTE_STATUSES) assert.equal(quote({ hs_status: s }).hs_status, s);
    // The HubSpot sandbox's quote states (the seed writes every one of them) are the set the connector must accept.
    assert.deepEqual([...QUOTE_STATUSES].sort(), [...SANDBOX_QUOTE_STATUSES].sort());
    for (const s of ['SENT', 'draft', 'WON']) {
      const e = mappingError(() => quote({ hs_status: s }));
      assert.equal(e.details.field, 'hs_status');
      assert.match(e.message, /must be one of DRAFT, APPROVAL_NOT_NEEDED/);
    }
  });

  it('maps every quote status to a canonical status the schema has, and back', () => {
    const schema = parse(readFileSync(new URL('../subgraphs/crm/schema.graphql', import.meta.url), 'utf8'));
    const quoteStatus = schema.definitions.find((d): d is EnumTypeDefinitionNode => d.kind === Kind.ENUM_TYPE_DEFINITION && d.name.value === 'QuoteStatus');
    const canonical = new Set(quoteStatus?.values?.map((v) => v.name.value));
    assert.ok(canonical.size > 0, 'the CRM schema declares QuoteStatus');
    const where = { system: 'hubspot', model: 'quotes', recordId: '50001', field: 'hs_status' } as const;
    for (const s of QUOTE_STATUSES) {
      const c = mapped(QUOTE_STATUS, quote({ hs_status: s }).hs_status, where);
      assert.ok(canonical.has(c), `${s} → ${c}, not a QuoteStatus`);
      assert.ok(QUOTE_STATUS_TO_HUBSPOT[c]?.includes(s), `filtering on ${c} must find ${s} quotes`);
    }
    assert.deepEqual(Object.keys(QUOTE_STATUS).sort(), [...QUOTE_STATUSES].sort(), 'no mapping for a status HubSpot does not have');
    for (const c of canonical) {
      const filtered: readonly string[] | undefined = (QUOTE_STATUS_TO_HUBSPOT as Record<string, readonly string[]>)[c];
      assert.ok(filtered?.every((s) => (QUOTE_STATUS as Record<string, string>)[s] === c), `${c} filters on the statuses that map to it`);
    }
  });

  it('reads lifecycle stages, custom stages by id, segments, incoterms and currencies', () => {
    assert.equal(company({ lifecyclestage: 'customer' }).lifecyclestage, 'customer');
    assert.equal(company({ lifecyclestage: '1234567' }).lifecyclestage, 'custom:1234567');
    assert.equal(mappingError(() => company({ lifecyclestage: 'Customer' })).details.field, 'lifecyclestage');
    assert.equal(company({ segment: 'mid_market' }).segment, 'mid_market');
    assert.equal(mappingError(() => company({ segment: 'galactic' })).details.field, 'segment');
    const q: HubSpotQuote = quote({ incoterm: 'dap', hs_currency: 'eur' });
    assert.equal(q.incoterm, 'DAP');
    assert.equal(q.hs_currency, 'EUR');
    assert.equal(mappingError(() => quote({ incoterm: 'XYZ' })).details.field, 'incoterm');
    assert.equal(mappingError(() => deal({ deal_currency_code: 'EURO' })).details.field, 'deal_currency_code');
  });
});

describe('malformed objects', () => {
  it('names object type, id and property when a property is not a string', () => {
    const e = mappingError(() => parseObjects('companies', [wire('1001', { name: 'Ok' }), wire('1002', { name: 12345 })]));
    assert.equal(e.details.model, 'companies');
    assert.equal(e.details.recordId, '1002');
    assert.equal(e.details.field, 'name');
    assert.match(e.message, /HubSpot companies 1002: name must be a string or null/);
  });

  it('names the id field when the id is missing or not numeric', () => {
    const missing = mappingError(() => parseObject('contacts', { properties: {}, createdAt: T0, updatedAt: T0 }));
    assert.equal(missing.details.field, 'id');
    assert.equal(missing.details.model, 'contacts');
    assert.equal(missing.details.recordId, undefined);
    const bad = mappingError(() => parseObject('contacts', wire('abc', {})));
    assert.equal(bad.details.field, 'id');
    assert.equal(bad.details.recordId, 'abc');
  });

  it('refuses an object without properties and one whose hs_object_id contradicts its id', () => {
    assert.equal(mappingError(() => parseObject('products', { id: '1', properties: null, createdAt: T0, updatedAt: T0 })).details.field, 'properties');
    const e = mappingError(() => parseObject('products', wire('30001', { hs_object_id: '30002' })));
    assert.equal(e.details.field, 'hs_object_id');
  });

  it('the non-throwing variant returns the records that fit and one error per object that does not', () => {
    const { ok, errors } = safeParseObjects('quotes', [
      wire('50001', { hs_status: 'DRAFT' }),
      wire('50002', { hs_status: 'SENT' }),
      wire('50003', { hs_quote_amount: '10' }),
      { id: '50004', properties: { hs_title: 7 }, createdAt: T0, updatedAt: T0 },
    ]);
    assert.deepEqual(ok.map((q) => q.id), ['50001', '50003']);
    assert.deepEqual(errors.map((e) => [e.code, e.details.recordId, e.details.field]), [
      ['MAPPING_ERROR', '50002', 'hs_status'],
      ['MAPPING_ERROR', '50004', 'hs_title'],
    ]);
  });
});
