// Per-request DataLoaders over HubSpot: batch read (100 per call) for objects,
// associations v4 batch read for links, so a list of 50 quotes with their lines
// and accounts costs a handful of calls. Owners are master data, cached.
import DataLoader from 'dataloader';
import type { HubSpotObjectType, HubSpotOwner } from '../../connectors/crm/hubspot/mapping/objects.ts';
import type { MasterDataCache } from '../../core/cache.ts';
import type { HubSpotClient } from '../../connectors/crm/hubspot/hubspot-client.ts';
import { parseObjects, safeParseObjects } from '../../connectors/crm/hubspot/mapping/records.ts';
import { isAppError, type AppError } from '../../policy/errors.ts';
import { READ_PROPERTIES } from '../../connectors/crm/hubspot/canonical.ts';
import type { CrmRowScope } from './row-scope.ts';
import type { Identity } from '../../core/identity.ts';

/** A normalised HubSpot object: `id`, timestamps, and its properties typed (mapping/). */
export type CrmRow = { id: string } & Record<string, any>;

export interface CrmSession {
  client: HubSpotClient;
  cache: MasterDataCache;
  requestId: string;
  scope: CrmRowScope;
}

/**
 * Parses HubSpot objects property by property: a property that does not fit the
 * mapping is replaced by its MAPPING_ERROR, which that one field's resolver
 * returns; the object and the rest of the batch still arrive. An object without
 * a usable id is dropped.
 */
export function parseRows(type: HubSpotObjectType, objects: unknown[]): CrmRow[] {
  const { ok, errors } = safeParseObjects(type, objects as never);
  if (errors.length === 0) return ok as unknown as CrmRow[];
  const rows: CrmRow[] = [];
  for (const object of objects) {
    let candidate = object as { properties?: Record<string, unknown> };
    const broken: Record<string, AppError> = {};
    for (let attempt = 0; attempt < 50; attempt++) {
      try {
        rows.push(Object.assign(parseObjects(type, [candidate] as never)[0] as unknown as CrmRow, broken));
        break;
      } catch (e) {
        const field = isAppError(e) ? (e.details.field as string | undefined) : undefined;
        if (!isAppError(e) || !field || !candidate.properties || !(field in candidate.properties)) break;
        broken[field] = e;
        const { [field]: _bad, ...rest } = candidate.properties;
        candidate = { ...candidate, properties: rest };
      }
    }
  }
  return rows;
}

function objectLoader(session: CrmSession, type: HubSpotObjectType, idProperty?: string) {
  return new DataLoader<string, CrmRow | null>(async (ids) => {
    const allowed = await session.scope.allowedIds(type);
    let objects: unknown[];
    if (!allowed) {
      objects = await session.client.batchRead(type, [...ids], [...READ_PROPERTIES[type]], { requestId: session.requestId, ...(idProperty ? { idProperty } : {}) });
    } else if (!idProperty) {
      const wanted = ids.filter((id) => allowed.has(id));
      objects = wanted.length ? await session.client.batchRead(type, wanted, [...READ_PROPERTIES[type]], { requestId: session.requestId }) : [];
    } else {
      // A lookup by business key for a scoped caller is a search limited to its own ids.
      objects = allowed.size === 0 ? [] : (await session.client.search(type, {
        filterGroups: [{ filters: [
          { propertyName: idProperty, operator: 'IN', values: [...ids] },
          { propertyName: 'hs_object_id', operator: 'IN', values: [...allowed] },
        ] }],
        properties: [...READ_PROPERTIES[type]],
        limit: Math.min(100, ids.length),
      }, { requestId: session.requestId })).results;
    }
    const rows = parseRows(type, objects);
    const keyOf = (r: CrmRow) => (idProperty ? String(r[idProperty]) : r.id);
    const map = new Map(rows.map((r) => [keyOf(r), r]));
    return ids.map((id) => map.get(id) ?? null);
  });
}

function associationLoader(session: CrmSession, from: HubSpotObjectType, to: HubSpotObjectType) {
  return new DataLoader<string, string[]>(async (ids) => {
    const [fromAllowed, toAllowed] = await Promise.all([session.scope.allowedIds(from), session.scope.allowedIds(to)]);
    const wanted = fromAllowed ? ids.filter((id) => fromAllowed.has(id)) : [...ids];
    const map = wanted.length ? await session.client.associations(from, wanted, to, { requestId: session.requestId }) : new Map<string, string[]>();
    return ids.map((id) => (map.get(id) ?? []).filter((toId) => !toAllowed || toAllowed.has(toId)));
  });
}

export interface SalesRep {
  id: string;
  name: string;
  email: string | null;
}

export function createCrmLoaders(session: CrmSession) {
  return {
    companies: objectLoader(session, 'companies'),
    companiesByOdooId: objectLoader(session, 'companies', 'odoo_partner_id'),
    contacts: objectLoader(session, 'contacts'),
    quotes: objectLoader(session, 'quotes'),
    quotesByNumber: objectLoader(session, 'quotes', 'quote_number'),
    lineItems: objectLoader(session, 'line_items'),
    companyContacts: associationLoader(session, 'companies', 'contacts'),
    companyQuotes: associationLoader(session, 'companies', 'quotes'),
    contactCompanies: associationLoader(session, 'contacts', 'companies'),
    quoteCompanies: associationLoader(session, 'quotes', 'companies'),
    quoteLineItems: associationLoader(session, 'quotes', 'line_items'),
    lineItemQuotes: associationLoader(session, 'line_items', 'quotes'),
    owners: new DataLoader<string, SalesRep | null>(async (ids) => {
      const all = await session.cache.get<SalesRep[]>('owners', async () =>
        (await session.client.listOwners({ requestId: session.requestId })).map((o: HubSpotOwner) => ({
          id: o.id, name: [o.firstName, o.lastName].filter(Boolean).join(' ') || o.email, email: o.email ?? null,
        })),
      );
      const map = new Map(all.map((o) => [o.id, o]));
      return ids.map((id) => map.get(id) ?? null);
    }),
  };
}

export type CrmLoaders = ReturnType<typeof createCrmLoaders>;

export interface CrmSubgraphContext {
  requestId: string;
  identity: Identity;
  session: CrmSession;
  loaders: CrmLoaders;
}
