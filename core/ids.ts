// Canonical ids are opaque, stable strings (§4). Inside they say which system a
// record is anchored in, so any subgraph can resolve a representation without a
// lookup table in the gateway's memory. Clients must not parse them.
//
// Code names the anchor by its role (`crm`); the id carries the configured CRM's
// tag (`hubspot`), exactly as every id issued so far does, so ids clients stored
// keep resolving and are emitted byte for byte the same.
import { appError } from '../policy/errors.ts';
import { CRM_SYSTEM } from './crm-system.ts';

export type CanonicalType =
  | 'Account' | 'Contact' | 'Quote' | 'QuoteLine' | 'Order' | 'OrderLine' | 'Shipment'
  | 'ShipmentLine' | 'Invoice' | 'Product' | 'ProductionOrder' | 'Company' | 'Warehouse' | 'Opportunity';
export type AnchorSystem = 'crm' | 'odoo';

export interface DecodedId {
  type: CanonicalType;
  system: AnchorSystem;
  sourceId: string;
}

/** The tag written inside an id for each anchor. */
const TAG: Record<AnchorSystem, string> = { crm: CRM_SYSTEM, odoo: 'odoo' };
const ANCHOR_OF_TAG = new Map(Object.entries(TAG).map(([anchor, tag]) => [tag, anchor as AnchorSystem]));

export function encodeId(type: CanonicalType, system: AnchorSystem, sourceId: string | number): string {
  return Buffer.from(`${type}:${TAG[system]}:${sourceId}`, 'utf8').toString('base64url');
}

/** Decodes an id and checks it is of the expected type; a bad id is the caller's mistake. */
export function decodeId(id: string, expected: CanonicalType, field = 'id'): DecodedId {
  const bad = () => appError('BAD_USER_INPUT', `"${field}" is not a valid ${expected} id`, { field });
  if (typeof id !== 'string' || id.length === 0 || id.length > 200) throw bad();
  const text = Buffer.from(id, 'base64url').toString('utf8');
  const match = /^([A-Za-z]+):([a-z]+):([0-9]{1,18})$/.exec(text);
  const system = match ? ANCHOR_OF_TAG.get(match[2]!) : undefined;
  if (!match || match[1] !== expected || !system) throw bad();
  return { type: expected, system, sourceId: match[3]! };
}

/** Odoo ids are positive integers; this is where an odoo-anchored id becomes one. */
export function odooIdOf(id: string, expected: CanonicalType, field = 'id'): number {
  const decoded = decodeId(id, expected, field);
  if (decoded.system !== 'odoo') throw appError('BAD_USER_INPUT', `"${field}" is not an Odoo-anchored ${expected} id`, { field });
  return Number(decoded.sourceId);
}

/** The CRM's own id of a CRM-anchored record. */
export function crmIdOf(id: string, expected: CanonicalType, field = 'id'): string {
  const decoded = decodeId(id, expected, field);
  if (decoded.system !== 'crm') throw appError('BAD_USER_INPUT', `"${field}" is not a CRM-anchored ${expected} id`, { field });
  return decoded.sourceId;
}

/**
 * Accounts are anchored in the CRM when the Odoo partner carries a CRM reference
 * (`res.partner.ref`), so both subgraphs derive the same id for the same customer.
 */
export function accountIdFor(refs: { crmId?: string | null; odooId?: number | null }): string {
  if (refs.crmId) return encodeId('Account', 'crm', refs.crmId);
  if (refs.odooId) return encodeId('Account', 'odoo', refs.odooId);
  throw new Error('accountIdFor needs a CRM or an Odoo id');
}
