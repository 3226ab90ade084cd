// Row-level limits for HubSpot reads (§5, R6). HubSpot's batch read cannot filter,
// so the limit is applied to the ids before the call: an object outside the
// caller's account is never requested. Lists add `hs_object_id IN (allowed)` to
// the search itself.
import type { HubSpotObjectType } from '../../connectors/crm/hubspot/mapping/objects.ts';
import { decodeId } from '../../core/ids.ts';
import type { Identity } from '../../core/identity.ts';
import { ownAccountLimit } from '../../policy/permissions.ts';
import type { HubSpotClient } from '../../connectors/crm/hubspot/hubspot-client.ts';

export interface CrmRowScope {
  readonly key: string;
  /** The ids of `type` the caller may read; null = no limit. */
  allowedIds(type: HubSpotObjectType): Promise<Set<string> | null>;
}

export const UNRESTRICTED: CrmRowScope = { key: 'all', allowedIds: async () => null };

export function customerScope(accountId: string, client: HubSpotClient, requestId: string): CrmRowScope {
  const memo = new Map<HubSpotObjectType, Promise<Set<string>>>();
  const company = async (): Promise<Set<string>> => {
    const ref = decodeId(accountId, 'Account', 'accountId');
    if (ref.system === 'hubspot') return new Set([ref.sourceId]);
    const found = await client.batchRead('companies', [ref.sourceId], ['odoo_partner_id'], { idProperty: 'odoo_partner_id', requestId });
    return new Set(found.map((c) => c.id));
  };
  const associated = async (from: Promise<Set<string>>, fromType: HubSpotObjectType, toType: HubSpotObjectType) => {
    const ids = [...(await from)];
    if (ids.length === 0) return new Set<string>();
    const map = await client.associations(fromType, ids, toType, { requestId });
    return new Set([...map.values()].flat());
  };
  const compute = (type: HubSpotObjectType): Promise<Set<string>> | null => {
    switch (type) {
      case 'companies':
        return company();
      case 'contacts':
        return associated(get('companies')!, 'companies', 'contacts');
      case 'quotes':
        return associated(get('companies')!, 'companies', 'quotes');
      case 'line_items':
        return associated(get('quotes')!, 'quotes', 'line_items');
      case 'deals':
        return associated(get('companies')!, 'companies', 'deals');
      default:
        return null; // the product catalogue
    }
  };
  const get = (type: HubSpotObjectType): Promise<Set<string>> | null => {
    if (!memo.has(type)) {
      const p = compute(type);
      if (!p) return null;
      memo.set(type, p);
    }
    return memo.get(type)!;
  };
  return { key: `customer:${accountId}`, allowedIds: async (type) => (await get(type)) ?? null };
}

export function rowScopeFor(identity: Identity, client: HubSpotClient, requestId: string): CrmRowScope {
  const limit = ownAccountLimit(identity);
  return limit ? customerScope(limit.accountId, client, requestId) : UNRESTRICTED;
}
