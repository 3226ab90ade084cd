// Canonical ids are opaque, stable strings (§4). Inside they say which system a
// record is anchored in, so any subgraph can resolve a representation without a
// lookup table in the gateway's memory. Clients must not parse them.
import { appError } from '../policy/errors.ts';

export type CanonicalType =
  | 'Account' | 'Contact' | 'Quote' | 'QuoteLine' | 'Order' | 'OrderLine' | 'Shipment'
  | 'ShipmentLine' | 'Invoice' | 'Product' | 'ProductionOrder' | 'Company' | 'Warehouse';
export type AnchorSystem = 'hubspot' | 'odoo';

export interface DecodedId {
  type: CanonicalType;
  system: AnchorSystem;
  sourceId: string;
}

export function encodeId(type: CanonicalType, system: AnchorSystem, sourceId: string | number): string {
  return Buffer.from(`${type}:${system}:${sourceId}`, 'utf8').toString('base64url');
}

/** Decodes an id and checks it is of the expected type; a bad id is the caller's mistake. */
export function decodeId(id: string, expected: CanonicalType, field = 'id'): DecodedId {
  const bad = () => appError('BAD_USER_INPUT', `"${field}" is not a valid ${expected} id`, { field });
  if (typeof id !== 'string' || id.length === 0 || id.length > 200) throw bad();
  const text = Buffer.from(id, 'base64url').toString('utf8');
  const match = /^([A-Za-z]+):(hubspot|odoo):([0-9]{1,18})$/.exec(text);
  if (!match || match[1] !== expected) throw bad();
  return { type: expected, system: match[2] as AnchorSystem, sourceId: match[3]! };
}

/** Odoo ids are positive integers; this is where an odoo-anchored id becomes one. */
export function odooIdOf(id: string, expected: CanonicalType, field = 'id'): number {
  const decoded = decodeId(id, expected, field);
  if (decoded.system !== 'odoo') throw appError('BAD_USER_INPUT', `"${field}" is not an Odoo-anchored ${expected} id`, { field });
  return Number(decoded.sourceId);
}

export function hubspotIdOf(id: string, expected: CanonicalType, field = 'id'): string {
  const decoded = decodeId(id, expected, field);
  if (decoded.system !== 'hubspot') throw appError('BAD_USER_INPUT', `"${field}" is not a HubSpot-anchored ${expected} id`, { field });
  return decoded.sourceId;
}

/**
 * Accounts are anchored in the CRM when the Odoo partner carries a CRM reference
 * (`res.partner.ref`), so both subgraphs derive the same id for the same customer.
 */
export function accountIdFor(refs: { crmId?: string | null; odooId?: number | null }): string {
  if (refs.crmId) return encodeId('Account', 'hubspot', refs.crmId);
  if (refs.odooId) return encodeId('Account', 'odoo', refs.odooId);
  throw new Error('accountIdFor needs a CRM or an Odoo id');
}
