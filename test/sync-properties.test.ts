// The CRM copies are declared once (policy/ownership.ts CRM_COPIES) and mapped to
// HubSpot properties once (sync-properties.ts); these checks fail when the two
// disagree, when a copy is derived from a field Odoo does not own, when an
// enumeration drifts from the canonical values, or when the sandbox's portal lacks
// a property a real portal must have.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CRM_COPIES, OWNERSHIP } from '../policy/ownership.ts';
import { SYNC_ENUMS, SYNC_PROPERTIES, fromHubSpotValue, toHubSpotValue } from '../connectors/crm/hubspot/sync-properties.ts';
import { DELIVERY_STATUS, INVOICE_STATUS, ORDER_STATE, PAYMENT_STATE } from '../connectors/odoo/canonical.ts';
import { HUBSPOT_PROPERTIES, HUBSPOT_PROPERTY_TYPES } from '../sandboxes/hubspot/portal.ts';

test('every CRM copy has exactly one HubSpot property and every property is a declared copy', () => {
  for (const object of ['deal', 'account'] as const) {
    assert.deepEqual(Object.keys(SYNC_PROPERTIES[object]).sort(), Object.keys(CRM_COPIES[object]).sort(), object);
  }
});

test('copies are derived from fields Odoo owns', () => {
  for (const fields of Object.values(CRM_COPIES)) {
    for (const [name, d] of Object.entries(fields)) {
      const [type, field] = d.from.split('.');
      const owner = OWNERSHIP[type!]?.[field!]?.owner;
      assert.ok(owner === 'odoo' || owner === 'key', `${name} is derived from ${d.from}, owned by ${owner}`);
    }
  }
});

test('enumerations carry the canonical values', () => {
  const lower = (t: Record<string, string>) => Object.values(t).map((v) => v.toLowerCase()).sort();
  assert.deepEqual([...SYNC_ENUMS.orderState].sort(), lower(ORDER_STATE));
  assert.deepEqual([...SYNC_ENUMS.deliveryStatus].sort(), lower(DELIVERY_STATUS));
  assert.deepEqual([...SYNC_ENUMS.invoiceStatus].sort(), lower(INVOICE_STATUS).map((v) => v.replace(' ', '_')));
  assert.deepEqual([...SYNC_ENUMS.paymentState].sort(), lower(PAYMENT_STATE));
});

test('values round-trip between canonical and HubSpot form', () => {
  const p = SYNC_PROPERTIES.deal;
  assert.equal(fromHubSpotValue(p.orderState, toHubSpotValue(p.orderState, 'CONFIRMED')), 'CONFIRMED');
  assert.equal(fromHubSpotValue(p.invoiceOverdue, toHubSpotValue(p.invoiceOverdue, true)), true);
  assert.equal(fromHubSpotValue(p.openAmount, toHubSpotValue(p.openAmount, 12.5)), 12.5);
  assert.equal(toHubSpotValue(p.carrier, null), '', 'null clears the property');
  assert.equal(fromHubSpotValue(p.orderState, 'not-an-option'), null);
});

test("the sandbox's portal has every property with its type", () => {
  for (const [object, type] of [['deal', 'deals'], ['account', 'companies']] as const) {
    for (const prop of Object.values(SYNC_PROPERTIES[object])) {
      assert.ok(HUBSPOT_PROPERTIES[type].includes(prop.name), `${type}.${prop.name}`);
      assert.equal(HUBSPOT_PROPERTY_TYPES[type][prop.name] ?? 'string', prop.type, `${type}.${prop.name}`);
    }
  }
});
